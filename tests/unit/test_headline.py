"""The headline a user quotes: the estimate at every input's median, near the middle of the
simulation (issue 15, item 5).

Every range is drawn with its value as its median (lca.engine.montecarlo), so a figure that
depends on one uncertain input has its value exactly at its median. A figure that sums or
multiplies several skewed inputs does not: its median moves a little towards its mean. This
test holds the value of the per-request figures between the 40th and 60th percentiles of the
simulation for every model preset on H100s in France. ``KNOWN_MISSES`` lists, with the reason
measured, the presets that do not hold it with today's model: each is a strict xfail, so a
change that brings one inside the band fails here until its entry is removed.
"""

from __future__ import annotations

import numpy as np
import pytest

from lca import estimate
from lca.engine import montecarlo
from lca.estimator import default_estimator, figures
from lca.method import VALUE_BASIS

SAMPLES = 20_000  # the percentile of the value, to about +-0.35 points (one standard error)
BAND = (40.0, 60.0)
FIGURES = ("inference.per_request.energy", "inference.per_request.gwp")
PRESETS = sorted(default_estimator().factor_set(None).tables["models"].rows)

# Measured 2026-11-30 (factor set 2026.2, method 2.0), percentiles of the energy and gwp values.
# The per-request energy is a sum of terms over inputs drawn log-symmetric or right-skewed: the
# chat prompt (181-1,020-4,083 tokens, prefill and KV reads grow with it), 1/batch and
# 1/fleet_utilization, and the one-sided host_power range of nvidia-h100-sxm (150 W at its low
# edge, 301.7 W high). The median of such a sum lies above the sum of the medians, by 10-15
# points here: measured one spread at a time on llama-3.1-70b, fixing the prompt length moves the
# value from about the 37th to the 42nd percentile, host power to the 38.7th, batch and fleet
# utilization to the 38.2nd each.
_SKEW = "energy value at the {e}th percentile, gwp at the {g}th: a sum of right-skewed terms"
KNOWN_MISSES: dict[str, str] = {
    "bloom-176b": _SKEW.format(e=39.7, g=39.0),
    "falcon-40b": _SKEW.format(e=37.2, g=35.9),
    "gemma-2-27b": _SKEW.format(e=38.6, g=37.9),
    "gpt-3": _SKEW.format(e=40.1, g=39.2),
    "llama-2-70b": _SKEW.format(e=37.3, g=36.0),
    "llama-3-70b": _SKEW.format(e=37.3, g=36.0),
    "llama-3-8b": _SKEW.format(e=38.8, g=37.9),
    "llama-3.1-405b": _SKEW.format(e=36.7, g=35.5),
    "llama-3.1-70b": _SKEW.format(e=37.3, g=36.0),
    "llama-3.1-8b": _SKEW.format(e=38.8, g=37.9),
    "mistral-7b": _SKEW.format(e=39.0, g=38.2),
    "mistral-large-2": _SKEW.format(e=37.1, g=36.1),
    "opt-175b": _SKEW.format(e=40.1, g=39.2),
    "qwen2.5-72b": _SKEW.format(e=37.4, g=35.9),
    "qwen2.5-7b": _SKEW.format(e=38.2, g=36.8),
    "t5-11b": _SKEW.format(e=37.0, g=35.9),
}


def percentile_of_value(samples: np.ndarray, value: float) -> float:
    """The percentile rank of ``value`` among ``samples`` (ties counted half)."""
    return 50.0 * float(np.mean(samples < value) + np.mean(samples <= value))


def headline_percentiles(preset: str, samples: int = SAMPLES) -> dict[str, float]:
    """For one preset on H100 in France, the percentile of each headline figure's value."""
    reading = default_estimator().read({"model": preset, "inference": {
        "hardware": "nvidia-h100-sxm", "location": "FRA"}})
    central = figures(reading)
    run = montecarlo.simulate(reading, samples)
    return {k: percentile_of_value(run.outputs[k], float(central[k])) for k in FIGURES}


@pytest.mark.parametrize("preset", [
    pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[p]))
    if p in KNOWN_MISSES else p for p in PRESETS])
def test_the_headline_lies_between_the_40th_and_60th_percentiles(preset):
    found = headline_percentiles(preset)
    assert all(BAND[0] <= q <= BAND[1] for q in found.values()), found


def test_the_value_does_not_depend_on_the_simulation_and_says_its_basis():
    profile = {"model": "llama-3.1-70b", "inference": {"hardware": "nvidia-h100-sxm",
                                                       "location": "FRA"}}
    with_mc, without = estimate(profile), estimate({**profile, "uncertainty": False})
    for indicator in ("energy", "gwp"):
        a = with_mc["inference"]["per_request"][indicator]
        b = without["inference"]["per_request"][indicator]
        assert a["value"] == b["value"] and "low" not in b
        assert a["low"] <= a["value"] <= a["high"]
    assert with_mc["value_basis"] == without["value_basis"] == VALUE_BASIS


if __name__ == "__main__":  # python -m tests.unit.test_headline: the table, for re-banding
    for name in PRESETS:
        print(f"{name:18s}", "  ".join(f"{k.rpartition('.')[2]} {q:5.1f}"
                                       for k, q in headline_percentiles(name).items()))
