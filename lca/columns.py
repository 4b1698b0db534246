"""Columnar estimates: one base profile, numeric fields varied by column, arrays in and out.

For volumes that a list of profiles handles poorly (a log of a million requests with their token
counts, a fine grid over batch size and utilisation), the base profile is read once and every
varied field becomes an input array of ``calculate``, which then runs once. Only numeric fields
that the base already carries (given or defaulted) can vary, so the path of the estimate (which
training or inference input decides it) is the base's for every row. Values are numbers in the
field's canonical unit (lca.fields); a row with a value out of range gets NaN outputs and an error
entry naming its index. Central values only: the Monte Carlo is per profile.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from lca.calculate import calculate
from lca.errors import ProfileError
from lca.factors import FactorSet
from lca.fields import DATACENTER, GRID, INFERENCE, MODEL, TOP, TRAINING, Spec
from lca.layout import response_paths
from lca.profile import FIELD_INPUTS, resolve
from lca.types import INDICATORS

MAX_ROWS = 1_000_000
DEFAULT_OUTPUTS = tuple(f"{block}.{k}" for block in ("inference.per_request", "training.impacts",
                                                      "lifecycle.total", "lifecycle.per_request")
                        for k in INDICATORS)


def field_spec(path: str) -> Spec:
    """The Spec of a numeric profile field given by its dotted path (KeyError if none)."""
    parts = path.split(".")
    if path == "hardware_lifetime":
        return TOP["hardware_lifetime"]
    if len(parts) == 3 and parts[1] in ("grid", "datacenter"):
        return (GRID if parts[1] == "grid" else DATACENTER)[parts[2]]
    return {"model": MODEL, "training": TRAINING, "inference": INFERENCE}[parts[0]][parts[1]]


def estimate_columns(base: Mapping, columns: Mapping[str, Sequence[float]],
                     outputs: Sequence[str] | None = None,
                     factors: FactorSet | None = None) -> dict:
    """Outputs of ``base`` for every row of ``columns`` (module doc).

    Returns ``{"rows": n, "outputs": {name: numpy array}, "errors": [{"index", "errors"}]}``;
    outputs are named by their path in the estimate response (``inference.per_request.gwp``),
    in canonical units. Raises
    ProfileError for an invalid base, an unknown or non-varying column, unequal lengths or an
    unknown output.
    """
    base = {k: v for k, v in base.items() if k != "uncertainty"}
    resolved = resolve({**base, "uncertainty": False}, factors)
    inputs: dict[str, object] = dict(resolved.inputs)
    errors: list[dict] = []
    lengths = {len(v) for v in columns.values() if isinstance(v, (list, tuple, np.ndarray))}
    if not columns or len(lengths) != 1 or any(
            not isinstance(v, (list, tuple, np.ndarray)) for v in columns.values()):
        raise ProfileError([{"field": "columns", "message": "expected field path -> list of "
                                                            "numbers, all of one length"}])
    rows = lengths.pop()
    if not 1 <= rows <= MAX_ROWS:
        raise ProfileError([{"field": "columns", "message": f"1 to {MAX_ROWS} rows"}])
    invalid = np.zeros(rows, dtype=bool)
    row_errors: dict[int, list[dict]] = {}
    for path, values in columns.items():
        name = FIELD_INPUTS.get(path)
        if name is None:
            errors.append({"field": f"columns.{path}", "message": "not a numeric profile field; "
                           f"one of {', '.join(sorted(FIELD_INPUTS))}"})
            continue
        if name not in inputs or _missing(inputs[name]):
            errors.append({"field": f"columns.{path}", "message": "give this field in the base "
                           "profile too, so that every row takes the same path"})
            continue
        array, bad = read_column(values, field_spec(path))
        for index in np.flatnonzero(bad).tolist():
            row_errors.setdefault(index, []).append(
                {"field": path, "message": f"expected a number in {field_spec(path).unit} "
                 f"within {field_spec(path).describe_range()}"})
        invalid |= bad
        inputs[name] = array
    selected = list(outputs) if outputs is not None else None
    if errors:
        raise ProfileError(errors)
    dense = resolved.inputs.get("active") == resolved.inputs.get("params")
    if dense and "model.parameters" in columns and "model.active_parameters" not in columns:
        inputs["active"] = inputs["params"]  # a dense base stays dense at every size
    if "params" in inputs and "active" in inputs:
        over = np.asarray(inputs["active"] > inputs["params"]) & ~invalid
        for index in np.flatnonzero(np.broadcast_to(over, (rows,))).tolist():
            row_errors.setdefault(index, []).append(
                {"field": "model.active_parameters", "message": "exceeds parameters"})
        invalid |= np.broadcast_to(over, (rows,))
    with np.errstate(all="ignore"):
        paths = response_paths()
        results = {paths.get(k, k): v for k, v in calculate(inputs).items()}
    if selected is None:
        selected = [k for k in DEFAULT_OUTPUTS if k in results]
    unknown = [k for k in selected if k not in results]
    if unknown:
        raise ProfileError([{"field": "outputs", "message": f"unknown outputs {unknown[:5]}; "
                             f"available: {', '.join(sorted(results))}"}])
    table = {}
    for key in selected:
        column = np.array(np.broadcast_to(results[key], (rows,)), dtype=float)
        column[invalid] = np.nan
        table[key] = column
    return {"rows": rows, "outputs": table,
            "errors": [{"index": i, "errors": e} for i, e in sorted(row_errors.items())],
            "path": {"training": resolved.training_path, "inference": resolved.inference_path},
            "factors_version": resolved.factors.version}


def _number(value: object) -> float:
    """A JSON value as a float, NaN for anything that is not a representable number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return math.nan
    try:
        return float(value)
    except OverflowError:
        return math.nan


def _missing(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def read_column(values: Sequence, spec: Spec, booleans: bool = True
                ) -> tuple[np.ndarray, np.ndarray]:
    """Values as floats, and which rows are not numbers within the spec's range (whole numbers
    where the spec says so); what Spec.read checks of one value, for an array. Without
    ``booleans`` the caller vouches that no value is a JSON true/false (numpy reads them as 1/0)."""
    try:
        array = np.array(values, dtype=float)
        if array.ndim != 1:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        array = np.array([_number(v) for v in values], dtype=float)
    with np.errstate(invalid="ignore"):
        below = array <= spec.low if spec.low_open else array < spec.low
        bad = ~np.isfinite(array) | below | (array > spec.high)
        if spec.integer:
            bad |= np.isfinite(array) & (array != np.round(array))
    if booleans and isinstance(values, (list, tuple)):
        bad |= np.array([isinstance(v, bool) for v in values], dtype=bool)
    return array, bad
