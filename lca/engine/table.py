"""Many profiles in, one table of figures out, with profiles grouped by shape.

A list of 100,000 profiles mostly repeats a few models, sites and hardware with different token
counts and volumes. Profiles of one shape (lca.reading.shape) share one plan; shapes whose plans
carry the same inputs are stacked, their rows' numbers bound as columns (lca.reading.bind), and
the model runs once over the stack. A row whose numbers are not plain numbers in range, or whose
shape cannot be planned, is read on its own, so its errors are exactly those of a single
estimate. Central values only, in canonical units, named by their path in the response.

Rows stay in the order given throughout: each row records the number of its shape, and a
stack's rows are taken in that order, so that 100,000 profiles' numbers are read where they
lie one after the other in memory (shape by shape, they were read twice as slowly).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter

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
class _Rows:
    """The profiles read in the table's way, in the order given: ``shape_of[i]`` is the number
    of row i's shape (its place in ``plans``), -1 for a row to be read alone; ``numbers[i]``
    are its numbers. ``fields[s]`` names the numbers shape s gives, in its order."""

    shape_of: list[int] = field(default_factory=list)
    numbers: list[dict[str, object] | None] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    fields: list[tuple[str, ...]] = field(default_factory=list)


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
    with without_cyclic_gc():
        read = _read(estimator, profiles)
        shape_of = np.array(read.shape_of, dtype=np.int64)
        # a row without a plan is read as a single estimate, which says what is wrong
        alone = np.flatnonzero(shape_of < 0).tolist()
        for members, at, place in _stacks(read, shape_of):
            _calculate_stack(read, members, at, place, table, paths, alone)
        for index in sorted(set(alone)):
            _alone(estimator, index, profiles[index], table, paths, errors)
    return {"rows": rows, "outputs": table,
            "errors": [to_problem(e, index=i) for i, e in sorted(errors.items())],
            "paths": {phase: values.tolist() for phase, values in paths.items()},
            "factors_version": estimator.repository.get().version}


def _read(estimator: Estimator, profiles: Sequence[object]) -> _Rows:
    """Every profile split into its shape and numbers, each new shape planned."""
    factors = estimator.repository.get()
    read = _Rows()
    number_of: dict[Hashable, int] = {}
    for profile in profiles:
        number, numbers = -1, None
        if profile.__class__ is dict and _plain(profile):
            shape, numbers = split(profile)
            if shape.key is not None:
                number = number_of.get(shape.key)
                if number is None:
                    try:
                        read.plans.append(estimator.plan(shape, factors))
                        read.fields.append(tuple(numbers))
                        number = len(read.plans) - 1
                    except ProfileError:
                        number = -1
                    number_of[shape.key] = number
        read.shape_of.append(number)
        read.numbers.append(numbers)
    return read


def _plain(profile: dict) -> bool:
    """Whether a profile pins no factor set, asks for no options and has a valid name."""
    name = profile.get("name")
    return (name is None or (name.__class__ is str and len(name) <= MAX_NAME_LENGTH)) and not (
        "factors_version" in profile or "units" in profile or "uncertainty" in profile)


def _stacks(read: _Rows, shape_of: np.ndarray
            ) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
    """The shapes whose plans carry the same inputs and give the same numbers, stacked: for
    each stack its shapes, its rows in the order given, and each row's shape as its place
    among the stack's shapes."""
    stacks: dict[Hashable, list[int]] = {}
    for number, plan in enumerate(read.plans):
        key = (tuple(plan.inputs), plan.bound, tuple(plan.ties.items()), read.fields[number])
        stacks.setdefault(key, []).append(number)
    # one extra entry, the last, which a row read alone (shape -1) picks: stack -1
    stack_of = np.full(len(read.plans) + 1, -1)
    place = np.zeros(len(read.plans) + 1, dtype=np.int64)
    for k, members in enumerate(stacks.values()):
        stack_of[members] = k
        place[members] = np.arange(len(members))
    row_stack = stack_of[shape_of]
    order = np.argsort(row_stack, kind="stable")  # by stack, in the order given within each
    bounds = np.searchsorted(row_stack[order], np.arange(len(stacks) + 1))
    for k, members in enumerate(stacks.values()):
        at = order[bounds[k]:bounds[k + 1]]
        yield members, at, place[shape_of[at]]


def _calculate_stack(read: _Rows, members: list[int], at: np.ndarray, place: np.ndarray,
                     table: dict[str, np.ndarray], paths: dict[str, np.ndarray],
                     alone: list[int]) -> None:
    """Fill ``table`` at rows ``at``, whose shapes (``members``, row by row the one at
    ``place``) carry the same inputs: each plan's values taken over its rows, the numbers bound
    as columns, then one calculation over every row."""
    plans = [read.plans[number] for number in members]
    rows = len(at)
    # one row per plan, one column per input (same names in the same order across a stack)
    values = np.fromiter(chain.from_iterable(plan.inputs.values() for plan in plans), dtype=float,
                         count=len(plans) * len(plans[0].inputs)).reshape(len(plans), -1)
    same = (values == values[0]).all(axis=0) | np.isnan(values).all(axis=0)
    base = {key: values[0, j] if same[j] else values[place, j]
            for j, key in enumerate(plans[0].inputs)}
    numbers = [read.numbers[i] for i in at.tolist()]
    columns = {path: list(map(itemgetter(path), numbers)) for path in read.fields[members[0]]}
    inputs, invalid, _ = bind_columns(plans[0], base, columns, rows)
    alone.extend(at[invalid].tolist())  # told one by one, as a single estimate would
    with np.errstate(all="ignore"):  # a row's overflow is that row's NaN, as in numpy
        results = calculate(inputs)
    valid = at[~invalid]
    for name, column in table.items():
        if name in results:
            column[valid] = np.broadcast_to(results[name], (rows,))[~invalid]
    for phase in ("training", "inference"):
        names = np.array([getattr(plan, f"{phase}_path") for plan in plans], dtype=object)
        paths[phase][valid] = names[place[~invalid]]


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
