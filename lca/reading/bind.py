"""Binding a plan's numbers: each number checked by its field's Spec, then the rules between
fields, written once for one profile (floats) and for a column of profiles (numpy arrays).

A scalar number may be a JSON number in the field's canonical unit, a string with a unit or a
range ``{"low", "high", "value"}`` (which gives the input a spread for the Monte Carlo). A column
holds plain numbers in the canonical unit; a row that fails a check is reported by its index.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from lca.errors import FieldError
from lca.quantities import FIELDS, Range, Spec, Spread
from lca.reading.plan import Plan

Row = dict[int, list[dict[str, str]]]


def bind(plan: Plan, numbers: Mapping[str, object]
         ) -> tuple[dict[str, float], dict[str, Spread], list[dict[str, str]]]:
    """The inputs and spreads of one profile: the plan's, with its numbers put in; and the
    errors of every number that fails its Spec or a rule."""
    # the plan's mappings are read-only views of dicts: their copy() is the dict's own, where
    # dict(view) would copy key by key, ten times slower
    inputs = plan.inputs.copy()
    spreads = plan.spreads.copy()
    values, errors = read_numbers(numbers)
    for path, (value, given_range) in values.items():
        if path in plan.bound:
            inputs[path] = value
            if given_range is not None and given_range.low < given_range.high:
                spreads[path] = Spread(path, given_range.low, given_range.mode, given_range.high)
    _tie(plan, inputs, spreads)
    if not errors:
        for field, broken, message in RULES:
            if broken(inputs):
                errors.append({"field": field, "message": message(inputs)})
    return inputs, spreads, errors


def read_numbers(numbers: Mapping[str, object]
                 ) -> tuple[dict[str, tuple[float, Range | None]], list[dict[str, str]]]:
    """Each number read by its field's Spec (value and the range given, if any), and the
    errors of those that fail: what binding checks, also used when no plan could be made."""
    values: dict[str, tuple[float, Range | None]] = {}
    errors: list[dict[str, str]] = []
    for path, raw in numbers.items():
        try:
            values[path] = FIELDS[path].spec.read_uncertain(raw, path)
        except FieldError as exc:
            errors.append({"field": exc.field, "message": exc.message})
    return values, errors


def bind_columns(plan: Plan, base: Mapping[str, object], columns: Mapping[str, Sequence],
                 rows: int) -> tuple[dict[str, object], np.ndarray, Row]:
    """The inputs of ``rows`` profiles of one plan: ``base`` inputs (the plan's, or a bound
    profile's) with the numbers of ``columns`` (field path -> values) put in as arrays; which
    rows are invalid, and their errors by row index."""
    inputs: dict[str, object] = dict(base)
    invalid = np.zeros(rows, dtype=bool)
    errors: Row = {}
    for path, values in columns.items():
        spec = FIELDS[path].spec
        array, bad = read_column(values, spec)
        for index in np.flatnonzero(bad).tolist():
            errors.setdefault(index, []).append(
                {"field": path, "message": f"expected a number in {spec.unit} within "
                                           f"{spec.describe_range()}"})
        invalid |= bad
        if path in plan.bound:
            inputs[path] = array
    _tie(plan, inputs, {})
    for field, broken, message in RULES:
        with np.errstate(invalid="ignore"):
            mask = np.broadcast_to(np.asarray(broken(inputs)), (rows,)) & ~invalid
        for index in np.flatnonzero(mask).tolist():
            row = {name: (np.broadcast_to(value, (rows,))[index] if isinstance(value, np.ndarray)
                          else value) for name, value in inputs.items() if name in _RULE_INPUTS}
            errors.setdefault(index, []).append({"field": field, "message": message(row)})
        invalid |= mask
    return inputs, invalid, errors


def _tie(plan: Plan, inputs: dict, spreads: dict) -> None:
    """Inputs tied to another take its value and spread (a dense model stays dense)."""
    for name, to in plan.ties.items():
        inputs[name] = inputs[to]
        if to in spreads:
            spreads[name] = spreads[to]  # the same uncertain count: sampled together


def _more_active_than_total(x: Mapping) -> object:
    if "model.active_parameters" not in x or "model.parameters" not in x:
        return False
    return x["model.active_parameters"] > x["model.parameters"]


def _fewest_above_most(x: Mapping) -> object:
    if "inference.min_replicas" not in x or "inference.max_replicas" not in x:
        return False
    return x["inference.min_replicas"] > x["inference.max_replicas"]  # NaN (absent): False


RULES = (
    ("model.active_parameters", _more_active_than_total,
     lambda x: f"{float(x['model.active_parameters']):g} exceeds parameters "
               f"({float(x['model.parameters']):g})"),
    ("inference.min_replicas", _fewest_above_most,
     lambda x: f"{float(x['inference.min_replicas']):g} exceeds max_replicas "
               f"({float(x['inference.max_replicas']):g})"),
)
"""The rules between fields: (field blamed, test on the inputs, message); one copy serves
single profiles and columns."""
_RULE_INPUTS = frozenset({"model.active_parameters", "model.parameters",
                          "inference.min_replicas", "inference.max_replicas"})


def _number(value: object) -> float:
    """A JSON value as a float, NaN for anything that is not a representable number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return math.nan
    try:
        return float(value)
    except OverflowError:
        return math.nan


def read_column(values: Sequence, spec: Spec) -> tuple[np.ndarray, np.ndarray]:
    """Values as floats, and which rows are not numbers within the spec's range (whole numbers
    where the spec says so): what Spec.read checks of one value, for an array."""
    try:
        array = np.array(values, dtype=float)
        if array.ndim != 1:
            raise ValueError
        # numpy reads JSON's true and false as 1 and 0: those rows are refused below
        booleans = (not isinstance(values, np.ndarray) and bool in set(map(type, values)))
    except (TypeError, ValueError, OverflowError):
        array = np.array([_number(v) for v in values], dtype=float)
        booleans = False
    with np.errstate(invalid="ignore"):
        below = array <= spec.low if spec.low_open else array < spec.low
        bad = ~np.isfinite(array) | below | (array > spec.high)
        if spec.integer:
            bad |= np.isfinite(array) & (array != np.round(array))
    if booleans:
        bad |= np.array([v.__class__ is bool for v in values])
    return array, bad
