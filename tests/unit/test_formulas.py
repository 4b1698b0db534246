"""The formulas: values by hand, dimensions with pint, and the same numbers on numpy arrays."""

from __future__ import annotations

import numpy as np
import pytest

from lca.model import embodied, inference, lifecycle, operational, training
from lca.units import UNITS

Q = UNITS.Quantity


def test_operational_impacts_follow_the_method_note_by_hand():
    grid = {"gwp": 0.5, "water": 3.0, "adpe": 1e-7, "pe": 10.0}
    out = operational.operational_impacts(100.0, 1.2, 0.5, grid)
    assert out["energy"] == pytest.approx(120.0)
    assert out["gwp"] == pytest.approx(60.0)
    assert out["water_onsite"] == pytest.approx(50.0)  # on IT energy (Li et al.)
    assert out["water_offsite"] == pytest.approx(360.0)  # on facility energy
    assert out["water"] == pytest.approx(410.0)
    assert out["adpe"] == pytest.approx(1.2e-5)
    assert out["pe"] == pytest.approx(1200.0)


def test_operational_impacts_are_dimensionally_consistent_with_pint():
    grid = {"gwp": Q(0.5, "kgCO2e/kWh"), "water": Q(3.0, "L/kWh"),
            "adpe": Q(1e-7, "kgSbeq/kWh"), "pe": Q(10.0, "MJ/kWh")}
    out = operational.operational_impacts(Q(100.0, "kWh"), Q(1.2, ""), Q(0.5, "L/kWh"), grid)
    assert out["energy"].to("kWh").magnitude == pytest.approx(120.0)
    assert out["gwp"].to("kgCO2e").magnitude == pytest.approx(60.0)
    assert out["water"].to("L").magnitude == pytest.approx(410.0)
    assert out["adpe"].to("kgSbeq").magnitude == pytest.approx(1.2e-5)
    assert out["pe"].to("MJ").magnitude == pytest.approx(1200.0)


def test_embodied_impacts_allocate_by_time_share_with_pint_units():
    per_accel = {"gwp": Q(300.0, "kgCO2e"), "water": Q(100.0, "L"),
                 "adpe": Q(0.01, "kgSbeq"), "pe": Q(4000.0, "MJ")}
    out = embodied.embodied_impacts(per_accel, Q(8766.0, "h"), Q(4.0, "year"))
    assert out["gwp"].to("kgCO2e").magnitude == pytest.approx(75.0)
    assert out["pe"].to("MJ").magnitude == pytest.approx(1000.0)


def test_training_formulas_have_the_dimensions_their_docstrings_state():
    power = training.accelerator_power(Q(700.0, "W"), Q(0.8, ""), Q(150.0, "W"))
    assert power.to("W").magnitude == pytest.approx(710.0)
    compute = training.training_compute(Q(7e10, ""), Q(1.5e13, "token"), Q(6.0, "FLOP/token"))
    assert compute.check("[computation]")
    assert compute.to("FLOP").magnitude == pytest.approx(6.3e24)
    hours = training.compute_hours(Q(3.14e23, "FLOP"), Q(24.6e12, "FLOP/s"))
    assert hours.check("[time]")  # the /3600 makes it hours of the float core
    assert training.hours_from_energy(Q(1.0, "kWh"), Q(500.0, "W")).check("[time]")


def test_gpt3_compute_path_by_hand_matches_patterson_2021():
    hours = training.compute_hours(3.14e23, 24.6e12)
    energy_mwh = hours * 330.0 / 1e6 * 1.1
    assert energy_mwh == pytest.approx(1287, rel=0.02)  # Patterson et al. 2021, Table 4


def test_training_path_selection_on_arrays_matches_each_scalar_path():
    nan = np.nan
    path = np.array([1.0, 1.0, 2.0, 3.0, 4.0])
    hours_given = np.array([nan, 50.0, 100.0, 200.0, nan])
    energy_given = np.array([40.0, 40.0, nan, nan, nan])
    compute = np.array([nan, nan, nan, nan, 3.6e18])
    flops = np.array([nan, nan, nan, nan, 1e12])
    power = np.full(5, 400.0)
    hours = training.accelerator_hours(path, hours_given, energy_given, compute, flops, power, 1.0)
    assert hours == pytest.approx([100.0, 50.0, 100.0, 200.0, 1000.0])
    energy = training.it_energy(path, energy_given, hours, power, 1.0)
    assert energy == pytest.approx([40.0, 40.0, 40.0, 80.0, 400.0])


@pytest.mark.parametrize(("weights_gb", "memory_gb", "expected"), [
    (16.8, 80, 1), (168, 80, 4), (295, 80, 4), (338.4, 80, 8), (972, 80, 16), (1620, 80, 32),
])
def test_replica_size_rounds_up_to_a_power_of_two_like_ecologits(weights_gb, memory_gb, expected):
    # EcoLogits (ecologits-method.md 2.2, item 3): 7B 1, 70B 4, 123B 4, 141B 8, 405B 16, 675B 32
    assert inference.replica_accelerators(weights_gb * 1e9, 1.0, 0.0, memory_gb * 1e9, 1.0
                                          ) == expected


def test_replica_holds_the_kv_cache_of_its_batch_too():
    # 60 GB of weights fit one 80 GB accelerator, but not with 40 GB of KV cache beside them
    assert inference.replica_accelerators(60e9, 1.2, 0.0, 80e9, 1.0) == 1
    assert inference.replica_accelerators(60e9, 1.2, 40e9, 80e9, 1.0) == 2
    # the headroom alone decides when the KV cache is small
    assert inference.replica_accelerators(70e9, 1.2, 1e9, 80e9, 1.0) == 2


def test_decode_step_is_memory_bound_at_small_batch_and_compute_bound_at_huge_batch():
    small = inference.decode_step_seconds(1.4e11, 2 * 7e10 * 1, 4, 3.35e12, 1.0, 9.89e14, 1.0)
    assert small == pytest.approx(1.4e11 / (4 * 3.35e12))
    huge = inference.decode_step_seconds(1.4e11, 2 * 7e10 * 4096, 4, 3.35e12, 1.0, 9.89e14, 1.0)
    assert huge == pytest.approx(2 * 7e10 * 4096 / (4 * 9.89e14))


def test_mixture_of_experts_reads_more_weights_as_the_batch_grows():
    fractions = [inference.weight_read_fraction(1e11, 1e10, b) for b in (1, 8, 64)]
    assert fractions[0] == pytest.approx(0.1)
    assert fractions[0] < fractions[1] < fractions[2] < 1.0
    assert inference.weight_read_fraction(7e10, 7e10, 1) == 1.0


def test_kv_cache_bytes_per_token_for_llama_3_70b_shape():
    # 80 layers, 8 KV heads of 128, 16-bit: 2 * 80 * 8 * 128 * 2 = 327,680 bytes per token
    assert inference.kv_bytes_per_token(80, 8, 128, 2) == 327_680


def test_request_energy_adds_the_idle_share_of_a_partly_used_fleet():
    idle = inference.idle_seconds(1.0, 0.25)
    assert idle == pytest.approx(3.0)
    busy = inference.energy_kwh(1.0, 3.6e6)
    assert busy + inference.energy_kwh(idle, 1.2e6) == pytest.approx(2.0)


def test_lifecycle_shares_and_breakeven():
    total = lifecycle.lifecycle_total(100.0, 0.001, 1e5)
    assert total == pytest.approx(200.0)
    assert lifecycle.amortised_per_request(100.0, 0.001, 1e5) == pytest.approx(0.002)
    training_share, inference_share = lifecycle.shares(100.0, total)
    assert (training_share, inference_share) == pytest.approx((0.5, 0.5))
    assert lifecycle.breakeven_requests(100.0, 0.001) == pytest.approx(1e5)
    assert lifecycle.breakeven_requests(100.0, 0.0) == np.inf
    assert np.isnan(lifecycle.shares(0.0, 0.0)[0])
    assert lifecycle.request_volume(1e6, 48.0) == pytest.approx(2e6)
