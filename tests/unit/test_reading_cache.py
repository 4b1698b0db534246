"""The caches of the reading: a shape written as nested tuples (lca.reading.shape) and the
records of sections read once and merged into later plans (lca.reading.plan.SectionPlans).
Neither may change a reading: a plan made through them equals a plan made fresh, field for
field and in the same order."""

from __future__ import annotations

import contextlib
import itertools
import math

import pytest

from lca import Estimator
from lca.errors import ProfileError
from lca.factors import FactorRepository
from lca.reading.plan import SectionPlans, make_plan
from lca.reading.shape import GIVEN, split, with_fields
from tests.unit.test_engines import random_profiles
from tests.unit.test_table import mixed_profiles

MODELS = ["llama-3.1-8b", "mixtral-8x7b", {"parameters": 7e9}, {"preset": "llama-3.1-70b",
          "precision": "int4"}, {"parameters": 1e10, "precision": "fp9"}, None,
          {"preset": "deepseek-v3", "kv_heads": 8}]
TRAINING = [None, {"hardware": "nvidia-h100-sxm", "accelerator_hours": 1e6},
            {"hardware": "nvidia-a100-80gb", "location": "aws:us-east-1", "energy": 1e9},
            {"tokens": 1e12, "location": "nowhere"}, {"accelerator_count": 8},
            {"compute": 1e23, "precision": "fp8", "datacenter": {"pue": 1.3},
             "grid": {"gwp": 0.1, "water": 1, "adpe": 1e-8, "pe": 10}}]
INFERENCE = [None, {}, {"hardware": "nvidia-h100-sxm", "location": "FRA", "output_tokens": 400},
             {"hardware": "no-such-gpu"}, {"requests_per_day": 1e5},
             {"energy_per_request": 1e3, "energy_scope": "facility", "datacenter": "google"},
             {"location": "gcp:europe-west1", "output_throughput": 900, "accelerators": 8}]


def _shapes(factors) -> list:
    profiles = [*random_profiles(factors, 300, seed=4), *mixed_profiles()]
    for model, training, inference in itertools.product(MODELS, TRAINING, INFERENCE):
        profile = {"model": model, "training": training, "inference": inference}
        profiles.append({k: v for k, v in profile.items() if v is not None})
    return [split(p)[0] for p in profiles if isinstance(p, dict)]


def _record(shape, factors, sections=None) -> tuple:
    """Everything a plan holds, in order, NaN made comparable; or the errors."""
    try:
        plan = make_plan(shape, factors, sections)
    except ProfileError as error:
        return ("errors", error.errors)
    inputs = [(k, "nan" if math.isnan(v) else v) for k, v in plan.inputs.items()]
    return (inputs, sorted(plan.bound), list(plan.ties.items()), list(plan.spreads.items()),
            plan.assumptions, list(plan.factors_used.items()), plan.warnings,
            plan.training_path, plan.inference_path)


def test_a_plan_made_of_cached_sections_equals_a_fresh_plan(factors):
    shapes = _shapes(factors)
    sections = SectionPlans(4096)
    for shape in [*shapes, *reversed(shapes)]:  # the second pass reads every section cached
        assert _record(shape, factors, sections) == _record(shape, factors)
    assert len(sections._found) < len(shapes) / 2


def test_a_warmed_estimator_reads_as_a_fresh_one():
    warm = Estimator()
    profiles = [p for p in mixed_profiles() if isinstance(p, dict)]
    for profile in profiles:
        with contextlib.suppress(ProfileError):
            warm.read(profile)
    for profile in profiles:
        fresh = Estimator(FactorRepository())
        try:
            expected = fresh.read(profile)
        except ProfileError as error:
            with pytest.raises(ProfileError) as again:
                warm.read(profile)
            assert again.value.errors == error.errors
            continue
        got = warm.read(profile)
        assert got.assumptions() == expected.assumptions()
        assert list(got.factors_used) == list(expected.factors_used)
        assert got.warnings == expected.warnings
        assert list(map(repr, got.inputs.items())) == list(map(repr, expected.inputs.items()))


def test_errors_of_a_cached_section_are_the_callers_own(factors):
    sections = SectionPlans(16)
    shape = split({"model": "llama-3.1-8b", "inference": {"hardware": "no-such-gpu"}})[0]
    with pytest.raises(ProfileError) as first:
        make_plan(shape, factors, sections)
    first.value.errors[0]["message"] = "changed"
    with pytest.raises(ProfileError) as second:
        make_plan(shape, factors, sections)
    assert second.value.errors[0]["message"] != "changed"


def test_a_shape_thaws_back_to_its_skeleton():
    profile = {"name": "x", "model": {"preset": "llama-3.1-8b", "parameters": 8e9},
               "training": {"location": "FRA", "grid": {"gwp": 0.05, "note": [1, True, None]}},
               "inference": {"output_tokens": None, "hardware": {"id": 3}}, "extra": 1.5}
    shape, numbers = split(profile)
    assert shape.skeleton == {
        "model": {"preset": "llama-3.1-8b", "parameters": GIVEN},
        "training": {"location": "FRA", "grid": {"gwp": GIVEN, "note": [1, True, None]}},
        "inference": {"output_tokens": None, "hardware": {"id": 3}}, "extra": 1.5}
    assert numbers == {"model.parameters": 8e9, "training.grid.gwp": 0.05}
    assert shape.part("training") == split({"training": profile["training"]})[0].part("training")
    assert with_fields(shape, ["inference.output_tokens"]).skeleton["inference"] == {
        "output_tokens": GIVEN, "hardware": {"id": 3}}


def test_values_equal_in_python_but_of_other_types_are_other_shapes():
    one, true = (split({"model": {"precision": v}})[0] for v in (1, True))
    assert one.key != true.key and one.skeleton["model"]["precision"] is not True


def test_a_shape_holding_what_is_not_plain_data_has_no_key_but_its_skeleton():
    marker = object()
    shape = split({"model": "llama-3.1-8b", "inference": {"hardware": marker}})[0]
    assert shape.key is None and shape.part("inference") is None
    assert shape.skeleton["inference"]["hardware"] is marker


BOUNDARIES = [None, "frugal-ai", "ELECTRICITY-AND-CHIPS", ["electricity", "hardware"],
              ["electricity", "hardware", "network_storage", "end_user_device"],
              ["electricity"], ["electricity", "hardware", "hardware"], "nowhere", 5]


@pytest.mark.parametrize("version", ["2026.1", "2026.2"])
def test_boundary_and_lifetime_read_from_records_as_fresh(version):
    # the boundary and the hardware lifetime are top-level fields read through the records too
    factors = FactorRepository().get(version)
    sections = SectionPlans(64)
    profiles = [{"model": "llama-3.1-8b", "inference": {}, "boundary": boundary,
                 "hardware_lifetime": life} for boundary, life in itertools.product(
                     BOUNDARIES, [None, 3e4])]
    shapes = [split({k: v for k, v in p.items() if v is not None})[0] for p in profiles]
    for shape in [*shapes, *shapes]:
        cached, fresh = _record(shape, factors, sections), _record(shape, factors)
        assert cached == fresh
        if cached[0] != "errors":
            assert (make_plan(shape, factors, sections).boundary
                    == make_plan(shape, factors).boundary)
