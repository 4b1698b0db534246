"""Training energy and emissions of published runs, reproduced through lca.estimate."""

from __future__ import annotations

import pytest

from lca import estimate
from tests.published.cases import (
    LLAMA_2,
    LLAMA_2_CARD,
    LLAMA_2_IMPLIED_INTENSITY,
    PATTERSON_2021,
    PATTERSON_TABLE_1,
    PATTERSON_TABLE_4,
    STRUBELL,
    STRUBELL_2019,
    STRUBELL_LBS_PER_KWH,
    STRUBELL_PUE,
)

REL = 0.02
COUNT_TIMES_TIME = "accelerator_count_x_duration"  # the path of Patterson's count x days


def operational(result: dict, indicator: str) -> float:
    return result["training"]["operational"][indicator]["value"]


def patterson_profile(params, hardware, chips, days, watts, pue, intensity) -> dict:
    return {"model": {"parameters": params},
            "training": {"hardware": hardware, "accelerator_count": chips,
                         "duration": f"{days} day", "power_per_accelerator": f"{watts} W",
                         "datacenter": {"pue": pue, "wue": 0},
                         "grid": {"gwp": f"{intensity} kg/kWh"}}}


@pytest.mark.parametrize("case", PATTERSON_TABLE_4,
                         ids=[f"{c[0]}-{PATTERSON_2021}-table4-2pct" for c in PATTERSON_TABLE_4])
def test_patterson_table_4_energy_and_gross_and_net_emissions(case):
    (_, params, hw, chips, days, watts, pue, gross, net, mwh, t_gross, t_net, _, _) = case
    for intensity, tonnes in ((gross, t_gross), (net, t_net)):
        r = estimate(patterson_profile(params, hw, chips, days, watts, pue, intensity))
        assert r["training"]["path"] == COUNT_TIMES_TIME
        assert operational(r, "energy") / 1000 == pytest.approx(mwh, rel=REL)
        assert operational(r, "gwp") / 1000 == pytest.approx(tonnes, rel=REL)


@pytest.mark.parametrize("case", PATTERSON_TABLE_1,
                         ids=[f"{c[0]}-{PATTERSON_2021}-table1-2pct" for c in PATTERSON_TABLE_1])
def test_patterson_table_1_small_runs(case):
    (_, params, hw, chips, days, watts, pue, gross, net, kwh, t_gross, t_net) = case
    for intensity, tonnes in ((gross, t_gross), (net, t_net)):
        r = estimate(patterson_profile(params, hw, chips, days, watts, pue, intensity))
        assert operational(r, "energy") == pytest.approx(kwh, rel=REL)
        # the published tonnes carry 3 significant digits: 2% or half a unit of the last digit
        assert operational(r, "gwp") / 1000 == pytest.approx(tonnes, rel=REL, abs=0.00005)


@pytest.mark.parametrize("case", PATTERSON_TABLE_4,
                         ids=[f"{c[0]}-{PATTERSON_2021}-compute-path-2pct"
                              for c in PATTERSON_TABLE_4])
def test_compute_path_with_measured_throughput_matches_table_4(case):
    # The GPT-3 check generalised: FLOP / measured FLOP/s per chip x W x PUE.
    (_, params, hw, _, _, watts, pue, gross, _, mwh, t_gross, _, flop, tflops) = case
    r = estimate({"model": {"parameters": params},
                  "training": {"hardware": hw, "compute": f"{flop} FLOP",
                               "achieved_flops": f"{tflops} TFLOP/s",
                               "power_per_accelerator": f"{watts} W",
                               "datacenter": {"pue": pue, "wue": 0},
                               "grid": {"gwp": gross}}})
    assert r["training"]["path"] == "compute"
    assert operational(r, "energy") / 1000 == pytest.approx(mwh, rel=REL)
    assert operational(r, "gwp") / 1000 == pytest.approx(t_gross, rel=REL)


def test_gpt3_through_the_compute_path_gives_1287_mwh():
    # Patterson et al. 2021 Table 4: 3.14e23 FLOP, 24.6 TFLOP/s per V100, 330 W, PUE 1.1
    r = estimate({"model": "gpt-3", "training": {
        "hardware": "nvidia-v100", "compute": "3.14e23 FLOP", "achieved_flops": "24.6 TFLOP/s",
        "power_per_accelerator": "330 W", "datacenter": {"pue": 1.1},
        "grid": {"gwp": "0.429 kgCO2e/kWh"}}})
    assert operational(r, "energy") == pytest.approx(1_287_000, rel=REL)
    assert operational(r, "gwp") == pytest.approx(552_100, rel=REL)


@pytest.mark.parametrize("case", LLAMA_2, ids=[f"{c[0]}-{LLAMA_2_CARD}-2pct" for c in LLAMA_2])
def test_llama_2_model_card_emissions(case):
    preset, gpu_hours, watts, tonnes = case
    r = estimate({"model": preset, "training": {
        "hardware": "nvidia-a100-80gb", "accelerator_hours": gpu_hours,
        "power_per_accelerator": f"{watts} W", "datacenter": {"pue": 1.0},
        "grid": {"gwp": LLAMA_2_IMPLIED_INTENSITY}}})
    assert r["training"]["path"] == "accelerator_hours"
    assert operational(r, "gwp") / 1000 == pytest.approx(tonnes, rel=REL)


@pytest.mark.parametrize("case", STRUBELL, ids=[f"{c[0]}-{STRUBELL_2019}-2pct" for c in STRUBELL])
def test_strubell_2019_energy_and_pounds_of_co2e(case):
    # Strubell's power is the whole machine (CPU + DRAM + all GPUs): one unit drawing it.
    _, params, watts, hours, kwh, lbs = case
    r = estimate({"model": {"parameters": params},
                  "training": {"accelerator_hours": f"{hours} h",
                               "power_per_accelerator": f"{watts} W",
                               "datacenter": {"pue": STRUBELL_PUE},
                               "grid": {"gwp": f"{STRUBELL_LBS_PER_KWH} lbCO2e/kWh"}},
                  "units": {"gwp": "lbCO2e"}})
    assert operational(r, "energy") == pytest.approx(kwh, rel=REL)
    assert r["training"]["operational"]["gwp"]["unit"] == "lbCO2e"
    assert operational(r, "gwp") == pytest.approx(lbs, rel=REL)
