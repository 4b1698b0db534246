"""Inference from traffic, power that follows load and the per-step floor (docs/inference.md):
each formula by hand, the deployment figures on the packaged factors, and the H200 readings of
tests/data/measurements (readings taken for this project on one NVIDIA H200 SXM, 2026-11, NVML
energy counter)."""

from __future__ import annotations

import json
import math
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from lca import estimate, estimate_columns
from lca import read as resolve
from lca.errors import ProfileError
from lca.model import inference as inf
from lca.model import serving as sv
from lca.model import traffic as tf

READINGS = Path(__file__).parents[1] / "data" / "measurements"
J_PER_KWH = 3.6e6
H200 = "nvidia-h200"


def _readings(name: str) -> dict:
    return json.loads((READINGS / name).read_text())


def _inference(profile_inference: dict, model: object = "llama-3.1-8b", **top) -> dict:
    return estimate({"model": model, "uncertainty": False,
                     "inference": {"hardware": H200, "location": "FRA", **profile_inference},
                     **top})


def _joules(result: dict, part: str) -> float:
    return result["inference"]["energy_breakdown"][part]["value"] * J_PER_KWH


# --- formulas by hand


def test_attention_width_of_llama_3_1_8b_is_close_to_its_layers_times_width():
    # 32 layers x 4096 = 131,072; sqrt(8.03e9 x 32 / 12) = 146,000 (12 d^2 per block)
    assert inf.attention_width(8.03e9, 32.0, 128.0) == pytest.approx(146_300, rel=0.01)
    # without the layer count: d = (128 x 8.03e9 / 12)^(1/3) = 4,407; L d = d^2 / 128
    assert inf.attention_width(8.03e9, math.nan, 128.0) == pytest.approx(4407 ** 2 / 128,
                                                                         rel=0.01)


def test_attention_flops_grow_with_context_as_four_layer_width_context():
    assert inf.attention_flops_per_token(131_072.0, 1000.0, 4.0) == pytest.approx(5.24288e8)
    assert inf.prefill_attention_context(512.0) == 256.0


def test_step_floor_is_per_layer_and_uses_the_default_layers_without_a_shape():
    assert inf.step_floor(24.0, 2.5e-4, 56.0) == pytest.approx(6e-3)
    assert inf.step_floor(math.nan, 2.5e-4, 56.0) == pytest.approx(0.014)


def test_collectives_cost_two_latencies_per_layer_only_on_several_accelerators():
    assert inf.communication_seconds(1.0, 80.0, 56.0, 1e-5) == 0.0
    assert inf.communication_seconds(8.0, 126.0, 56.0, 1e-5) == pytest.approx(2.52e-3)
    assert inf.communication_seconds(4.0, math.nan, 56.0, 1e-5) == pytest.approx(1.12e-3)


def test_load_power_runs_from_idle_to_peak_and_saturates():
    assert inf.load_power(120.0, 700.0, 0.0, 0.0, 0.8, 1.9) == 120.0
    assert inf.load_power(120.0, 700.0, 0.7, 0.0, 0.8, 1.9) == pytest.approx(120 + 580 * 0.56)
    assert inf.load_power(120.0, 700.0, 0.7, 0.9, 0.8, 1.9) == 700.0
    use = np.array([0.0, 0.05, 0.2])
    assert np.all(np.diff(inf.load_power(120.0, 700.0, 0.6, use, 0.8, 1.9)) > 0)


def test_utilization_is_work_over_time_times_peak():
    assert inf.utilization(2.4e9, 1e-3, 1.0, 4.8e12) == pytest.approx(0.5)


def test_replicas_needed_round_up_and_autoscaling_stays_within_bounds():
    assert inf.replicas_needed(25.0, 10.0) == 3.0
    rates = np.array([0.0, 5.0, 95.0])
    scaled = inf.autoscaled_replicas(inf.replicas_needed(rates, 10.0), 1.0, 4.0)
    assert scaled.tolist() == [1.0, 1.0, 4.0]


def test_littles_law_and_the_busy_share():
    assert inf.concurrency(2.0, 3.0) == 6.0
    assert inf.busy_share(0.1, 2.0) == pytest.approx(0.2)
    assert inf.busy_share(1.0, 2.0) == 1.0


# --- deployment from traffic


def test_per_request_energy_falls_as_the_rate_rises_on_fixed_replicas():
    energies = [_inference({"replicas": 2, "requests_per_second": rate})["inference"]
                ["per_request"]["energy"]["value"] for rate in (0.01, 0.1, 1.0, 10.0)]
    assert all(later < earlier for earlier, later in pairwise(energies))
    assert energies[0] > 10 * energies[-1]


def test_the_batch_follows_the_rate_and_is_an_output():
    low = _inference({"replicas": 1, "requests_per_second": 0.05})["inference"]
    high = _inference({"replicas": 1, "requests_per_second": 10})["inference"]
    assert low["replica"]["batch_size"] == 1.0
    assert 5 < high["replica"]["batch_size"] < high["replica"]["max_batch_size"]
    assert high["traffic"]["utilization"] == pytest.approx(1.0)
    assert low["traffic"]["utilization"] < 0.2
    assert low["traffic"]["idle_replica_hours_per_day"]["value"] > 19


def test_idle_readings_shape_is_reproduced_on_one_replica():
    """256-token answers at batch 1, prompt in cache: back to back and with 4 s between them
    (h200-2026-11-idle.json: 652 J and 1,145 J of board energy per answer). The board's share
    of the estimate is the busy accelerators plus their part of the idle power."""
    duty = {round(d["gap_s"], 2): d for d in _readings("h200-2026-11-idle.json")["duty_cycle"]}
    step = _readings("h200-2026-11.json")["decode"][0]["step_seconds"]  # batch 1, measured
    ratios = {}
    for gap in (0.0, 4.0):
        r = _inference({"replicas": 1, "requests_per_second": 1 / (256 * step + gap),
                        "input_tokens": 0, "output_tokens": 256})
        board_idle = 120.0 / (120.0 + 150.0 * 0.35)  # H200 idle vs host idle share (factors)
        modelled = _joules(r, "accelerators") + board_idle * _joules(r, "idle")
        ratios[gap] = modelled / duty[gap]["joules_per_request"]
    assert 0.8 < ratios[0.0] < 1.15 and 0.8 < ratios[4.0] < 1.15, ratios


def test_hourly_rates_give_the_same_figures_as_one_rate_when_flat():
    one = _inference({"replicas": 2, "requests_per_second": 3})["inference"]
    flat = _inference({"replicas": 2, "hourly_requests_per_second": [3] * 24})["inference"]
    assert flat["per_request"]["energy"]["value"] == pytest.approx(
        one["per_request"]["energy"]["value"], rel=1e-9)


def test_hourly_energy_shares_sum_to_one_and_follow_the_load():
    reading = resolve({"model": "llama-3.1-8b", "inference": {
        "hardware": H200, "min_replicas": 1,
        "hourly_requests_per_second": [0.1] * 12 + [30.0] * 12}})
    t = tf.traffic_by_hour(reading.inputs, sv.serving(reading.inputs))
    share = t["inference.hourly_energy_share"]
    assert share.shape == (24,) and share.sum() == pytest.approx(1.0)
    assert share[12] > 5 * share[0]
    assert t["inference.traffic.replicas_needed"] >= 1


def test_autoscaling_follows_the_hourly_load_within_max_replicas_and_warns_beyond():
    r = _inference({"hourly_requests_per_second": [1.0] * 20 + [400.0] * 4, "max_replicas": 3,
                    "duration": "30 day"})
    assert r["inference"]["traffic"]["replicas"] == pytest.approx((20 * 1 + 4 * 3) / 24)
    found = [w for w in r["warnings"] if w["code"] == "over-capacity"]
    assert found and "inference.max_replicas" in found[0]["message"]
    assert r["inference"]["requests"] == pytest.approx((20 + 1600) * 3600 * 30)


def test_a_rate_beyond_fixed_replicas_warns_with_the_replicas_needed():
    r = _inference({"replicas": 1, "requests_per_second": 500})
    needed = r["inference"]["traffic"]["replicas_needed"]
    assert needed > 1
    assert any(w["code"] == "over-capacity" and f"{needed:g} are needed" in w["message"]
               for w in r["warnings"])


def test_requests_per_day_with_replicas_is_a_rate_and_without_them_a_volume():
    rate = _inference({"replicas": 1, "requests_per_day": 86400})["inference"]
    per_second = _inference({"replicas": 1, "requests_per_second": 1})["inference"]
    assert rate["per_request"]["energy"]["value"] == pytest.approx(
        per_second["per_request"]["energy"]["value"])
    volume = _inference({"requests_per_day": 1000, "duration": "10 day"})["inference"]
    assert "traffic" not in volume and volume["requests"] == pytest.approx(10_000)


@pytest.mark.parametrize(("given", "field"), [
    ({"requests_per_second": 1, "batch_size": 8}, "inference.batch_size"),
    ({"requests_per_second": 1, "fleet_utilization": 0.5}, "inference.fleet_utilization"),
    ({"replicas": 2}, "inference.requests_per_second"),
    ({"requests_per_second": 1, "replicas": 2, "min_replicas": 1}, "inference.replicas"),
    ({"requests_per_second": 1, "hourly_requests_per_second": [1] * 24},
     "inference.hourly_requests_per_second"),
    ({"requests_per_second": 1, "serving": "turbo"}, "inference.serving"),
])
def test_contradicting_traffic_inputs_are_refused_naming_the_field(given, field):
    with pytest.raises(ProfileError) as refused:
        _inference(given)
    assert field in [e["field"] for e in refused.value.errors]


def test_traffic_estimates_run_the_monte_carlo_with_hourly_rates():
    r = estimate({"model": "llama-3.1-8b", "uncertainty": {"samples": 200, "seed": 1},
                  "inference": {"hardware": H200, "replicas": 2,
                                "hourly_requests_per_second": list(range(24))}})
    energy = r["inference"]["per_request"]["energy"]
    assert energy["low"] <= energy["value"] <= energy["high"]


def test_an_estimate_pinned_to_2026_1_runs_traffic_with_the_old_power():
    r = _inference({"replicas": 1, "requests_per_second": 0.5}, factors_version="2026.1")
    assert r["versions"]["factors"] == "2026.1"
    assert r["inference"]["per_request"]["energy"]["value"] > 0
    assert any(a["field"] == "inference.power" for a in r["assumptions"])
    # flat TDP x 0.7 while busy, as in 2026.1
    assert r["inference"]["replica"]["accelerator_power"]["value"] == pytest.approx(0.7 * 700)


# --- the per-step floor, attention and the KV estimate


def test_eager_serving_costs_more_for_a_small_model_at_batch_one():
    base = {"batch_size": 1, "fleet_utilization": 1, "output_tokens": 256}
    small = {"parameters": 630138880, "layers": 24, "kv_heads": 2, "head_dim": 64}
    eager = _inference({**base, "serving": "eager"}, small)["inference"]
    graphed = _inference(base, small)["inference"]
    assert eager["replica"]["decode_step_seconds"]["value"] == pytest.approx(24 * 2.5e-4)
    assert graphed["replica"]["decode_step_seconds"]["value"] == pytest.approx(24 * 7e-5)


def test_longer_context_makes_decode_steps_longer():
    short = _inference({"batch_size": 32, "fleet_utilization": 1, "input_tokens": 512})
    long = _inference({"batch_size": 32, "fleet_utilization": 1, "input_tokens": 8192})
    assert (long["inference"]["replica"]["decode_step_seconds"]["value"]
            > 1.5 * short["inference"]["replica"]["decode_step_seconds"]["value"])


def test_the_kv_estimate_of_a_mixture_of_experts_uses_its_active_parameters():
    r = _inference({}, {"parameters": 235e9, "active_parameters": 22e9})
    kv = r["inference"]["replica"]["kv_cache_bytes_per_token"]["value"]
    assert kv == pytest.approx(1.24066 * math.sqrt(22e9))


# --- H200 readings (board energy: the busy accelerators' share)


def _decode_only(model: object, batch: int, serving: str = "optimized") -> tuple[float, float]:
    """Modelled decode step (s) and accelerator power (W) at a reading's shape: prompt 512 in
    the cache, 256 new tokens, no prefill counted."""
    reading = resolve({"model": model, "inference": {
        "hardware": H200, "batch_size": batch, "input_tokens": 512, "output_tokens": 256,
        "fleet_utilization": 1, "serving": serving}})
    s = dict(sv.serving(reading.inputs), prefill=0.0)
    at = sv.at_batch(reading.inputs, s, float(batch))
    return float(at["step"]), float(at["accel_power"])


@pytest.mark.parametrize("index", [0, 1, 2])  # 8B at batch 1, 8, 32
def test_decode_power_follows_the_h200_readings_within_five_percent(index):
    """At batch 128 and above the readings' steps are upper bounds (static cache), so the
    modelled step is shorter, its compute use higher, and its power at the limit (700 W against
    622 and 685 W): not checked there."""
    reading = _readings("h200-2026-11.json")["decode"][index]
    _, power = _decode_only("llama-3.1-8b", reading["batch"])
    assert power == pytest.approx(reading["mean_w"], rel=0.05)


@pytest.mark.parametrize("index", [0, 1, 2])  # batch 1, 8, 32: not upper bounds
def test_decode_energy_per_token_is_within_a_quarter_of_the_h200_readings(index):
    reading = _readings("h200-2026-11.json")["decode"][index]
    step, power = _decode_only("llama-3.1-8b", reading["batch"])
    ratio = step * power / reading["batch"] / reading["joules_per_output_token"]
    assert 0.7 < ratio < 1.25, ratio


@pytest.mark.parametrize("index", [1, 3, 5, 7])  # the eager readings of each small shape
def test_eager_small_shapes_meet_the_floor_within_fifteen_percent(index):
    shapes = {"qwen2.5-0.5b": {"parameters": 630138880, "layers": 24, "kv_heads": 2,
                               "head_dim": 64},
              "llama-3.2-1b": {"parameters": 1498480640, "layers": 16, "kv_heads": 8,
                               "head_dim": 64},
              "llama-3.2-3b": {"parameters": 3606749184, "layers": 28, "kv_heads": 8,
                               "head_dim": 128},
              "llama-3.1-8b": "llama-3.1-8b"}
    reading = _readings("h200-2026-11-small.json")["decode"][index]
    assert reading["mode"] == "eager"
    step, _ = _decode_only(shapes[reading["model"]], reading["batch"], "eager")
    assert step == pytest.approx(reading["step_seconds"], rel=0.15)


def test_traffic_fields_are_refused_as_columns_but_max_batch_size_varies():
    base = {"model": "llama-3.1-8b", "inference": {"hardware": H200}}
    with pytest.raises(ProfileError) as refused:
        estimate_columns(base, {"inference.requests_per_second": [1, 2]})
    assert refused.value.errors[0]["field"] == "columns.inference.requests_per_second"
    out = estimate_columns(base, {"inference.max_batch_size": [4, 64]},
                           ["inference.replica.batch_size"])
    assert out["outputs"]["inference.replica.batch_size"].tolist() == [4.0, 64.0]


def test_autoscaling_bounds_that_cross_are_refused_naming_the_field():
    with pytest.raises(ProfileError) as caught:
        estimate({"model": "llama-3.1-8b", "uncertainty": False, "inference": {
            "requests_per_second": 5, "min_replicas": 4, "max_replicas": 2}})
    assert caught.value.errors == [{"field": "inference.min_replicas",
                                    "message": "4 exceeds max_replicas (2)"}]


def test_a_replica_no_service_would_run_is_warned_about():
    """Llama 3.1 405B on 128 T4s (weights over more cards than share a server's interconnect)
    and on 2 T4s (a decode step of seconds) estimate, with a coded warning each."""
    def codes(accelerators: int) -> set[str]:
        result = estimate({"model": "llama-3.1-405b", "uncertainty": False, "inference": {
            "hardware": "nvidia-t4", "accelerators": accelerators}})
        return {w["code"] for w in result["warnings"]}

    assert "replica-spans-servers" in codes(128)
    assert "slow-decode" not in codes(128)
    assert {"slow-decode", "replica-too-small"} <= codes(2)
    assert not {"slow-decode", "replica-spans-servers"} & {
        w["code"] for w in estimate({"model": "llama-3.1-8b", "uncertainty": False,
                                     "inference": {"hardware": "nvidia-h100-sxm"}})["warnings"]}


@pytest.mark.parametrize("inference, field", [
    ({"requests_per_second": 2, "requests_per_day": 1e5, "duration": "1 year", "replicas": 2},
     "inference.requests_per_day"),
    ({"requests_per_day": 1e5, "duration": "1 year", "max_replicas": 4},
     "inference.max_replicas"),
])
def test_a_rate_given_twice_or_bounds_without_traffic_are_refused(inference, field):
    """Two rates (the per-request figures from one, the volume from the other) and autoscaling
    bounds on a deployment that is not described by its traffic would be read silently."""
    with pytest.raises(ProfileError) as caught:
        estimate({"model": "llama-3.1-8b", "uncertainty": False, "inference": inference})
    assert [e["field"] for e in caught.value.errors] == [field]


def test_a_latency_target_caps_the_batch_and_so_needs_more_replicas():
    """A target between output tokens that the sustained batch would exceed caps the batch where
    the step meets it: smaller batches, more replicas needed, more energy per request; a target
    no batch meets leaves batch 1 with a warning."""
    def run(target: float | None) -> dict:
        inference = {"requests_per_second": 20, "replicas": 1}
        if target is not None:
            inference["max_token_latency"] = target
        return estimate({"model": "llama-3.1-70b", "uncertainty": False,
                         "inference": inference})

    def value(result: dict, path: str) -> float:
        node = result
        for key in path.split("."):
            node = node[key]
        return node["value"] if isinstance(node, dict) else node

    free, tight = run(None), run(0.02)
    step = value(tight, "inference.replica.decode_step_seconds")
    assert step == pytest.approx(0.02, rel=1e-6)
    assert value(free, "inference.replica.decode_step_seconds") > 0.02
    assert (value(tight, "inference.replica.batch_size")
            < value(free, "inference.replica.batch_size"))
    assert (value(tight, "inference.traffic.replicas_needed")
            > value(free, "inference.traffic.replicas_needed"))
    assert (value(tight, "inference.per_request.energy")
            > value(free, "inference.per_request.energy"))
    unmet = run(0.001)
    assert value(unmet, "inference.replica.batch_size") == 1.0
    assert "latency-target-unmet" in {w["code"] for w in unmet["warnings"]}
    assert "latency-target-unmet" not in {w["code"] for w in tight["warnings"]}


def test_a_measured_energy_with_a_rate_gives_every_indicator_as_with_a_daily_volume():
    # the rate only gives the volume: the figures are those of the same requests per day
    base = {"model": "llama-3.1-8b", "uncertainty": False}
    section = {"hardware": "nvidia-h100-sxm", "location": "FRA", "energy_per_request": "0.3 Wh",
               "duration": "1 year"}
    by_rate = estimate({**base, "inference": {**section, "requests_per_second": 5}})
    by_day = estimate({**base, "inference": {**section, "requests_per_day": 5 * 86_400}})
    for indicator, figure in by_rate["inference"]["per_request"].items():
        assert figure["value"] is not None and figure["value"] > 0, indicator
        assert figure == by_day["inference"]["per_request"][indicator]
