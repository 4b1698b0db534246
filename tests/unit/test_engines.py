"""Every way to run the model gives the single estimate's figures: single, batch, table,
columns and the Monte Carlo's central draw, over a seeded sweep of profiles of every path."""

from __future__ import annotations

import math
import random

import pytest

from lca import estimate, estimate_batch, estimate_columns, estimate_table, read
from lca.engine.montecarlo import simulate
from lca.errors import ProfileError
from lca.estimator import figures

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


def random_profiles(factors, count: int, seed: int):
    """Seeded profiles over every training and inference path, model kind and precision."""
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


def _flat(node: object, path: str = "") -> dict[str, float | None]:
    """A response's figures by dotted path (values of quantities, bare numbers)."""
    if isinstance(node, dict) and "value" in node and "unit" in node:
        return {path: node["value"]}
    if isinstance(node, dict):
        out = {}
        for key, child in node.items():
            out.update(_flat(child, f"{path}.{key}" if path else key))
        return out
    return {path: node} if isinstance(node, (int, float)) or node is None else {}


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or math.isnan(a)) and (b is None or math.isnan(b))
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)


def _singles(factors, profiles):
    found = []
    for profile in profiles:
        try:
            found.append((profile, estimate(profile, factors)))
        except ProfileError:
            continue
    return found


def _figures_of(result: dict) -> dict[str, float | None]:
    return {k: v for k, v in _flat({p: result[p] for p in ("training", "inference", "lifecycle")
                                    if p in result}).items()}


def _batch(factors, profiles):
    return [entry["estimate"] for entry in estimate_batch(profiles, factors)]


def _table(factors, profiles):
    names = sorted({k for p in profiles for k in _figures_of(estimate(p, factors))})
    table = estimate_table(profiles, names, factors)
    assert not table["errors"]
    return [{k: float(table["outputs"][k][i]) for k in names} for i in range(len(profiles))]


def _columns(factors, profiles):
    """Each profile as a one-row columns request: its numbers as columns of length one."""
    out = []
    for profile in profiles:
        reading = read(profile, factors)
        given = {k: [v] for k, v in reading.inputs.items() if k in reading.plan.bound}
        if not given:
            given = {"hardware_lifetime": [reading.inputs["hardware_lifetime"]]}
        names = sorted(_figures_of(estimate(profile, factors)))
        result = estimate_columns(profile, given, names, factors)
        assert not result["errors"]
        out.append({k: float(result["outputs"][k][0]) for k in names})
    return out


def _monte_carlo(factors, profiles):
    """The Monte Carlo's arrays with every spread collapsed: the central figures, as arrays."""
    out = []
    for profile in profiles:
        reading = read(profile, factors)
        reading.spreads = {}
        run = simulate(reading, 100, 0)
        out.append({k: float(v[0]) for k, v in run.outputs.items()})
    return out


@pytest.mark.parametrize("engine", [_batch, _table, _columns, _monte_carlo],
                         ids=["batch", "table", "columns", "monte_carlo"])
def test_every_engine_gives_the_single_estimates_figures(factors, engine):
    singles = _singles(factors, list(random_profiles(factors, 120, seed=5)))
    assert len(singles) > 80  # the sweep is not vacuous
    results = engine(factors, [p for p, _ in singles])
    for (profile, single), got in zip(singles, results, strict=True):
        expected = _figures_of(single)
        got = _figures_of(got) if "versions" in got else got
        for key, value in expected.items():
            if key in got:
                assert _close(value, got[key]), (profile, key, value, got[key])
        assert set(expected) <= set(got) or engine is not _batch


def test_the_single_estimate_runs_on_plain_floats(factors):
    for profile in random_profiles(factors, 40, seed=9):
        try:
            out = figures(read(profile, factors))
        except ProfileError:
            continue
        assert all(type(v) in (float, bool) for v in out.values()), profile
