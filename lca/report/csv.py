"""Estimates as CSV: every figure, one per row, for spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence

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
