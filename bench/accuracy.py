"""How close the default Monte Carlo's low and high come to a large reference simulation.

    python -m bench.accuracy [seeds]

For the README's example profile and every model preset served on H100s in France, the 5th and
95th percentiles of the per-request and lifecycle figures are taken from a 200,000-draw reference
and from the default Latin hypercube draws (DEFAULT_SAMPLES), half and twice as many, under
several seeds; beside them, independent (plain) draws of the same count and of twice the count,
as the method used before.
Printed: the mean and 90th percentile of |estimate / reference - 1| over figures, percentiles
and seeds. The README's "Uncertainty" paragraph quotes these figures; nothing is asserted.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Callable

import numpy as np

from bench.montecarlo import EXAMPLE
from lca import read
from lca.engine import montecarlo as mc
from lca.estimator import default_estimator
from lca.method import DEFAULT_SAMPLES, HIGH_PERCENTILE, LOW_PERCENTILE

REFERENCE_SAMPLES = 200_000
FIGURES = ("inference.per_request.energy", "inference.per_request.gwp",
           "inference.per_request.water", "inference.per_request.adpe", "lifecycle.total.gwp")


def plain(label: str, samples: int, seed: int) -> np.ndarray:
    """Independent uniform draws, one stream per origin (the method before Latin hypercubes)."""
    return np.random.default_rng([seed, zlib.crc32(label.encode()), 1]).random(samples)


def profiles() -> list[dict]:
    presets = sorted(default_estimator().factor_set(None).tables["models"].rows)
    return [EXAMPLE] + [{"model": p, "inference": {"hardware": "nvidia-h100-sxm",
                                                   "location": "FRA"}} for p in presets]


def _with_quantiles(draw: Callable[[str, int, int], np.ndarray], reading, samples, seed):
    """simulate() with ``draw`` as the quantile streams (the caches bypassed)."""
    kept = mc.quantiles
    mc.quantiles = draw
    try:
        return mc.simulate(reading, samples, seed) if samples > mc.CACHED_SAMPLES else \
            _uncached(reading, samples, seed)
    finally:
        mc.quantiles = kept


def _uncached(reading, samples, seed):
    mc._cached_quantiles.cache_clear()
    mc._cached_draw.cache_clear()
    run = mc.simulate(reading, samples, seed)
    mc._cached_quantiles.cache_clear()
    mc._cached_draw.cache_clear()
    return run


def errors(seeds: int) -> dict[str, list[float]]:
    methods = {f"Latin hypercube, {DEFAULT_SAMPLES // 2:,}": (mc.quantiles, DEFAULT_SAMPLES // 2),
               f"Latin hypercube, {DEFAULT_SAMPLES:,} (default)": (mc.quantiles, DEFAULT_SAMPLES),
               f"Latin hypercube, {2 * DEFAULT_SAMPLES:,}": (mc.quantiles, 2 * DEFAULT_SAMPLES),
               f"independent, {DEFAULT_SAMPLES:,}": (plain, DEFAULT_SAMPLES),
               f"independent, {2 * DEFAULT_SAMPLES:,}": (plain, 2 * DEFAULT_SAMPLES)}
    found: dict[str, list[float]] = {name: [] for name in methods}
    for profile in profiles():
        reading = read(profile)
        reference = _with_quantiles(mc.quantiles, reading, REFERENCE_SAMPLES, 987_654)
        keys = [k for k in FIGURES if k in reference.outputs
                and reference.outputs[k].strides != (0,)
                and np.isfinite(reference.outputs[k]).all()]
        truth = {k: np.percentile(reference.outputs[k], [LOW_PERCENTILE, HIGH_PERCENTILE])
                 for k in keys}
        for name, (draw, samples) in methods.items():
            for seed in range(seeds):
                run = _with_quantiles(draw, reading, samples, seed)
                for k in keys:
                    got = np.percentile(run.outputs[k], [LOW_PERCENTILE, HIGH_PERCENTILE])
                    found[name] += np.abs(got / truth[k] - 1.0).tolist()
    return found


def main(seeds: int = 8) -> None:
    count = len(profiles())
    print(f"Monte Carlo accuracy: p{LOW_PERCENTILE:g} and p{HIGH_PERCENTILE:g} of "
          f"{len(FIGURES)} figures for {count} profiles (README example, every preset on H100 in "
          f"France), {seeds} seeds each, against {REFERENCE_SAMPLES:,} draws")
    for name, values in errors(seeds).items():
        print(f"   {name:34s} mean {100 * np.mean(values):4.1f} %   90th percentile "
              f"{100 * np.percentile(values, 90):4.1f} %   ({len(values)} comparisons)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8)
