"""lca.usage: request-log rows in, footprints by group out (docs/usage.md)."""

from __future__ import annotations

import numpy as np
import pytest

import lca
from lca.engine import montecarlo as mc
from lca.errors import ProfileError
from lca.quantities import INDICATORS
from lca.usage import read_deployments, usage, usage_stream

DEPLOYMENTS = {"models": {"llama-3.1-8b": {"inference": {
    "hardware": "nvidia-h100-sxm", "location": "USA", "min_replicas": 1, "max_replicas": 4}}}}


def _row(i: int, hour: int = 10, model: str = "llama-3.1-8b", **extra: object) -> dict:
    return {"timestamp": f"2026-03-02T{hour:02d}:{i % 60:02d}:00Z", "model": model,
            "input_tokens": 100 + 37 * i, "output_tokens": 50 + 11 * i, "id": str(i), **extra}


def _profile(row: dict, rate: float) -> dict:
    inference = DEPLOYMENTS["models"]["llama-3.1-8b"]["inference"]
    return {"model": "llama-3.1-8b", "inference": {
        **inference, "requests_per_second": rate, "input_tokens": row["input_tokens"],
        "output_tokens": row["output_tokens"]}}


def test_each_row_equals_the_single_estimate_of_its_request_at_its_hours_traffic():
    # each hour's requests alike, so that sharing its idle time by busy time is sharing it
    # equally, as the single estimate does (tests/unit/test_usage_busy.py: hours of mixed rows)
    rows = ([{**_row(0), "id": f"a{k}"} for k in range(5)]
            + [{**_row(5, hour=11), "id": f"b{k}"} for k in range(2)])
    result = usage(rows, DEPLOYMENTS, group_by=["id"], samples=0)
    by_id = {g["id"]: g for g in result["groups"]}
    for row in rows:
        rate = (5 if row["timestamp"][11:13] == "10" else 2) / 3600
        single = lca.estimate(_profile(row, rate))["inference"]["per_request"]
        for indicator in INDICATORS:
            assert by_id[row["id"]][indicator]["total"] == pytest.approx(
                single[indicator]["value"], rel=1e-9)


def test_a_quiet_hour_costs_more_per_request_than_a_busy_one():
    rows = [_row(i, hour=10) for i in range(1)] + [_row(0, hour=11) for _ in range(200)]
    result = usage(rows, DEPLOYMENTS, group_by=["hour"], samples=0)
    quiet, busy = result["groups"]
    assert quiet["energy"]["mean_per_request"] > 5 * busy["energy"]["mean_per_request"]


def test_totals_range_equals_a_brute_force_monte_carlo_with_shared_draws():
    rows = [_row(i, hour=10 + i % 2) for i in range(6)]
    samples = 300
    result = usage(rows, DEPLOYMENTS, group_by=["model"], samples=samples, seed=7)
    counts = {10: 3, 11: 3}
    brute = np.zeros((len(INDICATORS), samples))
    readings = [lca.read(_profile(row, counts[int(row["timestamp"][11:13])] / 3600))
                for row in rows]
    # each hour's idle time shared by busy time (at central values): the hour's mean busy
    # time over the row's own, given to the row's single estimate
    busy = [float(lca.calculate(r.inputs)["inference.replica.busy_seconds_per_request"])
            for r in readings]
    for k, reading in enumerate(readings):
        mean = np.mean([b for j, b in enumerate(busy) if j % 2 == k % 2])
        reading.inputs["inference.hour_mean_busy_ratio"] = mean / busy[k]
        drawn = mc.simulate(reading, samples, seed=7)
        brute += np.array([drawn.outputs[f"inference.per_request.{i}"] for i in INDICATORS])
    (group,) = result["groups"]
    assert_range_of_brute_force(group, brute)


def test_a_totals_relative_range_does_not_shrink_with_the_number_of_rows():
    one = usage([_row(0)], DEPLOYMENTS, samples=200)["groups"][0]["gwp"]
    many = usage([_row(0) for _ in range(100)], DEPLOYMENTS, samples=200)["groups"][0]["gwp"]
    # 100 identical requests in one hour: a busier hour, but the same shared factors
    spread_one = (one["high"] - one["low"]) / one["total"]
    spread_many = (many["high"] - many["low"]) / many["total"]
    assert spread_many > 0.5 * spread_one  # independent draws would give about a tenth


def test_malformed_rows_are_rejected_with_line_and_reason_and_counts_reconcile():
    rows = [_row(0), {"timestamp": "2026-03-02T10:00:00Z", "input_tokens": 1, "output_tokens": 1},
            _row(1, input_tokens=-3), _row(2, output_tokens="many"), _row(3, timestamp="soon"),
            _row(4, model="unknown-model"), "not an object", _row(5)]
    result = usage(rows, DEPLOYMENTS, samples=0)
    reasons = {r["line"]: r["reason"] for r in result["rejects"]}
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7]
    assert "missing model" in reasons[2] and "input_tokens" in reasons[3]
    assert "output_tokens" in reasons[4] and "timestamp" in reasons[5]
    assert "unknown-model" in reasons[6]
    summary = result["summary"]
    assert summary["rows_read"] == 8 and summary["rows_estimated"] == 2
    assert summary["rows_read"] == summary["rows_estimated"] + summary["rows_rejected"]


def test_a_default_deployment_takes_the_models_not_listed():
    with_default = {**DEPLOYMENTS, "default": {"model": "llama-3.1-8b", "inference": {
        "hardware": "nvidia-h100-sxm", "location": "FRA", "replicas": 1}}}
    result = usage([_row(0, model="in-house-7b")], with_default, samples=0)
    assert result["summary"]["rows_estimated"] == 1
    assert result["groups"][0]["model"] == "in-house-7b"


def test_streaming_in_small_chunks_gives_the_same_groups():
    rows = [_row(i, hour=8 + i % 5, customer=f"c{i % 3}") for i in range(40)]
    whole = usage(rows, DEPLOYMENTS, ["customer", "day"], samples=50)
    seen: list[int] = []
    chunked = usage_stream(lambda: enumerate(rows, start=1), DEPLOYMENTS, ["customer", "day"],
                           samples=50, chunk_rows=7, progress=seen.append)
    assert seen[-1] == 40 and len(seen) > 3
    for a, b in zip(whole["groups"], chunked["groups"], strict=True):
        assert a["customer"] == b["customer"] and a["requests"] == b["requests"]
        for indicator in INDICATORS:
            for key in ("total", "low", "high"):
                assert a[indicator][key] == pytest.approx(b[indicator][key], rel=1e-9)


def test_a_table_of_columns_reads_as_its_rows():
    rows = [_row(i) for i in range(4)]
    table = {k: [r[k] for r in rows] for k in rows[0]}
    assert usage(table, DEPLOYMENTS, samples=0)["groups"] == usage(
        rows, DEPLOYMENTS, samples=0)["groups"]


def test_month_groups_split_the_log_by_utc_month():
    rows = [_row(0, timestamp="2026-01-31T23:30:00-02:00"), _row(1, timestamp=1767225600)]
    groups = usage(rows, DEPLOYMENTS, ["id", "month"], samples=0)["groups"]
    # 23:30 at UTC-2 on 31 January is 01:30 UTC on 1 February; Unix 1767225600 is 1 January
    assert [(g["id"], g["month"]) for g in groups] == [("0", "2026-02"), ("1", "2026-01")]


@pytest.mark.parametrize(("deployments", "field"), [
    ({"models": {"m": {"model": "llama-3.1-8b", "inference": {
        "hardware": "nvidia-h100-sxm", "location": "USA", "requests_per_day": 5}}}},
     "deployments.models.m.inference.requests_per_day"),
    ({"models": {"m": {"model": "llama-3.1-8b", "inference": {"hardware": "no-such-chip",
                                                               "location": "USA"}}}},
     "deployments.models.m.inference.hardware"),
    ({"models": []}, "deployments.models"),
    ({"models": {"m": {"model": "llama-3.1-8b"}}}, "deployments.models.m.inference"),
])
def test_a_wrong_deployment_is_refused_naming_the_field(deployments, field):
    with pytest.raises(ProfileError) as caught:
        read_deployments(deployments)
    assert field in [e["field"] for e in caught.value.errors]


def test_a_row_outside_a_fields_range_is_rejected_with_the_fields_message():
    rows = [_row(0, output_tokens=0), _row(1), _row(2, input_tokens=1e12)]
    result = usage(rows, DEPLOYMENTS, samples=10)
    assert [r["line"] for r in result["rejects"]] == [1, 3]
    assert result["rejects"][0]["reason"].startswith("inference.output_tokens:")
    assert result["groups"][0]["requests"] == 1


def test_a_measured_energy_replaces_the_rows_modelled_energy():
    rows = [_row(0, energy_wh=0.8), _row(1)]
    result = usage(rows, DEPLOYMENTS, group_by=["id"], samples=0)
    by_id = {g["id"]: g for g in result["groups"]}
    # the single estimate of a request of measured energy: the model's measured path, which
    # has no traffic mode (docs/usage.md)
    profile = {"model": "llama-3.1-8b", "inference": {
        "hardware": "nvidia-h100-sxm", "location": "USA", "input_tokens": 100,
        "output_tokens": 50, "energy_per_request": 0.8 / 1000}}  # kWh
    measured = lca.estimate(profile)["inference"]["per_request"]
    modelled = lca.estimate(_profile(rows[0], 2 / 3600))["inference"]["per_request"]
    for indicator in INDICATORS:
        assert by_id["0"][indicator]["total"] == pytest.approx(
            measured[indicator]["value"], rel=1e-9)
    assert by_id["0"]["energy"]["total"] != pytest.approx(modelled["energy"]["value"])
    single = lca.estimate(_profile(rows[1], 2 / 3600))["inference"]["per_request"]
    assert by_id["1"]["gwp"]["total"] == pytest.approx(single["gwp"]["value"], rel=1e-9)


def test_a_measured_energy_that_is_not_a_number_is_rejected():
    rows = [_row(0, energy_wh=-1), _row(1, energy_wh="lots"), _row(2, energy_wh=None)]
    result = usage(rows, DEPLOYMENTS, samples=0)
    assert [r["line"] for r in result["rejects"]] == [1, 2]
    assert "energy_wh" in result["rejects"][0]["reason"]
    assert result["summary"]["rows_estimated"] == 1  # None: not measured, modelled


def test_measured_rows_share_the_draws_of_the_other_factors():
    rows = [_row(i, energy_wh=0.5 + i) for i in range(4)] + [_row(i) for i in range(4, 8)]
    result = usage(rows, DEPLOYMENTS, group_by=["model"], samples=100, seed=3)
    (group,) = result["groups"]
    assert group["gwp"]["low"] < group["gwp"]["total"] < group["gwp"]["high"]


def test_alike_rows_drawn_once_give_the_sums_of_each_row_drawn():
    rows = [_row(i % 3, hour=10) for i in range(30)]  # three kinds of request, ten of each
    result = usage(rows, DEPLOYMENTS, group_by=["model"], samples=60, seed=2)
    brute = np.zeros((len(INDICATORS), 60))
    for row in rows:
        drawn = mc.simulate(lca.read(_profile(row, 30 / 3600)), 60, seed=2)
        brute += np.array([drawn.outputs[f"inference.per_request.{i}"] for i in INDICATORS])
    (group,) = result["groups"]
    assert_range_of_brute_force(group, brute)


def assert_range_of_brute_force(group: dict, brute: np.ndarray) -> None:
    """Each indicator's low and high in ``group`` are the percentiles of ``brute`` (one row of
    summed draws per indicator), widened to hold the total, to 1e-9."""
    for j, indicator in enumerate(INDICATORS):
        low, high = np.percentile(brute[j], [mc.LOW_PERCENTILE, mc.HIGH_PERCENTILE])
        total = group[indicator]["total"]
        assert group[indicator]["low"] == pytest.approx(min(low, total), rel=1e-9)
        assert group[indicator]["high"] == pytest.approx(max(high, total), rel=1e-9)
