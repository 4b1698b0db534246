"""Uncertainty: a seeded Monte Carlo over the same formulas, and the drivers of the spread.

Every input with a range (a factor's low/high or the span of its candidate sources, or a range
the profile gave) is drawn from a triangular distribution on (low, value, high), or a uniform
one when a range has no central value; ranges wider than 10x are drawn on a log scale. Each
origin (a factor reference such as ``zones.FRA.gwp``, or a profile field) gets one stream of
uniform quantiles seeded by (seed, origin), so an input used twice (the same grid for training
and inference) and the same input in two scenarios move together: comparisons use common random
numbers. ``calculate`` runs once on the arrays; each output's 5th and 95th percentiles become
its ``low`` and ``high``, widened to include the central value when an input's default sits at
the edge of its range. Drivers are ranked by squared Spearman rank correlation with the output
(the uniform quantiles stand for the inputs' ranks, to which they are equal up to sampling).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from lca.method import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    HIGH_PERCENTILE,
    LOG_SCALE_RATIO,
    LOW_PERCENTILE,
    MAX_DRIVERS,
    MAX_SAMPLES_PER_REQUEST,
)
from lca.model.graph import calculate
from lca.quantities import Spread
from lca.reading import Reading as Resolved

__all__ = ["DEFAULT_SAMPLES", "DEFAULT_SEED", "HIGH_PERCENTILE", "LOW_PERCENTILE",
           "MAX_SAMPLES_PER_REQUEST", "MonteCarlo", "bounds", "drivers", "simulate"]
DRIVER_BLOCKS = ("lifecycle.total", "inference.per_request", "training.impacts")


@dataclass
class MonteCarlo:
    """Samples of every output, with the quantiles of every origin that drove them."""

    samples: int
    seed: int
    outputs: dict[str, np.ndarray]
    quantiles: dict[str, np.ndarray]


def quantiles(label: str, samples: int, seed: int) -> np.ndarray:
    """The uniform quantiles of one origin: the same for the same (label, samples, seed)."""
    rng = np.random.default_rng([seed, zlib.crc32(label.encode())])
    return rng.random(samples)


def inverse_cdf(u: np.ndarray, spread: Spread) -> np.ndarray:
    """Values of ``spread`` at quantiles ``u``: triangular on (low, mode, high), uniform without
    a mode, on logarithms when the range spans more than LOG_SCALE_RATIO."""
    low, high = spread.low, spread.high
    mode = spread.mode
    log = low > 0 and high / low > LOG_SCALE_RATIO
    if log:
        low, high = math.log(low), math.log(high)
        mode = None if mode is None else math.log(mode)
    if mode is None:
        values = low + u * (high - low)
    else:
        width = high - low
        split = (mode - low) / width
        values = np.where(u < split, low + np.sqrt(u * width * (mode - low)),
                          high - np.sqrt((1.0 - u) * width * (high - mode)))
    return np.exp(values) if log else values


# Draws of up to CACHED_SAMPLES samples are kept: 128 quantile streams and 128 drawn inputs (a
# profile has about 30 of each), 20 MB at most at 10,000 samples, 4 MB at the default 2,000.
CACHED_SAMPLES = 10_000


@lru_cache(maxsize=128)
def _cached_quantiles(label: str, samples: int, seed: int) -> np.ndarray:
    u = quantiles(label, samples, seed)
    u.flags.writeable = False  # shared between estimates
    return u


@lru_cache(maxsize=128)
def _cached_draw(spread: Spread, samples: int, seed: int) -> np.ndarray:
    values = inverse_cdf(_cached_quantiles(spread.label, samples, seed), spread)
    values.flags.writeable = False
    return values


def simulate(resolved: Resolved, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED
             ) -> MonteCarlo:
    """Run ``calculate`` on sampled inputs; inputs without a spread stay at their value.

    The draws of an input depend only on its spread, the sample count and the seed, and most
    spreads are factors' (the same in every request), so small draws are kept, read-only, for
    the next estimate (see CACHED_SAMPLES): generating them was a third of a Monte Carlo.
    """
    drawn: dict[str, np.ndarray] = {}
    inputs: dict[str, object] = dict(resolved.inputs)
    cached = samples <= CACHED_SAMPLES
    for name, spread in resolved.spreads.items():
        if cached:
            drawn[spread.label] = _cached_quantiles(spread.label, samples, seed)
            inputs[name] = _cached_draw(spread, samples, seed)
            continue
        if spread.label not in drawn:
            drawn[spread.label] = quantiles(spread.label, samples, seed)
        inputs[name] = inverse_cdf(drawn[spread.label], spread)
    outputs = calculate(inputs)
    arrays = {k: np.broadcast_to(np.asarray(v, dtype=float), (samples,))
              for k, v in outputs.items()}
    return MonteCarlo(samples, seed, arrays, drawn)


def bounds(mc: MonteCarlo, central: Mapping[str, float]) -> dict[str, tuple[float, float]]:
    """(low, high) of every output: its 5th and 95th percentiles, widened to hold the central
    value. Outputs whose central value is not finite get none."""
    out: dict[str, tuple[float, float]] = {}
    varying = []
    for key, value in central.items():
        value = float(value)
        if not math.isfinite(value):
            continue
        samples = mc.outputs[key]
        if samples.strides == (0,) or samples.min() == samples.max():  # no input moved it
            out[key] = (value, value)
        else:
            varying.append(key)
    if varying:
        stacked = np.stack([mc.outputs[k] for k in varying])  # a copy, reordered below
        low, high = (percentile(stacked, q) for q in (LOW_PERCENTILE, HIGH_PERCENTILE))
        for key, lo, hi in zip(varying, low, high, strict=True):
            value = float(central[key])
            out[key] = (min(lo, value), max(hi, value))
    return out


def percentile(rows: np.ndarray, q: float) -> list[float]:
    """The q-th percentile of each row, numpy's default ("linear") definition, by selection.

    numpy.percentile selects several order statistics at once, which its partition does slowly;
    one selection per percentile, plus the minimum of the upper part, is several times faster.
    ``rows`` is partitioned in place (reordered within each row): pass an array of your own.
    """
    position = q / 100.0 * (rows.shape[1] - 1)
    k = int(position)
    fraction = position - k
    rows.partition(k, axis=1)
    values = rows[:, k]
    if fraction > 0.0:
        values = values + (rows[:, k + 1:].min(axis=1) - values) * fraction
    return values.tolist()


def _ranks(values: np.ndarray) -> np.ndarray:
    ranks = np.empty(values.shape[-1])
    ranks[np.argsort(values, kind="stable")] = np.arange(values.shape[-1])
    return ranks


def drivers(mc: MonteCarlo, resolved: Resolved) -> dict[str, list[dict]]:
    """For each indicator of the headline block (lifecycle total, else per request, else
    training), the origins that explain its spread: share of the summed squared rank
    correlations, and the correlation itself (its sign says which way the input pushes)."""
    block = next((b for b in DRIVER_BLOCKS if f"{b}.gwp" in mc.outputs
                  and np.all(np.isfinite(mc.outputs[f"{b}.gwp"]))), None)
    if block is None or not mc.quantiles:
        return {}
    labels = list(mc.quantiles)
    # The quantiles are uniform draws, so they stand for the inputs' ranks (no sort needed).
    u_ranks = np.stack([mc.quantiles[label] for label in labels])
    u_ranks = u_ranks - u_ranks.mean(axis=1, keepdims=True)
    u_norm = np.sqrt((u_ranks ** 2).sum(axis=1))
    result: dict[str, list[dict]] = {}
    for indicator in ("energy", "gwp", "water", "adpe", "pe"):
        y = mc.outputs[f"{block}.{indicator}"]
        if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
            result[indicator] = []
            continue
        y_ranks = _ranks(y)
        y_ranks -= y_ranks.mean()
        rho = (u_ranks @ y_ranks) / (u_norm * math.sqrt(float(y_ranks @ y_ranks)))
        total = float((rho ** 2).sum())
        order = np.argsort(-(rho ** 2))[:MAX_DRIVERS]
        result[indicator] = [
            {"input": labels[i], "share": float(rho[i] ** 2 / total),
             "correlation": float(rho[i])}
            for i in order if total > 0 and rho[i] ** 2 / total >= 0.01]
    return {"block": block, "indicators": result} if result else {}
