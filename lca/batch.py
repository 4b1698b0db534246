"""Many profiles at once: each read on its own, the arithmetic run once over numpy arrays.

Profiles are grouped by the inputs they carry (training only, inference only, both); each group's
inputs are stacked into arrays and go through the same ``calculate`` as a single estimate, so a
batch result equals the single estimates of its profiles.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from lca.calculate import calculate
from lca.errors import ProfileError
from lca.estimate import render_with_uncertainty
from lca.factors import FactorSet
from lca.profile import Resolved, resolve

MAX_BATCH = 10_000


@dataclass
class Outcome:
    """One profile of a batch: its reading and flat outputs, or its error."""

    index: int
    resolved: Resolved | None = None
    outputs: Mapping[str, float] | None = None
    error: ProfileError | None = None


def calculate_many(profiles: Sequence[object], factors: FactorSet | None = None) -> list[Outcome]:
    """Resolve every profile and calculate them in vectorised groups; errors stay per profile."""
    outcomes = []
    groups: dict[tuple[str, ...], list[Outcome]] = {}
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
        stacked = {k: np.fromiter((m.resolved.inputs[k] for m in members), dtype=float,
                                  count=len(members)) for k in keys}
        columns = {k: np.broadcast_to(v, (len(members),)).tolist()
                   for k, v in calculate(stacked).items()}
        for row, member in enumerate(members):
            member.outputs = Row(columns, row)
    return outcomes


class Row(Mapping):
    """One profile's outputs: a read-only view of row ``row`` of a group's output columns."""

    __slots__ = ("columns", "row")

    def __init__(self, columns: dict[str, list[float]], row: int) -> None:
        self.columns, self.row = columns, row

    def __getitem__(self, key: str) -> float:
        return self.columns[key][self.row]

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)


def error_entry(error: ProfileError) -> dict:
    """The problem object of an invalid profile inside a batch or comparison."""
    return {"type": "urn:lca:problem:invalid-profile", "title": "Invalid profile",
            "status": 422, "detail": f"{len(error.errors)} field(s) of this profile are invalid",
            "errors": error.errors}


def estimate_batch(profiles: Sequence[object], factors: FactorSet | None = None) -> list[dict]:
    """Estimate many profiles: ``{"index", "estimate"}`` or ``{"index", "error"}`` each, in order.

    The Monte Carlo runs only for profiles that ask for it (``"uncertainty": true`` or options):
    by default a batch gives central values. Raises ValueError for more than MAX_BATCH profiles.
    """
    if len(profiles) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} profiles per batch, got {len(profiles)}")
    results = []
    for outcome in calculate_many(profiles, factors):
        if outcome.error is not None:
            results.append({"index": outcome.index, "error": error_entry(outcome.error)})
        else:
            results.append({"index": outcome.index, "estimate": render_with_uncertainty(
                outcome.resolved, outcome.outputs, by_default=False)})
    return results


def is_profile_list(value: object) -> bool:
    """Whether ``value`` is a list of objects (the shape a batch takes)."""
    return isinstance(value, list) and all(isinstance(p, Mapping) for p in value)
