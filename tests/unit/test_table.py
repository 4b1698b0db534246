"""lca.table: a list of profiles in, one table out, every row equal to its single estimate."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from lca import estimate
from lca.engine.table import MAX_PROFILES, estimate_table
from lca.errors import ProfileError
from lca.quantities import FIGURES

ALL_OUTPUTS = sorted(f.path for f in FIGURES)


def mixed_profiles() -> list[object]:
    """Groups that share a skeleton, groups of one, and every way a row can fail or be odd."""
    rng = random.Random(7)
    profiles: list[object] = []
    for _ in range(60):  # many rows over few skeletons
        profiles.append({
            "model": rng.choice(["llama-3.1-8b", "mixtral-8x7b"]),
            "training": {"hardware": "nvidia-h100-sxm", "accelerator_hours": rng.uniform(1, 1e7)},
            "inference": {"hardware": "nvidia-a100-80gb", "location": "FRA",
                          "input_tokens": rng.randint(0, 5000),
                          "output_tokens": rng.randint(1, 3000),
                          "batch_size": rng.choice([1, 8, 64]),
                          "requests": 10 ** rng.uniform(3, 9)}})
    for size in (7e9, 7.5e10, 4e11):  # custom dense models: active follows the size
        profiles.append({"model": {"parameters": size}, "inference": {"output_tokens": 300}})
    profiles += [
        {"model": {"preset": "mixtral-8x7b", "parameters": 5e10},  # MoE preset resized
         "inference": {"output_tokens": 100}},
        {"model": {"preset": "mixtral-8x7b", "parameters": 1e10},  # below its active count
         "inference": {"output_tokens": 100}},
        {"model": "llama-3.1-8b", "training": {"tokens": 1.5e13, "utilization": 0.4}},
        {"model": "llama-3.1-8b", "training": {"tokens": 1.5e13, "utilization": 0.5},
         "hardware_lifetime": 30000},
        {"model": "llama-3.1-8b", "training": {"energy": 1e6, "utilization": 0.3}},  # unused
        {"model": "llama-3.1-8b", "inference": {"output_tokens": "400 token",
                                                "duration": "1 year", "requests_per_day": 1e5}},
        {"model": "llama-3.1-8b", "inference": {"output_tokens": {"low": 100, "high": 900}}},
        {"model": "llama-3.1-8b", "inference": {"output_tokens": 0}},  # out of range
        {"model": "llama-3.1-8b", "inference": {"batch_size": 2.5}},  # not whole
        {"model": "llama-3.1-8b", "inference": {"output_tokens": True}},  # a boolean
        {"model": "llama-3.1-8b", "inference": {"output_tokens": 10 ** 400}},  # beyond floats
        {"model": "llama-3.1-8b", "inference": {"hardware": "no-such-gpu"}},
        {"model": "llama-3.1-8b", "inference": {"output_tokens": np.float64(250.0)}},
        {"model": "llama-3.1-8b", "inference": {"output_tokens": 250.0}},
        "not a profile",
        {"model": "llama-3.1-8b"},
        {"": {"hardware_lifetime": 5}, "model": "llama-3.1-8b", "inference": {}},
        {(1, object()): 1, "model": "llama-3.1-8b", "inference": {}},  # a key marshal refuses
    ]
    rng.shuffle(profiles)
    return profiles


def figure(result: dict, path: str) -> float:
    node = result
    for part in path.split("."):
        if part not in node:
            return math.nan
        node = node[part]
    value = node["value"] if isinstance(node, dict) else node
    return math.nan if value is None else value


def test_every_row_equals_its_single_estimate_and_every_error_its_errors(factors):
    profiles = mixed_profiles()
    table = estimate_table(profiles, ALL_OUTPUTS, factors)
    errors = {e["index"]: e["errors"] for e in table["errors"]}
    assert table["rows"] == len(profiles)
    checked = 0
    for index, profile in enumerate(profiles):
        try:
            single = estimate({**profile, "uncertainty": False}, factors)
        except (ProfileError, TypeError) as error:  # TypeError: the string, which ** refuses
            if isinstance(error, ProfileError):
                assert errors[index] == error.errors, profile
            else:
                assert index in errors
            assert all(np.isnan(column[index]) for column in table["outputs"].values())
            assert table["paths"]["training"][index] is None
            continue
        assert index not in errors, profile
        assert table["paths"]["training"][index] == single.get("training", {}).get("path")
        assert table["paths"]["inference"][index] == single.get("inference", {}).get("path")
        for name, column in table["outputs"].items():
            expected = figure(single, name)
            if math.isnan(expected):
                assert math.isnan(column[index]), (profile, name)
            else:
                assert column[index] == pytest.approx(expected, rel=1e-12), (profile, name)
        checked += 1
    assert checked > 60 and len(errors) >= 6


def test_outputs_default_to_the_columns_default_and_unknown_ones_are_named(factors):
    table = estimate_table([{"model": "llama-3.1-8b", "inference": {}}], factors=factors)
    assert "inference.per_request.gwp" in table["outputs"]
    with pytest.raises(ProfileError, match="unknown outputs"):
        estimate_table([{"model": "llama-3.1-8b", "inference": {}}], ["inference.nope"], factors)


def test_a_list_beyond_the_limit_is_refused_before_any_work():
    class Huge(list):
        def __len__(self) -> int:
            return MAX_PROFILES + 1

    with pytest.raises(ValueError, match="at most"):
        estimate_table(Huge())


def test_a_profiles_plan_depends_on_which_numbers_are_given_not_on_their_values(factors):
    """The invariant the table stands on, by construction: the plan sees a shape, in which a
    given number is GIVEN whatever its value, so profiles alike but for their numbers share one."""
    from lca.reading.shape import split
    from tests.unit.test_engines import random_profiles

    compared = 0
    for profile in [*random_profiles(factors, 200, seed=12), *mixed_profiles()]:
        if not isinstance(profile, dict):
            continue
        shape, numbers = split(profile)
        doubled = {k: v for k, v in profile.items()}
        for section in ("training", "inference"):
            if isinstance(profile.get(section), dict):
                doubled[section] = {k: v * 2 if isinstance(v, (int, float)) and
                                    not isinstance(v, bool) else v
                                    for k, v in profile[section].items()}
        other, other_numbers = split(doubled)
        assert other.key == shape.key and list(other_numbers) == list(numbers)
        compared += 1
    assert compared > 100
