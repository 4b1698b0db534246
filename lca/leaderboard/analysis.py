"""Capability against footprint over many models (docs/leaderboards.md, "Analysis"): footprint
per score point, the Pareto front, the best model per size class, the cheapest model reaching a
score, group statistics (official or community, base or instruct, MoE or dense), and, over
draws of footprints and of scores with a standard error, how likely each choice is to hold.

Arrays in, plain data out: ``scores`` and ``footprint`` are arrays over models (NaN where
missing); the front is computed by sorting (n log n), so thousands of models and hundreds of
draws stay fast.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

SIZE_CLASSES = (10.0, 40.0, 100.0)  # class boundaries, billions of parameters
QUARTILES = (25.0, 50.0, 75.0)


def per_point(footprint: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Footprint per score point; NaN where the score is missing or not positive."""
    with np.errstate(all="ignore"):
        return np.where(scores > 0, footprint / scores, np.nan)


def front_mask(scores: np.ndarray, footprint: np.ndarray) -> np.ndarray:
    """Which models no other dominates (a score at least as high and a footprint at most as
    large, one of them strictly better); equal points both stay; NaN rows are never on it.
    ``scores`` and ``footprint`` may carry draws on a leading axis: ``(draws, models)``."""
    s, f = np.atleast_2d(scores), np.atleast_2d(footprint)
    s, f = np.broadcast_arrays(s, f)
    out = np.zeros(s.shape, dtype=bool)
    for d in range(s.shape[0]):
        valid = np.flatnonzero(~(np.isnan(s[d]) | np.isnan(f[d])))
        if not len(valid):
            continue
        sv, fv = s[d, valid], f[d, valid]
        order = np.lexsort((fv, -sv))  # best score first; within a score, smallest footprint
        so, fo = sv[order], fv[order]
        starts = np.r_[0, np.flatnonzero(so[1:] != so[:-1]) + 1]  # first of each equal score
        first = np.repeat(starts, np.diff(np.r_[starts, len(so)]))
        running = np.minimum.accumulate(fo)
        before = np.where(first > 0, running[np.maximum(first - 1, 0)], np.inf)
        out[d, valid[order]] = (fo < before) & (fo == fo[first])
    return out if np.ndim(scores) > 1 or np.ndim(footprint) > 1 else out[0]


def size_class(parameters: np.ndarray, bounds: Sequence[float] = SIZE_CLASSES) -> list[str]:
    """Each model's size class label (``<10B``, ``10-40B``, ``40-100B``, ``>=100B``)."""
    labels = size_labels(bounds)
    index = np.searchsorted(np.asarray(bounds) * 1e9, parameters, side="right")
    return [labels[i] for i in index.tolist()]


def size_labels(bounds: Sequence[float] = SIZE_CLASSES) -> list[str]:
    """The labels of the classes that ``bounds`` (billions, increasing) cut."""
    b = [f"{x:g}" for x in bounds]
    return [f"<{b[0]}B", *[f"{lo}-{hi}B" for lo, hi in itertools.pairwise(b)],
            f">={b[-1]}B"]


def best_per_class(classes: list[str], labels: list[str], scores: np.ndarray,
                   footprint: np.ndarray) -> dict[str, dict]:
    """Per size class: the model with the best score (ties: the smaller footprint) and the one
    with the smallest footprint per score point (indices; None in an empty class)."""
    points = per_point(footprint, scores)
    out = {}
    for label in labels:
        members = [i for i, c in enumerate(classes) if c == label
                   and not np.isnan(scores[i]) and not np.isnan(footprint[i])]
        if not members:
            out[label] = {"models": 0, "best_score": None, "least_per_point": None}
            continue
        best = max(members, key=lambda i: (scores[i], -footprint[i]))
        efficient = [i for i in members if not np.isnan(points[i])]
        out[label] = {"models": len(members), "best_score": best,
                      "least_per_point": min(efficient, key=lambda i: points[i])
                      if efficient else None}
    return out


def cheapest_reaching(scores: np.ndarray, footprint: np.ndarray, target: float) -> np.ndarray:
    """Index of the model with the smallest footprint among those scoring at least
    ``target``, per draw (-1 where none reaches it); draws on a leading axis as front_mask."""
    s, f = np.broadcast_arrays(np.atleast_2d(scores), np.atleast_2d(footprint))
    candidate = np.where((s >= target) & ~np.isnan(f), f, np.inf)
    chosen = np.argmin(candidate, axis=1)
    return np.where(np.isfinite(candidate[np.arange(len(chosen)), chosen]), chosen, -1)


def spread(values: np.ndarray) -> dict[str, float | None] | None:
    """Median and quartiles of the non-missing values; None when there are none."""
    present = values[~np.isnan(values)]
    if not len(present):
        return None
    p25, p50, p75 = np.percentile(present, QUARTILES)
    return {"median": float(p50), "p25": float(p25), "p75": float(p75)}


def group_statistics(masks: dict[str, np.ndarray], columns: dict[str, np.ndarray]
                     ) -> dict[str, dict]:
    """Per group (a boolean mask over models): its count and the median and quartiles of each
    column (score, footprint, per point, the leaderboard's CO2...)."""
    return {name: {"models": int(mask.sum()),
                   **{k: spread(v[mask]) for k, v in columns.items()}}
            for name, mask in masks.items()}


def score_draws(scores: np.ndarray, se: np.ndarray, samples: int, seed: int) -> np.ndarray:
    """Scores drawn around their values with their standard errors (normal, independent per
    model; a missing SE draws the value itself): ``(samples, models)``."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((samples, len(scores)))
    return scores[None, :] + np.nan_to_num(se)[None, :] * noise
