"""Many profiles at once: each read on its own, the arithmetic run once over numpy arrays.

Profiles are grouped by the inputs they carry (training only, inference only, both); each group's
inputs are stacked into arrays and go through the same ``calculate`` as a single estimate, so a
batch result equals the single estimates of its profiles.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter

import numpy as np

from lca.calculate import calculate
from lca.errors import ProfileError
from lca.estimate import render_with_uncertainty
from lca.factors import FactorSet
from lca.profile import Resolved, resolve
from lca.uncertainty import DEFAULT_SAMPLES, MAX_SAMPLES_PER_REQUEST

MAX_BATCH = 10_000


@dataclass
class Outcome:
    """One profile of a batch: its reading and flat outputs, or its error."""

    index: int
    resolved: Resolved | None = None
    outputs: dict[str, float] | None = None
    error: ProfileError | None = None


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch builds its objects.

    A batch creates millions of long-lived, acyclic objects (inputs, outputs, responses); the
    collector would rescan them over and over, which measured as half the time of a batch.
    Reference counting still frees everything; the collector resumes afterwards.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def calculate_many(profiles: Sequence[object], factors: FactorSet | None = None) -> list[Outcome]:
    """Resolve every profile and calculate them in vectorised groups; errors stay per profile."""
    outcomes = []
    groups: dict[tuple[str, ...], list[Outcome]] = {}
    with without_cyclic_gc():
        for index, profile in enumerate(profiles):
            try:
                resolved = resolve(profile, factors)
            except ProfileError as error:
                outcomes.append(Outcome(index, error=error))
                continue
            outcome = Outcome(index, resolved=resolved)
            outcomes.append(outcome)
            groups.setdefault(tuple(sorted(resolved.inputs)), []).append(outcome)
    for keys, members in groups.items():
        row_of = itemgetter(*keys)
        matrix = np.array([row_of(m.resolved.inputs) for m in members], dtype=float)
        stacked = dict(zip(keys, matrix.reshape(len(members), len(keys)).T, strict=True))
        with np.errstate(all="ignore"):  # a row's overflow is that row's NaN, as in numpy
            outputs = calculate(stacked)
        names = list(outputs)
        rows = np.column_stack([np.broadcast_to(outputs[k], (len(members),))
                                for k in names]).tolist()
        for member, row in zip(members, rows, strict=True):
            member.outputs = dict(zip(names, row, strict=True))
    return outcomes


def error_entry(error: ProfileError) -> dict:
    """The problem object of an invalid profile inside a batch or comparison."""
    return {"type": "urn:lca:problem:invalid-profile", "title": "Invalid profile",
            "status": 422, "detail": f"{len(error.errors)} field(s) of this profile are invalid",
            "errors": error.errors}


def estimate_batch(profiles: Sequence[object], factors: FactorSet | None = None,
                   provenance: bool = True) -> list[dict]:
    """Estimate many profiles: ``{"index", "estimate"}`` or ``{"index", "error"}`` each, in order.

    Without ``provenance`` each estimate leaves out ``factors_used`` and ``assumptions``.
    The Monte Carlo runs only for profiles that ask for it (``"uncertainty": true`` or options):
    by default a batch gives central values. Raises ValueError for more than MAX_BATCH profiles.
    """
    if len(profiles) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} profiles per batch, got {len(profiles)}")
    asked = sum(_samples_asked(p) for p in profiles)
    if asked > MAX_SAMPLES_PER_REQUEST:
        raise ProfileError([{"field": "profiles", "message": (
            f"the profiles ask for {asked:,} Monte Carlo samples in all; at most "
            f"{MAX_SAMPLES_PER_REQUEST:,} per batch")}])
    results = []
    outcomes = calculate_many(profiles, factors)
    with without_cyclic_gc():
        for outcome in outcomes:
            if outcome.error is not None:
                results.append({"index": outcome.index, "error": error_entry(outcome.error)})
            else:
                results.append({"index": outcome.index, "estimate": render_with_uncertainty(
                    outcome.resolved, outcome.outputs, by_default=False,
                    provenance=provenance)})
    return results


def _samples_asked(profile: object) -> int:
    """Monte Carlo samples a profile of a batch asks for (batches run none by default)."""
    options = profile.get("uncertainty") if isinstance(profile, Mapping) else None
    if options is True:
        return DEFAULT_SAMPLES
    if isinstance(options, Mapping):
        samples = options.get("samples", DEFAULT_SAMPLES)
        return samples if isinstance(samples, int) and not isinstance(samples, bool) else 0
    return 0
