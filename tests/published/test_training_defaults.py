"""Training defaults per hardware generation (factor set 2026.2) against published runs.

With no measured power and no measured FLOP/s, the energy of a run comes from the hardware
generation's training load factor, its server class's host power and its MFU. The runs of
Patterson et al. 2021 on P100, V100 and TPU v2 came out 1.2-2.3x too high with the 2026.1
constants (one H100 run's 0.85 x TDP + 150 W and MFU 0.41); docs/training-defaults.md lists the
ratios before and after. The 2026.2 load factors of these generations are derived from the same
measured system powers, so the count x duration checks are in-sample: they show the derivation
and the reader agree, not an independent validation. The H200 readings test uses this project's
own readings (tests/data/h200-training-readings.json).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from lca import estimate
from lca.factors import load_all
from tests.published.cases import PATTERSON_2021, PATTERSON_TABLE_1, PATTERSON_TABLE_4

OLD, NEW = "2026.1", "2026.2"
READINGS = json.loads((Path(__file__).parents[1] / "data" / "h200-training-readings.json")
                      .read_text())
OLDER_GENERATIONS = ("nvidia-p100", "nvidia-v100", "google-tpu-v2")


def _energy(profile: dict, version: str) -> float:
    r = estimate({**profile, "factors_version": version})
    return r["training"]["operational"]["energy"]["value"]


def _count_cases() -> list[tuple[str, str, float, int, float, float, float]]:
    """(id, hardware, parameters, chips, days, PUE, published kWh) of the older generations."""
    cases = [(c[0], c[2], c[1], c[3], c[4], c[6], c[9]) for c in PATTERSON_TABLE_1]
    cases += [(c[0], c[2], c[1], c[3], c[4], c[6], c[9] * 1000) for c in PATTERSON_TABLE_4]
    return [c for c in cases if c[1] in OLDER_GENERATIONS]


COUNT_CASES = _count_cases()
COMPUTE_CASES = [c for c in PATTERSON_TABLE_4 if c[2] in OLDER_GENERATIONS]


@pytest.mark.parametrize("case", COUNT_CASES,
                         ids=[f"{c[0]}-{PATTERSON_2021}-default-power" for c in COUNT_CASES])
def test_default_power_of_older_generations_comes_closer_to_the_published_energy(case):
    _, hardware, params, chips, days, pue, kwh = case
    profile = {"model": {"parameters": params},
               "training": {"hardware": hardware, "accelerator_count": chips,
                            "duration": f"{days} day", "datacenter": {"pue": pue, "wue": 0}}}
    before, after = (_energy(profile, v) / kwh for v in (OLD, NEW))
    assert before > 1.2  # the 2026.1 constants overstate these runs
    assert abs(math.log(after)) < abs(math.log(before))
    assert after == pytest.approx(1, rel=0.1)


@pytest.mark.parametrize("case", COMPUTE_CASES,
                         ids=[f"{c[0]}-{PATTERSON_2021}-default-power-and-mfu"
                              for c in COMPUTE_CASES])
def test_default_power_and_mfu_of_older_generations_come_closer_on_the_compute_path(case):
    (_, params, hardware, _, _, _, pue, _, _, mwh, _, _, flop, _) = case
    profile = {"model": {"parameters": params},
               "training": {"hardware": hardware, "compute": f"{flop} FLOP",
                            "datacenter": {"pue": pue, "wue": 0}}}
    before, after = (_energy(profile, v) / (mwh * 1000) for v in (OLD, NEW))
    assert abs(math.log(after)) < abs(math.log(before))
    assert after == pytest.approx(1, rel=0.1)


def test_h200_defaults_reproduce_the_board_energy_of_the_training_readings():
    # Board energy = IT energy x (TDP x load factor) / (TDP x load factor + host share).
    fs = load_all()[NEW]
    hw = fs.tables["hardware"].rows["nvidia-h200"]
    server = fs.linked("hardware_servers", "nvidia-h200")
    host = (fs.get("servers", server, "training_host_power").value
            / fs.get("servers", server, "accelerators_per_server").value)
    board_w = hw["tdp"].value * hw["training_load_factor"].value
    for run in READINGS["training"]:
        r = estimate({"factors_version": NEW, "model": {"parameters": run["params"]},
                      "training": {"hardware": "nvidia-h200",
                                   "compute": f"{run['model_flops_6ND']} FLOP",
                                   "datacenter": {"pue": 1, "wue": 0}}})
        board_kwh = r["training"]["it_energy"]["value"] * board_w / (board_w + host)
        assert board_kwh * 3.6e6 == pytest.approx(run["joules"], rel=0.05), READINGS["source"]


def test_h200_training_factors_lie_within_the_readings():
    hw = load_all()[NEW].tables["hardware"].rows["nvidia-h200"]
    runs = READINGS["training"]
    limit = READINGS["device"]["power_limit_w"]
    assert hw["training_load_factor"].value == pytest.approx(
        sum(r["mean_w"] for r in runs) / len(runs) / limit, rel=0.01)
    mfus = [r["mfu_vs_989_tflops"] for r in runs]
    assert min(mfus) <= hw["training_mfu"].value <= max(mfus)


def test_sparse_model_gets_a_lower_default_mfu_than_a_dense_one_of_its_active_size():
    fs = load_all()[NEW]
    mixtral = fs.tables["models"].rows["mixtral-8x7b"]
    active = mixtral["active_parameters"].value
    training = {"hardware": "nvidia-h100-sxm", "tokens": 1e12}
    moe = estimate({"factors_version": NEW, "model": "mixtral-8x7b", "training": training})
    dense = estimate({"factors_version": NEW, "model": {"parameters": active},
                      "training": training})
    ratio = (moe["training"]["accelerator_hours"]["value"]
             / dense["training"]["accelerator_hours"]["value"])
    assert ratio == pytest.approx(1 / fs.constant("training_mfu_sparse_factor").value)


def test_a_given_utilization_is_never_scaled_for_a_sparse_model():
    training = {"hardware": "nvidia-h100-sxm", "tokens": 1e12, "utilization": 0.3}
    moe = estimate({"factors_version": NEW, "model": "mixtral-8x7b", "training": training})
    active = load_all()[NEW].tables["models"].rows["mixtral-8x7b"]["active_parameters"].value
    dense = estimate({"factors_version": NEW, "model": {"parameters": active},
                      "training": training})
    assert (moe["training"]["accelerator_hours"]["value"]
            == pytest.approx(dense["training"]["accelerator_hours"]["value"]))


def test_pinned_2026_1_keeps_the_constants_and_says_the_moe_factor_is_absent():
    r = estimate({"factors_version": OLD, "model": "mixtral-8x7b",
                  "training": {"hardware": "nvidia-v100", "tokens": 1e12}})
    used = {u["key"] for u in r["factors_used"]}
    assert {"constants.load_factor_training", "constants.training_utilization"} <= used
    assumed = {a["field"] for a in r["assumptions"]}
    assert "training.sparse_mfu_factor" in assumed
