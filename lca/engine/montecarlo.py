"""Uncertainty: a seeded Monte Carlo (Latin hypercube draws) over the same formulas, and the
drivers of the spread.

Every input with a range (a factor's low/high or the span of its candidate sources, or a range
the profile gave) is drawn so that its value is its median: a two-piece distribution with half
the mass on each side of the value, each half the half of a triangle peaked at the value
(rising from low to the value, falling from the value to high), so that the headline figures,
computed at every input's value, are the figures at the inputs' medians ("median inputs", the
response's ``value_basis``). A range whose value sits at one edge (the value a bound, or the
span of two sources with the value one of them) has no room on one side: that half of the mass
sits on the value itself, so that the value is still the median. A range without a central value
is uniform (the reader then takes its midpoint as the value, the median). Ranges wider than 10x
are drawn the same way on a log scale (log-triangular halves, log-uniform; the value is still
the median, and the reader takes the geometric midpoint). The figures are the outputs at the
inputs' medians, not the medians of the outputs: a figure that sums skewed terms has its median
a little away from it (tests/unit/test_headline.py checks it stays between the 40th and 60th
percentiles for the presets). Each
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
import threading
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
    MIN_DRIVER_SHARE,
)
from lca.model.graph import calculate
from lca.quantities import INDICATORS, Spread
from lca.reading import Reading

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
    """The uniform quantiles of one origin, Latin hypercube: one draw in each of ``samples``
    equal strata of [0, 1), in a random order; the same for the same (label, samples, seed).

    Stratified draws cover each input's range evenly; a figure that combines many inputs gains
    little from it (1,000 give its 5th and 95th percentiles within 4.7 % on average of 200,000
    draws, 1,000 independent draws 4.8 %: ``python -m bench.accuracy``). The random order keeps
    the inputs independent of one another.
    """
    rng = np.random.default_rng([seed, zlib.crc32(label.encode())])
    return (rng.permutation(samples) + rng.random(samples)) / samples


def inverse_cdf(u: np.ndarray, spread: Spread) -> np.ndarray:
    """Values of ``spread`` at quantiles ``u``: two-piece with its mode as median (half of a
    triangle on each side, or the mode itself on a side of no width; module doc), uniform
    without a mode; on logarithms when the range spans more than LOG_SCALE_RATIO."""
    low, high = spread.low, spread.high
    mode = spread.mode
    log = low > 0 and high / low > LOG_SCALE_RATIO
    if log:
        low, high = math.log(low), math.log(high)
        mode = None if mode is None else math.log(mode)
    if mode is None:
        values = low + u * (high - low)
    else:
        # F(x) = (x - low)^2 / (2 (mode - low)^2) below the mode, 1 - (high - x)^2 / (2 (high -
        # mode)^2) above it: F(mode) = 1/2 (a side of no width: F jumps by 1/2 at the mode).
        values = np.where(u < 0.5, low + (mode - low) * np.sqrt(2.0 * u),
                          high - (high - mode) * np.sqrt(2.0 * (1.0 - u)))
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


def drawn_inputs(spreads: Mapping[str, Spread], samples: int, seed: int = DEFAULT_SEED,
                 streams: Mapping[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Every input of ``spreads`` drawn as a single estimate's Monte Carlo draws it (from
    ``streams``, the quantiles by origin, when already made), for rows calculated on shared
    draws too (usage logs, leaderboards); read-only when kept for reuse."""
    if samples <= CACHED_SAMPLES:
        return {name: _cached_draw(spread, samples, seed) for name, spread in spreads.items()}
    streams = streams or {s.label: quantiles(s.label, samples, seed) for s in spreads.values()}
    return {name: inverse_cdf(streams[spread.label], spread) for name, spread in spreads.items()}


def simulate(reading: Reading, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED
             ) -> MonteCarlo:
    """Run ``calculate`` on sampled inputs; inputs without a spread stay at their value.

    The draws of an input depend only on its spread, the sample count and the seed, and most
    spreads are factors' (the same in every request), so small draws are kept, read-only, for
    the next estimate (see CACHED_SAMPLES): generating them was a third of a Monte Carlo.
    """
    stream = _cached_quantiles if samples <= CACHED_SAMPLES else quantiles
    drawn = {spread.label: stream(spread.label, samples, seed)
             for spread in reading.spreads.values()}
    outputs = calculate({**reading.inputs,
                         **drawn_inputs(reading.spreads, samples, seed, drawn)})
    return MonteCarlo(samples, seed, {k: _as_samples(v, samples) for k, v in outputs.items()},
                      drawn)


def _as_samples(value: object, samples: int) -> np.ndarray:
    """``value`` as a read-only array of ``samples`` values: sampled outputs as they are (no
    copy), a constant as a zero-stride view (np.broadcast_to costs ten times more)."""
    if type(value) is np.ndarray and value.shape == (samples,) and value.dtype == np.float64:
        value.flags.writeable = False
        return value
    return np.broadcast_to(np.asarray(value, dtype=float), (samples,))


def bounds(mc: MonteCarlo, central: Mapping[str, float]) -> dict[str, tuple[float, float]]:
    """(low, high) of every output: its 5th and 95th percentiles, widened to hold the central
    value. Outputs whose central value is not finite get none.

    The same figures as ``percentile`` on every varying output, computed for less: outputs that
    are a constant multiple of another on every sample (per request and per output token, per
    request and in total, operational and total energy) take that multiple of its percentiles
    (swapped for a negative multiple), and the order statistics come from the samples beyond a
    threshold (see ``_tails``) rather than from partitioning every row twice.
    """
    out: dict[str, tuple[float, float]] = {}
    keys: list[str] = []
    for key, value in central.items():
        value = float(value)
        if not math.isfinite(value):
            continue
        if mc.outputs[key].strides == (0,):  # no input moved it
            out[key] = (value, value)
        else:
            keys.append(key)
    if not keys:
        return out
    rows = np.stack([mc.outputs[k] for k in keys], out=_buffer("rows", (len(keys), mc.samples)))
    smallest, largest = rows.min(axis=1), rows.max(axis=1)
    varying = smallest != largest  # NaN samples count as varying, as before
    one_sign = varying & ((smallest > 0) | (largest < 0))
    representative, multiple = _proportional(rows, one_sign)
    reps = np.flatnonzero(varying & (representative == np.arange(len(keys))))
    low, high = _low_high(np.take(rows, reps, axis=0, out=_buffer("reps", (len(reps),
                                                                            mc.samples))))
    where = np.zeros(len(keys), dtype=np.intp)
    where[reps] = np.arange(len(reps))
    at = where[representative]
    low, high = low[at] * multiple, high[at] * multiple
    negative = multiple < 0
    low[negative], high[negative] = high[negative], low[negative]
    for key, moved, lo, hi in zip(keys, varying.tolist(), low.tolist(), high.tolist(),
                                  strict=True):
        value = float(central[key])
        out[key] = (min(lo, value), max(hi, value)) if moved else (value, value)
    return out


# Scratch arrays of up to this many bytes are kept per thread and reused: a fresh array of more
# than 128 KiB is mapped afresh by malloc, and faulting its pages in cost more than the work.
BUFFER_BYTES = 4 << 20
_buffers = threading.local()


def _buffer(name: str, shape: tuple[int, ...], dtype: type = np.float64) -> np.ndarray:
    """An uninitialised C-contiguous array of ``shape``: a view of this thread's scratch array
    ``name`` when small enough, else a new one. Valid until the next call with ``name``."""
    size = math.prod(shape)
    if size * np.dtype(dtype).itemsize > BUFFER_BYTES:
        return np.empty(shape, dtype)
    kept = getattr(_buffers, name, None)
    if kept is None or kept.size < size or kept.dtype != dtype:
        kept = np.empty(max(size, 1 << 12), dtype)
        setattr(_buffers, name, kept)
    return kept[:size].reshape(shape)


# Rows grouped as proportional differ from the multiple of their representative by at most this,
# relative, on every sample; their percentiles, so, by at most this too (rows of one sign only).
PROPORTIONAL_TOLERANCE = 1e-13


def _proportional(rows: np.ndarray, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the index of a row it is a constant multiple of (itself if none), and the
    multiple: candidate rows sharing the ratios of a few samples to the first (to float32
    precision) are checked on every sample against PROPORTIONAL_TOLERANCE. Only ``candidates``
    (rows of one sign, without zeros) are grouped; the others stand alone."""
    count, n = rows.shape
    representative = np.arange(count)
    multiple = np.ones(count)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # rows standing alone
        keys = (rows[:, [1, n // 3, (2 * n) // 3, n - 1]] / rows[:, :1]).astype(np.float32)
    first: dict[bytes, int] = {}
    for i in np.flatnonzero(candidates).tolist():
        j = first.setdefault(keys[i].tobytes(), i)
        if j == i:
            continue
        member, rep = rows[i], rows[j]
        factor = member[0] / rep[0]
        with np.errstate(invalid="ignore", over="ignore"):  # infinite samples: not grouped
            if (np.abs(member - factor * rep) <= PROPORTIONAL_TOLERANCE * np.abs(member)).all():
                representative[i], multiple[i] = j, factor
    return representative, multiple


# Below this many samples the rows are partitioned as they are (the threshold saves little).
TAIL_MIN_SAMPLES = 1000


def _positions(n: int) -> tuple[tuple[int, float], tuple[int, float]]:
    """(k, fraction) of the low and high percentiles: numpy's "linear" definition."""
    result = []
    for q in (LOW_PERCENTILE, HIGH_PERCENTILE):
        position = q / 100.0 * (n - 1)
        k = int(position)
        result.append((k, position - k))
    return result[0], result[1]


def _low_high(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The LOW_PERCENTILE-th and HIGH_PERCENTILE-th percentiles of each row, each exactly what
    ``percentile`` gives (the same order statistics, the same interpolation)."""
    n = rows.shape[1]
    (k_lo, f_lo), (k_hi, f_hi) = _positions(n)
    if len(rows) == 0 or n < TAIL_MIN_SAMPLES or not 0 < k_lo + 1 < k_hi < n - 1:
        return (np.asarray(percentile(rows.copy(), LOW_PERCENTILE)),
                np.asarray(percentile(rows.copy(), HIGH_PERCENTILE)))
    lo, lo_next, hi, hi_next = _tails(rows, k_lo, k_hi)
    with np.errstate(invalid="ignore"):  # inf - inf: NaN, as percentile gives
        low = lo + (lo_next - lo) * f_lo if f_lo > 0.0 else lo
        high = hi + (hi_next - hi) * f_hi if f_hi > 0.0 else hi
    return low, high


def _tails(rows: np.ndarray, k_lo: int, k_hi: int) -> tuple[np.ndarray, ...]:
    """The k_lo-th, (k_lo+1)-th, k_hi-th and (k_hi+1)-th smallest sample of each row, in the
    order np.partition uses (NaN above everything), exactly.

    A threshold on each side, read from a subsample of the first columns (the columns are
    independent draws), keeps a little more than the tail's order statistics need; the samples
    kept are sorted, which puts the wanted ones at known places. Rows where a threshold kept too
    few (rare: four standard deviations of margin) or too many (few distinct values) are
    partitioned whole instead.
    """
    count, n = rows.shape
    m = min(n, max(256, n // 8))
    j_lo = _margin(k_lo + 2, n, m)
    j_hi = m - 1 - _margin(n - k_hi, n, m)
    sub = np.sort(rows[:, :m], axis=1)
    wanted = []
    bad = np.zeros(count, dtype=bool)
    for low_side, t, need in ((True, sub[:, j_lo:j_lo + 1], k_lo + 2),
                              (False, sub[:, j_hi:j_hi + 1], n - k_hi)):
        keep = _buffer("keep", rows.shape, np.bool_)
        if low_side:
            np.less_equal(rows, t, out=keep)
        else:  # NaN is kept on the high side: above everything, as np.partition orders it
            np.less(rows, t, out=keep)
            np.logical_not(keep, out=keep)
        kept = np.count_nonzero(keep, axis=1)
        ok = (kept >= need) & (kept <= 4 * need + 64)
        if not ok.all():
            bad |= ~ok
            keep[~ok] = False
            kept[~ok] = 0
        width = max(int(kept.max()), need)
        padded = _buffer("padded", (count, width))
        # kept samples to the left (low side, +inf after) or to the right (high side, -inf
        # before), so that after sorting the wanted ones sit in the same column of every row
        padded.fill(np.inf if low_side else -np.inf)
        place = np.arange(width) < kept[:, None] if low_side else (
            np.arange(width) >= (width - kept)[:, None])
        padded[place] = np.compress(keep.ravel(), rows.ravel())
        padded.sort(axis=1)
        at = k_lo if low_side else width - (n - k_hi)
        wanted += [padded[:, at].copy(), padded[:, at + 1].copy()]
    if bad.any():
        which = np.flatnonzero(bad)
        whole = rows[which]  # a copy
        for k, (value, following) in ((k_lo, wanted[:2]), (k_hi, wanted[2:])):
            whole.partition(k, axis=1)
            value[which] = whole[:, k]
            following[which] = whole[:, k + 1:].min(axis=1)
    return tuple(wanted)


def _margin(need: int, n: int, m: int) -> int:
    """The rank in a subsample of m of n samples at which a threshold keeps ``need`` samples of
    the row, with four standard deviations to spare."""
    p = need / n
    return min(m - 1, math.ceil(p * m + 4.0 * math.sqrt(p * (1.0 - p) * m)))


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
    """The rank of each value along the last axis (0 to n - 1), ties in the order of their
    index: a stable sort, which on this data is also the quicker one."""
    values = np.atleast_2d(values)
    order = np.argsort(values, axis=-1, kind="stable")
    ranks = np.empty(values.shape)
    np.put_along_axis(ranks, order, np.arange(values.shape[-1], dtype=float), axis=-1)
    return ranks


def drivers(mc: MonteCarlo, reading: Reading) -> dict[str, list[dict]]:
    """For each indicator of the headline block (lifecycle total, else per request, else
    training), the origins that explain its spread: share of the summed squared rank
    correlations, and the correlation itself (its sign says which way the input pushes)."""
    if not mc.quantiles:
        return {}
    block = next((b for b in DRIVER_BLOCKS if f"{b}.gwp" in mc.outputs
                  and np.isfinite(mc.outputs[f"{b}.gwp"]).all()), None)
    if block is None:
        return {}
    labels = list(mc.quantiles)
    # The quantiles are uniform draws, so they stand for the inputs' ranks (no sort needed).
    u = np.stack([mc.quantiles[label] for label in labels])
    u -= u.mean(axis=1, keepdims=True)
    u /= np.sqrt(np.einsum("ij,ij->i", u, u))[:, np.newaxis]
    # the indicators' samples in one array: one scan for finiteness, one sort for the ranks
    ys = np.stack([mc.outputs[f"{block}.{indicator}"] for indicator in INDICATORS])
    usable = np.isfinite(ys).all(axis=1) & (ys.max(axis=1) != ys.min(axis=1))
    result: dict[str, list[dict]] = {indicator: [] for indicator in INDICATORS}
    if usable.any():
        # ranks are 0 .. n-1 on every row: their mean and norm are known
        n = mc.samples
        ranks = _ranks(ys[usable]) - (n - 1) / 2.0
        rho = u @ (ranks.T / math.sqrt(n * (n * n - 1) / 12.0))  # inputs x indicators
        squared = rho ** 2
        total = squared.sum(axis=0)
        order = np.argsort(-squared, axis=0, kind="stable")[:MAX_DRIVERS].T.tolist()
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = (squared / total).T.tolist()
        for j, indicator in enumerate(np.asarray(INDICATORS)[usable].tolist()):
            if total[j] > 0:
                r = rho[:, j].tolist()
                result[indicator] = [{"input": labels[i], "share": shares[j][i],
                                      "correlation": r[i]}
                                     for i in order[j] if shares[j][i] >= MIN_DRIVER_SHARE]
    return {"block": block, "indicators": result}
