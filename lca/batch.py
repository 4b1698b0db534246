"""Many profiles at once, each estimated as a single estimate is, with per-profile errors.

Every profile is read and calculated by the same compiled code as a single estimate (lca.kernel),
so a batch result is exactly the single estimates of its profiles; the batch adds the limits, the
error entries and a paused garbage collector. Stacking profiles into numpy arrays was slower than
the compiled scalar code for full responses; for volume, lca.table returns figures as columns.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from lca.errors import ProfileError, out_of_range
from lca.estimate import render_with_uncertainty
from lca.factors import FactorSet
from lca.kernel import calculate_floats
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


def outcome(index: int, profile: object, factors: FactorSet | None = None) -> Outcome:
    """Resolve and calculate one profile as a single estimate does, keeping its error."""
    try:
        resolved = resolve(profile, factors)
        try:
            outputs = calculate_floats(resolved.inputs)
        except ArithmeticError:
            raise out_of_range() from None
    except ProfileError as error:
        return Outcome(index, error=error)
    return Outcome(index, resolved=resolved, outputs=outputs)


def calculate_many(profiles: Sequence[object], factors: FactorSet | None = None) -> list[Outcome]:
    """Resolve and calculate every profile; errors stay per profile."""
    with without_cyclic_gc():
        return [outcome(index, profile, factors) for index, profile in enumerate(profiles)]


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
    with without_cyclic_gc():
        for index, profile in enumerate(profiles):  # one pass: each response built while hot
            done = outcome(index, profile, factors)
            if done.error is not None:
                results.append({"index": index, "error": error_entry(done.error)})
            else:
                results.append({"index": index, "estimate": render_with_uncertainty(
                    done.resolved, done.outputs, by_default=False, provenance=provenance)})
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
