"""lca.kernel: the compiled straight-line calculate equals the interpreted one, bit for bit."""

from __future__ import annotations

import math
import random

import pytest

from lca import calculate, resolve
from lca.errors import ProfileError
from lca.kernel import DataDependentBranchError, _Symbol, _Trace, calculate_floats, compile_kernel

TRAINING_PATHS = (
    {"energy": "1.2 GWh"},
    {"energy": "900 MWh", "energy_scope": "facility", "accelerator_hours": "2e6 h"},
    {"accelerator_hours": "3e6 h", "power_per_accelerator": "650 W"},
    {"accelerator_count": 2048, "duration": "40 day"},
    {"compute": "3.1e23 FLOP"},
    {"tokens": 1.5e13, "utilization": 0.41},
    {"tokens": 2e12, "achieved_flops": "4e14 FLOP/s", "overhead": 1.5},
)
INFERENCE_PATHS = (
    {},
    {"energy_per_request": "0.3 Wh"},
    {"energy_per_output_token": "0.4 mWh", "energy_scope": "facility"},
    {"output_throughput": "1500 token/s", "accelerators": 8},
    {"power_per_accelerator": "500 W", "requests_per_day": 1e6, "duration": "1 year"},
    {"requests": 0},
)


def same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)


def random_profiles(factors, count: int, seed: int):
    rng = random.Random(seed)
    hardware = sorted(factors.tables["hardware"].rows)
    models = sorted(factors.tables["models"].rows)
    for _ in range(count):
        model = (rng.choice(models) if rng.random() < 0.6 else
                 {"parameters": 10 ** rng.uniform(8, 12), "precision": rng.choice(
                     ["fp32", "bf16", "fp8", "int4"])})
        profile: dict = {"model": model, "uncertainty": False}
        sections = rng.choice(("training", "inference", "both"))
        if sections != "inference":
            profile["training"] = {"hardware": rng.choice(hardware), "location": "USA",
                                   **rng.choice(TRAINING_PATHS)}
        if sections != "training":
            profile["inference"] = {"hardware": rng.choice(hardware), "location": "FRA",
                                    "input_tokens": rng.choice([0, 300, 32000]),
                                    "output_tokens": rng.choice([1, 400, 4000]),
                                    "batch_size": rng.choice([1, 16, 256]),
                                    **rng.choice(INFERENCE_PATHS)}
        yield profile


def test_the_kernel_equals_calculate_bit_for_bit_over_a_seeded_sweep(factors):
    compared = 0
    for profile in random_profiles(factors, 300, seed=5):
        try:
            x = resolve(profile, factors).inputs
        except ProfileError:  # a drawn combination may be invalid; not the subject
            continue
        expected, got = calculate(x), calculate_floats(x)
        assert list(got) == list(expected)
        for key, value in expected.items():
            assert same(float(value), got[key]), (profile, key, value, got[key])
            assert type(got[key]) in (float, bool), (key, type(got[key]))
        compared += 1
    assert compared > 200  # the sweep is not vacuous


def test_the_kernel_raises_the_arithmetic_error_calculate_raises(factors):
    x = dict(resolve({"model": "llama-3.1-8b", "inference": {}}, factors).inputs)
    x["i_fleet_util"] = 0.0  # idle time divides by the utilization
    with pytest.raises(ZeroDivisionError):
        calculate(x)
    with pytest.raises(ZeroDivisionError):
        calculate_floats(x)


def test_one_kernel_is_compiled_per_set_of_input_keys(factors):
    a = resolve({"model": "llama-3.1-8b", "inference": {"output_tokens": 10}}, factors).inputs
    b = resolve({"model": "llama-3.1-70b", "inference": {"output_tokens": 900}}, factors).inputs
    assert compile_kernel(tuple(a)) is compile_kernel(tuple(b))
    source = compile_kernel(tuple(a)).source
    assert "def kernel(x):" in source and "import" not in source


def test_a_formula_branching_on_a_value_is_refused_at_compile_time():
    symbol = _Symbol(_Trace(), "a0")
    with pytest.raises(DataDependentBranchError):
        bool(symbol > 1.0)


def test_non_finite_constants_are_passed_by_name_not_by_text():
    trace = _Trace()
    result = _Symbol(trace, "a0") * math.inf
    assert trace.lines == [f"    {result.name} = a0 * c0"] and trace.constants == {"c0": math.inf}
