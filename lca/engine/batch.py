"""Many profiles at once, each estimated as a single estimate is, with per-profile errors.

Every profile is read and calculated as a single estimate is (lca.estimator), so a batch result
is exactly the single estimates of its profiles; the batch adds the limits, the error entries
(lca.errors.to_problem) and a paused garbage collector. For volume, lca.engine.table returns
figures as columns.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from lca.errors import ProfileError, to_problem
from lca.estimator import Estimator, estimator_for, figures
from lca.factors import FactorSet
from lca.method import DEFAULT_SAMPLES, MAX_SAMPLES_PER_REQUEST
from lca.reading import Reading

MAX_BATCH = 10_000


@dataclass
class Outcome:
    """One profile of a batch: its reading and flat outputs, or its error."""

    index: int
    reading: Reading | None = None
    outputs: dict[str, float] | None = None
    error: ProfileError | None = None


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch builds its objects.

    A batch creates millions of long-lived, acyclic objects (inputs, outputs, responses); the
    collector would rescan them over and over, which measured as half the time of a batch.
    Reference counting still frees everything. On leaving, the objects made meanwhile are moved
    to the oldest generation (gc.freeze then gc.unfreeze, two list splices) rather than left in
    the youngest, whose next collection would traverse them all at once (0.2 s after 10,000
    full responses) although they die by reference counting. Skipped if something else keeps
    objects frozen, so as not to thaw them.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def outcome(estimator: Estimator, index: int, profile: object) -> Outcome:
    """Read and calculate one profile as a single estimate does, keeping its error."""
    try:
        reading = estimator.read(profile)
        return Outcome(index, reading=reading, outputs=figures(reading))
    except ProfileError as error:
        return Outcome(index, error=error)


def calculate_many(estimator: Estimator, profiles: Sequence[object]) -> list[Outcome]:
    """Read and calculate every profile; errors stay per profile."""
    with without_cyclic_gc():
        return [outcome(estimator, index, profile) for index, profile in enumerate(profiles)]


def estimate_batch(profiles: Sequence[object], factors: FactorSet | Estimator | None = None,
                   provenance: bool = True) -> list[dict]:
    """Estimate many profiles: ``{"index", "estimate"}`` or ``{"index", "error"}`` each, in order.

    Without ``provenance`` each estimate leaves out ``factors_used`` and ``assumptions``.
    The Monte Carlo runs only for profiles that ask for it (``"uncertainty": true`` or options):
    by default a batch gives central values. Raises ValueError for more than MAX_BATCH profiles.
    ``iter_batch`` makes the same entries one at a time, for a caller that streams them.
    """
    entries = iter_batch(profiles, factors, provenance)
    with without_cyclic_gc():
        return list(entries)


def iter_batch(profiles: Sequence[object], factors: FactorSet | Estimator | None = None,
               provenance: bool = True) -> Iterator[dict]:
    """The entries of estimate_batch, each made when it is asked for; the limits are checked
    before the first."""
    if len(profiles) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} profiles per batch, got {len(profiles)}")
    asked = sum(_samples_asked(p) for p in profiles)
    if asked > MAX_SAMPLES_PER_REQUEST:
        raise ProfileError([{"field": "profiles", "message": (
            f"the profiles ask for {asked:,} Monte Carlo samples in all; at most "
            f"{MAX_SAMPLES_PER_REQUEST:,} per batch")}])
    return _results(estimator_for(factors), profiles, provenance)


def _results(estimator: Estimator, profiles: Sequence[object], provenance: bool
             ) -> Iterator[dict]:
    for index, profile in enumerate(profiles):
        done = outcome(estimator, index, profile)
        if done.error is not None:
            yield {"index": index, "error": to_problem(done.error)}
        else:
            yield {"index": index, "estimate": estimator.report(
                done.reading, done.outputs, by_default=False, provenance=provenance)}


def _samples_asked(profile: object) -> int:
    """Monte Carlo samples a profile of a batch asks for (batches run none by default)."""
    options = profile.get("uncertainty") if isinstance(profile, Mapping) else None
    if options is True:
        return DEFAULT_SAMPLES
    if isinstance(options, Mapping):
        samples = options.get("samples", DEFAULT_SAMPLES)
        return samples if isinstance(samples, int) and not isinstance(samples, bool) else 0
    return 0
