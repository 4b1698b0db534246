"""Estimates as CSV, for spreadsheets.

Two layouts, each naming every figure's unit: ``to_csv`` writes one figure per row, its unit in
the ``unit`` column (value, low and high are in it); a table of many estimates (``lca batch
--table``, one estimate per row, one figure per column) names each column's unit in its header,
``column_header`` (``inference.per_request.gwp [kgCO2e]``), so that the file reads back without a
units row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from functools import cache

from lca.quantities import CANONICAL_UNITS, FIGURES, INDICATORS

CSV_COLUMNS = ("name", "key", "value", "unit", "low", "high")


def quantities(result: Mapping) -> Iterator[dict]:
    """Every figure of an estimate as ``{key, value, unit, low, high}``, in document order.

    ``key`` is the dotted path (``training.impacts.gwp``); shares and request counts, plain
    numbers in the estimate, have unit ``1``. Records (factors, assumptions, warnings) are left out.
    """
    def walk(node: object, path: str) -> Iterator[dict]:
        if isinstance(node, Mapping) and "value" in node and "unit" in node:
            yield {"key": path, "value": node["value"], "unit": node["unit"],
                   "low": node.get("low"), "high": node.get("high")}
        elif isinstance(node, Mapping):
            for key, child in node.items():
                yield from walk(child, f"{path}.{key}")
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            yield {"key": path, "value": node, "unit": "1", "low": None, "high": None}
        elif node is None and path.startswith("lifecycle."):
            yield {"key": path, "value": None, "unit": "1", "low": None, "high": None}

    for phase in ("training", "inference", "lifecycle"):
        if isinstance(result.get(phase), Mapping):
            yield from walk(result[phase], phase)


@cache
def _figure_units() -> dict[str, str]:
    return {f.path: CANONICAL_UNITS[f.unit] if f.unit in INDICATORS else f.unit or "1"
            for f in FIGURES}


def figure_unit(path: str) -> str:
    """The canonical unit of the figure at ``path`` (``inference.per_request.gwp`` ->
    ``kgCO2e``); ``1`` for a bare number (counts, shares, the lifecycle's requests)."""
    return _figure_units().get(path, "1")


def column_header(path: str, unit: str) -> str:
    """The header of a column of figures: its path and unit (``inference.per_request.gwp
    [kgCO2e]``); a bare number's column has no unit (``lifecycle.requests``)."""
    return path if unit == "1" else f"{path} [{unit}]"


def to_csv(results: Mapping | Sequence[Mapping]) -> str:
    """One estimate, or several side by side, as CSV: one row per figure (``CSV_COLUMNS``),
    each row named by its estimate's ``name``; missing values are empty cells."""
    if isinstance(results, Mapping):
        results = [results]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for result in results:
        for row in quantities(result):
            writer.writerow({"name": result.get("name") or "", **{
                k: "" if v is None else v for k, v in row.items()}})
    return out.getvalue()
