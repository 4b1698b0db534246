"""Text renderings for the terminal: an estimate as a table, several side by side with deltas.

The file formats (CSV and Markdown in ``lca.report``, Hugging Face YAML in ``lca.interchange``)
are pure conversions of the core; this module only lays figures out for a reader at a terminal,
with the number formats of ``lca.report.format``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence

from lca.interchange import to_card_yaml, to_huggingface
from lca.quantities import CANONICAL_UNITS, INDICATORS
from lca.report import to_csv, to_markdown
from lca.report.equivalences import ILLUSTRATED, equivalents_of
from lca.report.format import number, percent, signed_percent

# The figures a reader looks at first: (label, block of the estimate).
HEADLINE = (("training", "training.impacts"), ("per request", "inference.per_request"),
            ("inference total", "inference.total"), ("lifecycle total", "lifecycle.total"))
BLOCK_LABELS = {"training.impacts": "training", "inference.per_request": "per request",
                "lifecycle.total": "lifecycle total"}


def estimate(result: Mapping, fmt: str, profile: object = None) -> str:
    """One estimate in ``fmt``: json, table, csv, markdown or huggingface (card front matter)."""
    if fmt == "table":
        return table(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "markdown":
        return to_markdown(result)
    if fmt == "huggingface":
        return to_card_yaml(to_huggingface(result, profile if isinstance(profile, Mapping)
                                           else None))
    return as_json(result)


def imported(result: Mapping, fmt: str) -> str:
    """An import's ``{"profile", "estimate"}``; the profile is shown where the format has room."""
    profile = result["profile"]
    if fmt == "table":
        return f"Profile:\n{as_json(profile)}\n{table(result['estimate'])}"
    if fmt == "markdown":
        return (f"{to_markdown(result['estimate'])}\n## Imported profile\n\n```json\n"
                f"{as_json(profile)}```\n")
    if fmt in ("csv", "huggingface"):
        return estimate(result["estimate"], fmt, profile)
    return as_json(result)


def as_json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def table(result: Mapping) -> str:
    """The headline figures of an estimate as an aligned text table, with its warnings."""
    versions = result.get("versions") or {}
    units = _units([result])
    rows = [["", *INDICATORS], ["", *(units[k] for k in INDICATORS)]]
    for label, block in HEADLINE:
        values = _block(result, block)
        if values:
            rows.append([label, *(number((values.get(k) or {}).get("value")) for k in INDICATORS)])
    shares = (result.get("lifecycle") or {}).get("shares")
    if shares:
        rows.append(["inference share", *(percent(shares["inference"].get(k))
                                          for k in INDICATORS)])
    lines = [f"{result.get('name') or 'estimate'}  (method {versions.get('method')}, factors "
             f"{versions.get('factors')})", "", *_aligned(rows)]
    lines += _illustrations(result)
    warnings = result.get("warnings") or []
    if warnings:
        lines += ["", "warnings:", *(f"  {w['code']}: {w['message']}" for w in warnings)]
    return "\n".join(lines) + "\n"


def labels(results: Sequence[Mapping], paths: Sequence[str]) -> list[str]:
    """A distinct label per scenario: its name, else its file name."""
    out: list[str] = []
    for result, path in zip(results, paths, strict=True):
        label = result.get("name") or path
        out.append(label if label not in out else f"{label} ({len(out) + 1})")
    return out


def comparison(result: Mapping, names: Sequence[str], fmt: str) -> str:
    """A comparison (lca.compare: estimates, and per block and indicator the values, deltas
    against the baseline and ranks) in ``fmt``, scenarios labelled by ``names``."""
    if fmt == "json":
        return as_json(result)
    base = result["baseline"]["index"]
    others = [i for i in range(len(names)) if i != base]
    rows = [(block, indicator, entry)
            for block, entries in result["comparison"].items()
            for indicator, entry in entries.items()]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["scenario", "block", "indicator", "unit", "value", "delta",
                         "relative_delta", "rank"])
        for block, indicator, entry in rows:
            for i, name in enumerate(names):
                writer.writerow([name, block, indicator, entry["unit"], *(
                    _blank(entry[k][i]) for k in ("values", "deltas", "relative_deltas",
                                                  "ranks"))])
        return out.getvalue()
    cells = [["figure", "unit", *names, *(f"{names[i]} vs {names[base]}" for i in others),
              "lowest"]]
    for block, indicator, entry in rows:
        best = entry["best"]
        cells.append([f"{BLOCK_LABELS.get(block, block)} {indicator}", entry["unit"],
                      *(number(v) for v in entry["values"]),
                      *(signed_percent(entry["relative_deltas"][i]) for i in others),
                      "n/a" if best is None else names[best]])
    sizing = right_sizing(result, names)
    if fmt == "markdown":
        lines = [f"# Comparison against {names[base]}", "",
                 "| " + " | ".join(cells[0]) + " |", "|" + "---|" * len(cells[0])]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"
                  for row in cells[1:]]
        if sizing:
            lines += ["", "## Right-sizing", "", *(f"- {line}" for line in sizing)]
        return "\n".join(lines) + "\n"
    text = "\n".join(_aligned(cells)) + "\n"
    return text + "".join(f"\n{line}" for line in sizing) + ("\n" if sizing else "")


def right_sizing(result: Mapping, names: Sequence[str]) -> list[str]:
    """Lines on footprint against capability, when the scenarios carry scores."""
    sizing = result.get("right_sizing")
    if not sizing:
        return []
    score = sizing["score"]
    label = score["name"] or "score"
    gwp = sizing["per_score_point"]["gwp"]
    lines = [f"{label} ({'higher' if score['higher_is_better'] else 'lower'} is better), "
             f"footprint per request from {sizing['footprint']}:",
             "gwp per request per point: " + ", ".join(
                 f"{names[i]} {number(v)} kgCO2e" for i, v in enumerate(gwp) if v is not None),
             "Pareto front (gwp): " + ", ".join(names[i] for i in sizing["pareto_front"]["gwp"])]
    target = sizing.get("target")
    if target:
        if target["selected"] is None:
            lines.append(f"target {label} {target['score']:g}: no scenario reaches it")
        else:
            saving = target["saving_vs_baseline"].get(target["indicator"]) or {}
            lines.append(f"target {label} {target['score']:g}: {names[target['selected']]}, "
                         f"{target['indicator']} saving vs baseline "
                         f"{percent(saving.get('relative'))}")
    return lines


def _block(result: Mapping, dotted: str) -> Mapping | None:
    node: object = result
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else None


def _units(results: Sequence[Mapping]) -> dict[str, str]:
    units = dict(CANONICAL_UNITS)
    for result in results:
        for _, block in HEADLINE:
            for k, q in (_block(result, block) or {}).items():
                if isinstance(q, Mapping) and "unit" in q:
                    units[k] = q["unit"]
    return units


def _illustrations(result: Mapping) -> list[str]:
    for label, block in HEADLINE[:2]:
        values = _block(result, block)
        if not values:
            continue
        lines = [f"  {label} {k} ~ {number(e['count'])} {e['label']} ({e['year']})"
                 for k in ILLUSTRATED for e in equivalents_of(k, values.get(k))[:1]]
        if lines:
            return ["", "illustrations only (sources: --format markdown):", *lines]
    return []


def _aligned(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]


def _blank(value: object) -> object:
    return "" if value is None else value
