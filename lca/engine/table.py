"""Many profiles in, one table of figures out, with profiles grouped by shape.

A list of 100,000 profiles mostly repeats a few models, sites and hardware with different token
counts and volumes. Profiles of one shape (lca.reading.shape) share one plan; groups whose plans
carry the same inputs are stacked, their numbers bound as columns (lca.reading.bind), and the
model runs once over the stack. A row whose numbers are not plain numbers in range, or whose
shape cannot be planned, is read on its own, so its errors are exactly those of a single
estimate. Central values only, in canonical units, named by their path in the response.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

from lca.engine.batch import outcome, without_cyclic_gc
from lca.engine.columns import check_outputs
from lca.errors import ProfileError, to_problem
from lca.estimator import Estimator, estimator_for
from lca.factors import FactorSet
from lca.model.graph import calculate
from lca.quantities import MAX_NAME_LENGTH
from lca.reading.bind import bind_columns
from lca.reading.plan import Plan
from lca.reading.shape import split

MAX_PROFILES = 1_000_000


@dataclass
class _Group:
    """Profiles of one shape: their indices and numbers, and their plan."""

    plan: Plan | None = None
    indices: list[int] = field(default_factory=list)
    numbers: list[dict[str, object]] = field(default_factory=list)


def estimate_table(profiles: Sequence[object], outputs: Sequence[str] | None = None,
                   factors: FactorSet | Estimator | None = None) -> dict:
    """Figures of every profile as columns (module doc).

    Returns ``{"rows", "outputs": {path: numpy array}, "errors": [problem with index],
    "paths": {"training": [...], "inference": [...]}, "factors_version"}``; a row with an error,
    or without the phase an output belongs to, holds NaN. Raises ValueError beyond MAX_PROFILES
    and ProfileError for an unknown output name.
    """
    rows = len(profiles)
    if rows > MAX_PROFILES:
        raise ValueError(f"at most {MAX_PROFILES:,} profiles per table, got {rows:,}")
    estimator = estimator_for(factors)
    names = check_outputs(outputs)
    table = {name: np.full(rows, np.nan) for name in names}
    paths = {phase: np.full(rows, None, dtype=object) for phase in ("training", "inference")}
    errors: dict[int, ProfileError] = {}
    alone: list[int] = []
    with without_cyclic_gc():
        groups = _group(estimator, profiles, alone)
        stacks: dict[Hashable, list[_Group]] = {}
        for group in groups:
            plan = group.plan
            key = (tuple(plan.inputs), plan.bound, tuple(plan.ties.items()),
                   tuple(group.numbers[0]))
            stacks.setdefault(key, []).append(group)
        for members in stacks.values():
            _calculate_stack(members, table, paths, alone)
        for index in sorted(set(alone)):
            _alone(estimator, index, profiles[index], table, paths, errors)
    return {"rows": rows, "outputs": table,
            "errors": [to_problem(e, index=i) for i, e in sorted(errors.items())],
            "paths": {phase: values.tolist() for phase, values in paths.items()},
            "factors_version": estimator.repository.get().version}


def _group(estimator: Estimator, profiles: Sequence[object], alone: list[int]) -> list[_Group]:
    """The profiles grouped by shape, each group planned; the rest marked to be read alone."""
    factors = estimator.repository.get()
    groups: dict[Hashable, _Group] = {}
    for index, profile in enumerate(profiles):
        if profile.__class__ is not dict or not _plain(profile):
            alone.append(index)  # read as a single estimate, which says what is wrong
            continue
        shape, numbers = split(profile)
        if shape.key is None:
            alone.append(index)
            continue
        group = groups.get(shape.key)
        if group is None:
            try:
                plan = estimator.plan(shape, factors)
            except ProfileError:
                plan = None
            groups[shape.key] = group = _Group(plan)
        if group.plan is None:
            alone.append(index)
            continue
        group.indices.append(index)
        group.numbers.append(numbers)
    return [g for g in groups.values() if g.plan is not None and g.indices]


def _plain(profile: dict) -> bool:
    """Whether a profile pins no factor set, asks for no options and has a valid name."""
    name = profile.get("name")
    return (name is None or (name.__class__ is str and len(name) <= MAX_NAME_LENGTH)) and not (
        "factors_version" in profile or "units" in profile or "uncertainty" in profile)


def _calculate_stack(groups: list[_Group], table: dict[str, np.ndarray],
                     paths: dict[str, np.ndarray], alone: list[int]) -> None:
    """Fill ``table`` for groups whose plans carry the same inputs: each plan's values repeated
    over its rows, the numbers bound as columns, then one calculation over every row."""
    sizes = np.array([len(g.indices) for g in groups])
    rows = int(sizes.sum())
    indices = np.fromiter(chain.from_iterable(g.indices for g in groups), np.int64, rows)
    first = groups[0].plan
    # one row per plan, one column per input (same names in the same order across a stack)
    values = np.array([tuple(g.plan.inputs.values()) for g in groups], dtype=float)
    same = (values == values[0]).all(axis=0) | np.isnan(values).all(axis=0)
    base = {key: values[0, j] if same[j] else np.repeat(values[:, j], sizes)
            for j, key in enumerate(first.inputs)}
    # the numbers, profile by profile in the shape's order, turned into one tuple per field
    numbers = zip(*(n.values() for g in groups for n in g.numbers), strict=True)
    columns = dict(zip(groups[0].numbers[0], numbers, strict=True))
    inputs, invalid, _ = bind_columns(first, base, columns, rows)
    alone.extend(indices[invalid].tolist())  # told one by one, as a single estimate would
    with np.errstate(all="ignore"):  # a row's overflow is that row's NaN, as in numpy
        results = calculate(inputs)
    valid = indices[~invalid]
    for name, column in table.items():
        if name in results:
            column[valid] = np.broadcast_to(results[name], (rows,))[~invalid]
    for phase in ("training", "inference"):
        names = np.array([getattr(g.plan, f"{phase}_path") for g in groups], dtype=object)
        paths[phase][indices] = np.repeat(names, sizes)
        paths[phase][indices[invalid]] = None


def _alone(estimator: Estimator, index: int, profile: object, table: dict[str, np.ndarray],
           paths: dict[str, np.ndarray], errors: dict[int, ProfileError]) -> None:
    """One row read and calculated as a single estimate, or its error."""
    done = outcome(estimator, index, profile)
    if done.error is not None:
        errors[index] = done.error
        return
    paths["training"][index] = done.reading.training_path
    paths["inference"][index] = done.reading.inference_path
    for name, column in table.items():
        if name in done.outputs:
            column[index] = done.outputs[name]
