"""Columnar estimates: one base profile, numeric fields varied by column, arrays in and out.

For volumes that a list of profiles handles poorly (a log of a million requests with their token
counts, a fine grid over batch size and utilisation), the base profile's shape, with the varied
fields given, is planned once (lca.reading.plan); the columns are bound as arrays
(lca.reading.bind.bind_columns) and the model runs once over every row. Values are numbers in the
field's canonical unit (lca.quantities); a row with a value out of range gets NaN figures and an
error entry naming its index. Central values only: the Monte Carlo is per profile.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

import numpy as np

from lca.errors import ProfileError, to_problem
from lca.estimator import Estimator, estimator_for
from lca.factors import FactorSet
from lca.model.graph import calculate
from lca.quantities import DEFAULT_OUTPUTS, column_fields, output_names
from lca.reading.bind import bind, bind_columns
from lca.reading.options import read_options
from lca.reading.shape import split, with_fields

MAX_ROWS = 1_000_000


def check_outputs(outputs: Sequence[str] | None) -> list[str]:
    """The output names asked for (DEFAULT_OUTPUTS when None); ProfileError for unknown ones."""
    names = list(outputs) if outputs is not None else list(DEFAULT_OUTPUTS)
    known = output_names()
    unknown = [n for n in names if n not in known]
    if unknown:
        shown = ", ".join(repr(n) for n in unknown[:5]) + (", ..." if len(unknown) > 5 else "")
        close = [m for n in unknown[:5]
                 for m in difflib.get_close_matches(str(n)[:100], known, n=1, cutoff=0.8)]
        meant = f" (did you mean {', '.join(close)}?)" if close else ""
        error = {"field": "outputs", "message": f"unknown outputs {shown}{meant}; "
                 f"available: {', '.join(sorted(known))}"}
        raise ProfileError([{**error, "suggestions": close} if close else error])
    return names


def _rows(columns: Mapping[str, Sequence]) -> int:
    lengths = {len(v) for v in columns.values() if isinstance(v, (list, tuple, np.ndarray))}
    if not columns or len(lengths) != 1 or any(
            not isinstance(v, (list, tuple, np.ndarray)) for v in columns.values()):
        found = ""
        if len(lengths) > 1:  # say which column is how long
            found = "; got " + ", ".join(
                f"{path}: {len(v)}" for path, v in list(columns.items())[:10]
                if isinstance(v, (list, tuple, np.ndarray)))
        raise ProfileError([{"field": "columns", "message": "expected field path -> list of "
                                                            f"numbers, all of one length{found}"}])
    rows = lengths.pop()
    if not 1 <= rows <= MAX_ROWS:
        raise ProfileError([{"field": "columns", "message": f"1 to {MAX_ROWS} rows"}])
    allowed = column_fields()
    unknown = [{"field": f"columns.{path}", "message": "not a numeric profile field a column "
                f"may vary; one of {', '.join(sorted(allowed))}"}
               for path in columns if path not in allowed]
    if unknown:
        raise ProfileError(unknown)
    return rows


def estimate_columns(base: Mapping, columns: Mapping[str, Sequence[float]],
                     outputs: Sequence[str] | None = None,
                     factors: FactorSet | Estimator | None = None) -> dict:
    """Figures of ``base`` for every row of ``columns`` (module doc).

    Returns ``{"rows", "outputs": {name: numpy array}, "errors": [problem with index],
    "path": {"training", "inference"}, "factors_version"}``; outputs are named by their path in
    the estimate response, in canonical units. Raises ProfileError for an invalid base, an
    unknown column, unequal lengths or an unknown output.
    """
    estimator = estimator_for(factors)
    if not isinstance(base, Mapping):
        raise ProfileError([{"field": "base", "message": "a profile must be a JSON object"}])
    names = check_outputs(outputs)
    rows = _rows(columns)
    factor_set = estimator.factor_set(base.get("factors_version"))
    errors: list[dict] = []
    read_options(base, errors)  # checked as in a profile, though columns run no Monte Carlo
    shape, numbers = split(base)
    plan = estimator.plan(with_fields(shape, list(columns)), factor_set)
    inputs, _, bind_errors = bind(plan, {k: v for k, v in numbers.items() if k not in columns})
    if errors or bind_errors:
        raise ProfileError(bind_errors + errors)
    inputs, invalid, row_errors = bind_columns(plan, inputs, columns, rows)
    with np.errstate(all="ignore"):  # a row's overflow is that row's NaN, as in numpy
        results = calculate(inputs)
    table = {}
    for name in names:
        column = np.full(rows, np.nan)
        if name in results:
            column[:] = np.broadcast_to(results[name], (rows,))
            column[invalid] = np.nan
        table[name] = column
    return {"rows": rows, "outputs": table,
            "errors": [to_problem(ProfileError(e), index=i) for i, e in sorted(row_errors.items())],
            "path": {"training": plan.training_path, "inference": plan.inference_path},
            "factors_version": factor_set.version}
