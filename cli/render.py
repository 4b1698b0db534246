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
from pathlib import Path

import click

from lca.interchange import to_card_yaml, to_huggingface
from lca.quantities import INDICATORS
from lca.report import to_csv, to_markdown
from lca.report.equivalences import ILLUSTRATED, equivalents_of, phrase
from lca.report.format import (
    Scale,
    percent,
    quantity,
    scale_for,
    shown_in,
    signed_percent,
)
from lca.units import convert

# The figures a reader looks at first: (label, block of the estimate).
HEADLINE = (("training", "training.impacts"), ("per request", "inference.per_request"),
            ("inference total", "inference.total"), ("lifecycle total", "lifecycle.total"))
BLOCK_LABELS = {"training.impacts": "training", "inference.per_request": "per request",
                "lifecycle.total": "lifecycle total"}


def estimate(result: Mapping, fmt: str, profile: object = None,
             units: Mapping[str, str] | None = None) -> str:
    """One estimate in ``fmt``: json, table, csv, markdown or huggingface (card front matter).

    The table and Markdown show each figure in the unit that reads best, or in ``units`` (by
    indicator) where the reader asked for one."""
    if fmt == "table":
        return table(result, units)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "markdown":
        return to_markdown(result, units)
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


# The blocks of a compact batch line (lca batch without --full).
COMPACT_BLOCKS = ("inference.per_request", "training.impacts", "lifecycle.total")


def compact(result: Mapping) -> dict:
    """The headline of an estimate for a batch line: name, paths, units, the central values of
    COMPACT_BLOCKS to 4 significant digits (in ``units``), the codes of the warnings."""
    units: dict[str, str] = {}
    blocks: dict[str, dict] = {}
    for block in COMPACT_BLOCKS:
        values = _block(result, block)
        if not values:
            continue
        blocks[block] = {}
        for k in INDICATORS:
            q = values.get(k)
            if isinstance(q, Mapping) and q.get("value") is not None:
                units[k] = q["unit"]
                blocks[block][k] = float(f"{q['value']:.4g}")
    return {"name": result.get("name"),
            "paths": {phase: (result.get(phase) or {}).get("path")
                      for phase in ("training", "inference") if result.get(phase)},
            "units": units, **blocks,
            "warnings": [w["code"] for w in result.get("warnings") or []]}


def as_json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def table(result: Mapping, units: Mapping[str, str] | None = None) -> str:
    """The headline figures of an estimate as an aligned text table, with its warnings.

    Each figure in the unit of its indicator that keeps it between 1 and 999 (three significant
    digits), or in ``units`` (by indicator) where the reader asked for one; under it, when the
    Monte Carlo ran, its 5-95 % range in the same unit."""
    versions = result.get("versions") or {}
    rows = [["", *INDICATORS]]
    ranged = False
    for label, block in HEADLINE:
        values = _block(result, block)
        if values:
            rows.append([label, *(_figure(k, values.get(k), units) for k in INDICATORS)])
            spans = [_span(k, values.get(k), units) for k in INDICATORS]
            if any(spans):
                rows.append(["  5-95 %", *spans])
                ranged = True
    shares = (result.get("lifecycle") or {}).get("shares")
    if shares:
        rows.append(["inference share", *(percent(shares["inference"].get(k))
                                          for k in INDICATORS)])
    lines = [f"{result.get('name') or 'estimate'}  (method {versions.get('method')}, factors "
             f"{versions.get('factors')})", "", *_aligned(rows)]
    if ranged:
        lines += ["", "5-95 %: the Monte Carlo range of the figure above, in its unit"]
    lines += _illustrations(result, units)
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


def comparison(result: Mapping, names: Sequence[str], fmt: str,
               units: Mapping[str, str] | None = None) -> str:
    """A comparison (lca.compare: estimates, and per block and indicator the values, deltas
    against the baseline, ranks and, with the Monte Carlo, the probability of being below the
    baseline) in ``fmt``, scenarios labelled by ``names``.

    The table and Markdown give each figure with its 5-95 % range, one unit per row (the one
    that reads best for the row's largest value, or the one in ``units``)."""
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
        writer.writerow(["scenario", "block", "indicator", "unit", "value", "low", "high",
                         "delta", "relative_delta", "rank", "probability_below_baseline"])
        for block, indicator, entry in rows:
            below = entry.get("probability_below_baseline") or [None] * len(names)
            for i, name in enumerate(names):
                q = _block(result["estimates"][i], f"{block}.{indicator}") or {}
                unit = q.get("unit") or entry["unit"]  # the display unit asked for, if any
                size = convert(1.0, entry["unit"], unit)
                delta = entry["deltas"][i]
                writer.writerow([name, block, indicator, unit, _blank(q.get("value")),
                                 _blank(q.get("low")), _blank(q.get("high")),
                                 "" if delta is None else delta * size,
                                 *(_blank(entry[k][i]) for k in ("relative_deltas", "ranks")),
                                 _blank(below[i])])
        return out.getvalue()
    has_draws = any(entry.get("probability_below_baseline") for *_, entry in rows)
    cells = [["figure", "unit", *names, *(f"{names[i]}: change" for i in others),
              *(f"{names[i]}: lower in" for i in others if has_draws), "lowest"]]
    for block, indicator, entry in rows:
        figures = [_block(e, f"{block}.{indicator}") for e in result["estimates"]]
        scale = shown_in(indicator, {"unit": entry["unit"]}, units) or scale_for(
            indicator, max((abs(v) for v in entry["values"] if v is not None), default=None))
        below = entry.get("probability_below_baseline") or [None] * len(names)
        cells.append([f"{BLOCK_LABELS.get(block, block)} {indicator}", scale.label,
                      *(_in_scale(indicator, q, scale) for q in figures),
                      *(signed_percent(entry["relative_deltas"][i]) for i in others),
                      *(_draws(below[i]) for i in others if has_draws),
                      _lowest(entry, names)])
    sizing = right_sizing(result, names)
    if fmt == "markdown":
        lines = [f"# Comparison against {names[base]}", "", _legend(names[base], has_draws),
                 "", "| " + " | ".join(cells[0]) + " |", "|" + "---|" * len(cells[0])]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"
                  for row in cells[1:]]
        if sizing:
            lines += ["", "## Right-sizing", "", *(f"- {line}" for line in sizing)]
        return "\n".join(lines) + "\n"
    text = "\n".join(_aligned(cells)) + f"\n\n{_legend(names[base], has_draws)}\n"
    return text + "".join(f"\n{line}" for line in sizing) + ("\n" if sizing else "")


def _legend(baseline: str, has_draws: bool) -> str:
    """What the comparison's columns mean, naming the baseline."""
    text = f"Baseline: {baseline}. \"change\": relative to the baseline's central value."
    if has_draws:
        text += (" In brackets: the 5-95 % range. \"lower in\": the share of Monte Carlo draws "
                 "in which the scenario is lower than the baseline.")
    return text


def _in_scale(indicator: str, q: Mapping | None, scale: Scale) -> str:
    """A figure's value, with its range when it has one, as numbers in ``scale``."""
    if not q or q.get("value") is None:
        return "n/a"
    text = quantity(indicator, q["value"], q.get("unit"), scale=scale).removesuffix(
        f" {scale.label}")
    if q.get("low") is not None and q.get("high") is not None:
        low, high = (quantity(indicator, q[k], q.get("unit"), scale=scale).removesuffix(
            f" {scale.label}") for k in ("low", "high"))
        text += f" ({low} to {high})"
    return text


def _draws(probability: float | None) -> str:
    return "n/a" if probability is None else f"{percent(probability)} of draws"


def _lowest(entry: Mapping, names: Sequence[str]) -> str:
    """The scenario with the lowest value, or the tied ones."""
    if entry["best"] is None:
        return "n/a"
    first = [names[i] for i, rank in enumerate(entry["ranks"]) if rank == 1]
    return first[0] if len(first) == 1 else "tie: " + ", ".join(first)


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
                 f"{names[i]} {quantity('gwp', v)}" for i, v in enumerate(gwp) if v is not None),
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


def _figure(indicator: str, q: Mapping | None, units: Mapping[str, str] | None) -> str:
    if not q or q.get("value") is None:
        return "n/a"
    return quantity(indicator, q["value"], q.get("unit"), scale=shown_in(indicator, q, units))


def _span(indicator: str, q: Mapping | None, units: Mapping[str, str] | None) -> str:
    """A figure's 5-95 % range in the unit its value is shown in (``255 to 662``); empty
    without one."""
    if not q or q.get("value") is None or q.get("low") is None or q.get("high") is None:
        return ""
    scale = shown_in(indicator, q, units) or scale_for(indicator, q["value"])
    low, high = (quantity(indicator, q[k], q.get("unit"), scale=scale).removesuffix(
        f" {scale.label}") for k in ("low", "high"))
    return f"{low} to {high}"


def _illustrations(result: Mapping, units: Mapping[str, str] | None = None) -> list[str]:
    for (label, block), per in zip(HEADLINE[:2], (None, "request"), strict=True):
        values = _block(result, block)
        if not values:
            continue
        lines = [f"  {label} {k} {_figure(k, values.get(k), units)} ~ {phrase(e, per)} "
                 f"({e['year']})"
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


def csv_text(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A CSV table (header, then rows; None as an empty cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue()


def write_out(text: str, output: str | None) -> None:
    """``text`` to the file ``output``, or to stdout."""
    if output is None:
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
