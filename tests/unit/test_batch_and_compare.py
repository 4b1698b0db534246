"""Batch estimates equal single ones; comparisons rank, delta and sweep correctly."""

from __future__ import annotations

import math

import pytest

from lca import estimate
from lca.compare import MAX_SCENARIOS, compare, expand_sweep, ranks
from lca.engine.batch import MAX_BATCH, estimate_batch
from lca.errors import ProfileError

MIXED = [
    {"model": "llama-3.1-70b", "training": {"accelerator_hours": "7e6 h", "location": "USA"},
     "inference": {"location": "FRA", "requests": 1e9}},
    {"model": "mixtral-8x7b", "inference": {"hardware": "nvidia-a100-80gb", "location": "DEU"}},
    {"model": {"parameters": 7e9}, "training": {"energy": "50 MWh", "energy_scope": "facility"}},
    {"model": "gpt-3", "training": {"compute": "3.14e23 FLOP", "hardware": "nvidia-v100"}},
    {"model": "deepseek-v3", "training": {"tokens": 1.48e13, "hardware": "nvidia-h100-sxm"},
     "inference": {"hardware": "nvidia-h200", "location": "aws:us-east-1",
                   "requests_per_day": 1e7, "duration": "1 year"}},
    {"model": {"preset": "llama-3.1-8b", "precision": "int4"},
     "inference": {"hardware": "nvidia-l4", "energy_per_output_token": "0.3 J"}},
    {"model": "llama-3.1-405b", "training": {"accelerator_count": 16384, "duration": "54 day"},
     "inference": {"output_throughput": "2000 token/s", "requests": 1e8}},
]


def assert_close(single: object, batched: object, path: str = "") -> None:
    if isinstance(single, dict):
        assert single.keys() == batched.keys(), path
        for key in single:
            assert_close(single[key], batched[key], f"{path}.{key}")
    elif isinstance(single, list):
        assert len(single) == len(batched), path
        for i, (a, b) in enumerate(zip(single, batched, strict=True)):
            assert_close(a, b, f"{path}[{i}]")
    elif isinstance(single, float) and isinstance(batched, float):
        assert math.isclose(single, batched, rel_tol=1e-9), (path, single, batched)
    else:
        assert single == batched, path


def test_batch_results_equal_single_estimates_across_paths_hardware_and_presets():
    results = estimate_batch(MIXED)
    assert [r["index"] for r in results] == list(range(len(MIXED)))
    for profile, result in zip(MIXED, results, strict=True):
        assert_close(estimate(profile, uncertainty_by_default=False), result["estimate"])


def test_an_invalid_profile_gets_its_own_error_entry_and_the_others_succeed():
    profiles = [MIXED[0], {"model": "llama-3.1-70b", "inference": {"batch_size": "3 kg"}},
                "not a profile", MIXED[1]]
    results = estimate_batch(profiles)
    assert "estimate" in results[0] and "estimate" in results[3]
    assert results[1]["error"]["status"] == 422
    assert results[1]["error"]["errors"][0]["field"] == "inference.batch_size"
    assert results[2]["index"] == 2 and "error" in results[2]


def test_batch_size_is_bounded():
    with pytest.raises(ValueError, match="at most"):
        estimate_batch([MIXED[1]] * (MAX_BATCH + 1))


@pytest.mark.parametrize(("values", "expected"), [
    ([3.0, 1.0, 2.0], [3, 1, 2]),
    ([1.0, 1.0, 2.0], [1, 1, 3]),
    ([None, 2.0, 1.0], [None, 2, 1]),
    ([5.0], [1]),
])
def test_ranks_are_competition_ranks_from_the_lowest(values, expected):
    assert ranks(values) == expected


def test_comparison_ranks_agree_with_values_and_deltas_are_exact():
    scenarios = [{"name": n, "model": "llama-3.1-70b",
                  "inference": {"location": loc, "requests": 1e9}}
                 for n, loc in (("france", "FRA"), ("usa", "USA"), ("poland", "POL"))]
    result = compare(scenarios, "usa")
    assert result["baseline"] == {"index": 1, "name": "usa", "label": "usa"}
    gwp = result["comparison"]["inference.per_request"]["gwp"]
    values = gwp["values"]
    assert values == [e["inference"]["per_request"]["gwp"]["value"] for e in result["estimates"]]
    assert gwp["deltas"] == [v - values[1] for v in values]
    assert gwp["relative_deltas"] == [(v - values[1]) / values[1] for v in values]
    order = sorted(range(3), key=lambda i: values[i])
    assert [gwp["ranks"][i] for i in order] == [1, 2, 3]
    assert gwp["best"] == order[0] == 0
    assert "training.impacts" not in result["comparison"]  # no scenario has training


def test_comparison_with_training_compares_lifecycle_totals():
    scenarios = [MIXED[0], {**MIXED[0], "inference": {"location": "SWE", "requests": 1e9}}]
    comparison = compare(scenarios)["comparison"]
    assert set(comparison) == {"inference.per_request", "training.impacts", "lifecycle.total"}
    assert comparison["training.impacts"]["gwp"]["deltas"] == [0.0, 0.0]


def test_sweep_expands_to_the_cartesian_product_with_names():
    base = {"name": "base", "model": "llama-3.1-70b", "inference": {"datacenter": "google"}}
    profiles = expand_sweep(base, {"inference.location": ["FRA", "USA", "DEU"],
                                   "model.precision": ["bf16", "fp8"]})
    assert len(profiles) == 6
    assert profiles[1]["inference"]["location"] == "FRA"
    assert profiles[1]["model"] == {"preset": "llama-3.1-70b", "precision": "fp8"}
    assert profiles[5]["name"] == "base, inference.location=DEU, model.precision=fp8"
    assert base["model"] == "llama-3.1-70b"  # the base is not modified


@pytest.mark.parametrize(("vary", "field"), [
    ({"inference.locaton": ["FRA"]}, "vary.inference.locaton"),
    ({"inference.location": []}, "vary.inference.location"),
    ({"inference.location": "FRA"}, "vary.inference.location"),
    ({"inference.batch_size": list(range(1, 11)), "inference.location": ["FRA"] * 11},
     "vary"),
    ({}, "vary"),
])
def test_bad_sweeps_are_errors_naming_the_field(vary, field):
    with pytest.raises(ProfileError) as caught:
        expand_sweep({"model": "llama-3.1-70b", "inference": {}}, vary)
    assert caught.value.errors[0]["field"] == field


def test_comparison_bounds_and_baseline_errors():
    one = [{"model": "llama-3.1-70b", "inference": {}}]
    with pytest.raises(ProfileError, match="scenarios"):
        compare(one)
    with pytest.raises(ProfileError, match="scenarios"):
        compare(one * (MAX_SCENARIOS + 1))
    with pytest.raises(ProfileError, match="baseline"):
        compare(one * 2, baseline=5)
    with pytest.raises(ProfileError, match="baseline"):
        compare(one * 2, baseline="nobody")
    with pytest.raises(ProfileError) as caught:
        compare([one[0], {"model": "nope", "inference": {}}])
    assert caught.value.errors[0]["field"] == "scenarios[1].model.preset"


def test_a_profile_whose_arithmetic_fails_gets_the_single_estimates_error(monkeypatch):
    import lca.estimator

    def overflow(inputs):
        raise OverflowError("(34, 'Numerical result out of range')")

    monkeypatch.setattr(lca.estimator, "calculate", overflow)
    with pytest.raises(ProfileError) as single:
        estimate({**MIXED[1], "uncertainty": False})
    [entry] = estimate_batch(MIXED[1:2])
    assert entry["error"]["errors"] == single.value.errors
    assert "floating-point range" in single.value.errors[0]["message"]


def test_a_comparison_of_traffic_deployments_holds_plain_floats():
    """Traffic figures are computed with numpy; what a comparison returns is plain data (a numpy
    scalar in it made the API's JSON writer fail with a 500)."""
    import numpy as np

    from lca.compare import compare

    def scalars(o):
        if isinstance(o, dict):
            for v in o.values():
                yield from scalars(v)
        elif isinstance(o, list):
            for v in o:
                yield from scalars(v)
        else:
            yield o

    result = compare([{"model": "llama-3.1-8b", "inference": {"requests_per_second": 2,
                                                             "replicas": 2}},
                      {"model": "llama-3.1-8b", "inference": {"requests_per_second": 20,
                                                             "replicas": 2}}], 0)
    assert not [v for v in scalars(result) if isinstance(v, np.generic)]
