"""lca.usage: an hour's idle replica time shared among its requests by busy time (docs/usage.md,
"How a row is estimated")."""

from __future__ import annotations

import numpy as np
import pytest

import lca
from lca.quantities import INDICATORS
from lca.usage import usage

RATIO = "inference.hour_mean_busy_ratio"
BUSY = "inference.replica.busy_seconds_per_request"
IDLE = "inference.energy_breakdown.idle"
FIXED = {"models": {"llama-3.1-8b": {"inference": {
    "hardware": "nvidia-h100-sxm", "location": "USA", "replicas": 2}}}}
SCALED = {"models": {"llama-3.1-8b": {"inference": {
    "hardware": "nvidia-h100-sxm", "location": "USA", "min_replicas": 1, "max_replicas": 4}}}}


def _row(output_tokens: int, key: str, minute: int = 0, hour: int = 10) -> dict:
    return {"timestamp": f"2026-03-02T{hour:02d}:{minute:02d}:00Z", "model": "llama-3.1-8b",
            "input_tokens": 300, "output_tokens": output_tokens, "id": key}


def _reading(deployments: dict, output_tokens: int, rate: float):
    inference = deployments["models"]["llama-3.1-8b"]["inference"]
    return lca.read({"model": "llama-3.1-8b", "inference": {
        **inference, "requests_per_second": rate, "input_tokens": 300,
        "output_tokens": output_tokens}})


def _by_id(rows: list[dict], deployments: dict, samples: int = 0) -> dict:
    result = usage(rows, deployments, group_by=["id"], samples=samples)
    return {g["id"]: g for g in result["groups"]}


@pytest.mark.parametrize("deployments", [FIXED, SCALED])
def test_a_long_request_carries_more_idle_energy_in_proportion_to_its_busy_time(deployments):
    readings = [_reading(deployments, tokens, 2 / 3600) for tokens in (40, 2000)]
    single = [lca.calculate(r.inputs) for r in readings]
    busy = np.array([float(o[BUSY]) for o in single])
    for r, b in zip(readings, busy, strict=True):
        r.inputs[RATIO] = busy.mean() / b
    shared = [lca.calculate(r.inputs) for r in readings]
    short, long = (float(o[IDLE]) for o in shared)
    assert long / short == pytest.approx(busy[1] / busy[0], rel=1e-9)
    assert long > float(single[1][IDLE]) and short < float(single[0][IDLE])
    # the hour's idle energy is unchanged: only its sharing moves
    assert short + long == pytest.approx(sum(float(o[IDLE]) for o in single), rel=1e-9)


def test_rows_of_an_hour_of_mixed_requests_share_its_idle_time_by_busy_time():
    rows = [_row(40, "short"), _row(2000, "long", minute=30), _row(500, "alone", hour=11)]
    by_id = _by_id(rows, FIXED)
    readings = {k: _reading(FIXED, t, rate) for k, t, rate in (
        ("short", 40, 2 / 3600), ("long", 2000, 2 / 3600), ("alone", 500, 1 / 3600))}
    busy = {k: float(lca.calculate(r.inputs)[BUSY]) for k, r in readings.items()}
    mean = (busy["short"] + busy["long"]) / 2
    for key, reading in readings.items():
        single = lca.calculate(reading.inputs)
        reading.inputs[RATIO] = mean / busy[key] if key != "alone" else 1.0
        shared = lca.calculate(reading.inputs)
        for indicator in INDICATORS:
            path = f"inference.per_request.{indicator}"
            assert by_id[key][indicator]["total"] == pytest.approx(float(shared[path]),
                                                                   rel=1e-9)
            if key == "alone":  # alone in its hour: its single estimate
                assert by_id[key][indicator]["total"] == pytest.approx(float(single[path]),
                                                                       rel=1e-9)
    assert by_id["long"]["energy"]["total"] > 10 * by_id["short"]["energy"]["total"]


def test_an_hours_total_is_the_sum_of_its_single_estimates_whatever_the_sharing():
    rows = [_row(t, str(k), minute=k) for k, t in enumerate((20, 90, 400, 1500, 3000))]
    result = usage(rows, FIXED, group_by=["model"], samples=0)["groups"][0]
    singles = [lca.calculate(_reading(FIXED, r["output_tokens"], 5 / 3600).inputs)
               for r in rows]
    for indicator in INDICATORS:  # every indicator is linear in a request's idle time
        total = sum(float(o[f"inference.per_request.{indicator}"]) for o in singles)
        assert result[indicator]["total"] == pytest.approx(total, rel=1e-9)


def test_an_hour_of_alike_requests_gives_each_row_its_single_estimate():
    rows = [_row(700, str(k), minute=k) for k in range(7)]
    by_id = _by_id(rows, SCALED)
    single = lca.estimate({"model": "llama-3.1-8b", "inference": {
        **SCALED["models"]["llama-3.1-8b"]["inference"], "requests_per_second": 7 / 3600,
        "input_tokens": 300, "output_tokens": 700}})["inference"]["per_request"]
    for group in by_id.values():
        for indicator in INDICATORS:
            assert group[indicator]["total"] == pytest.approx(single[indicator]["value"],
                                                              rel=1e-12)


def test_the_busy_ratio_not_given_leaves_the_single_estimate_as_it_was():
    reading = _reading(FIXED, 900, 3 / 3600)
    assert np.isnan(reading.inputs[RATIO])
    before = lca.calculate(reading.inputs)
    reading.inputs[RATIO] = 1.0  # the request is its hour's mean: the same figures, exactly
    after = lca.calculate(reading.inputs)
    for path, value in before.items():
        np.testing.assert_array_equal(np.asarray(after[path]), np.asarray(value), err_msg=path)


@pytest.mark.parametrize("inference", [
    SCALED["models"]["llama-3.1-8b"]["inference"],
    {"hardware": "nvidia-h100-sxm", "location": "USA", "replicas": 3,
     "hourly_requests_per_second": [0.01 * (h + 1) for h in range(24)]},
    {"hardware": "nvidia-h100-sxm", "location": "USA"}])  # no traffic: the fleet's figure
def test_the_busy_time_a_log_shares_by_is_the_estimates_busy_time(inference):
    from lca.model.traffic import busy_seconds_per_request

    profile = {"model": "llama-3.1-8b", "inference": {
        **inference, "input_tokens": 300, "output_tokens": 100}}
    if "replicas" not in inference and "min_replicas" in inference:
        profile["inference"]["requests_per_second"] = 0.3
    reading = lca.read(profile)
    x = dict(reading.inputs)
    x["inference.output_tokens"] = np.array([20.0, 100.0, 900.0])
    assert np.array_equal(np.broadcast_to(busy_seconds_per_request(x), (3,)),
                          np.broadcast_to(lca.calculate(x)[BUSY], (3,)))
