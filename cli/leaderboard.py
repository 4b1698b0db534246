"""``lca leaderboard``: a leaderboard table (CSV, JSON, Parquet) in; per model the leaderboard's
CO2 reproduced, this project's estimate of the same evaluation and of serving, and the analysis
of capability against footprint out, as CSV or JSON, with an optional scatter plot
(docs/leaderboards.md)."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import click

from cli import estimator, failure, load_profile, main
from cli.render import csv_text, write_out
from lca.errors import ProfileError
from lca.leaderboard import DEFAULT_SAMPLES, FOOTPRINTS, leaderboard
from lca.quantities import CANONICAL_UNITS, INDICATORS

TABLE_FORMATS = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
                 ".parquet": "parquet"}


def read_rows(path: str) -> list[object]:
    """The rows of a leaderboard file: CSV under its header, a JSON list of objects (or an
    object of column -> list of values), JSON lines, or Parquet (pyarrow)."""
    kind = TABLE_FORMATS.get(Path(path).suffix.lower(), "csv")
    if kind == "parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise click.UsageError("Parquet needs pyarrow: pip install 'lca[parquet]'") from None
        return pq.read_table(path).to_pylist()
    text = Path(path).read_text(encoding="utf-8-sig")
    if kind == "csv":
        return list(csv.DictReader(io.StringIO(text, newline="")))
    try:
        if kind == "jsonl":
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise click.ClickException(f"{path}: not valid JSON ({exc})") from None
    if isinstance(data, dict) and all(isinstance(v, list) for v in data.values()):
        length = len(next(iter(data.values()), []))
        return [{k: v[i] if i < len(v) else None for k, v in data.items()}
                for i in range(length)]
    if not isinstance(data, list):
        raise click.ClickException(f"{path}: expected a list of rows (objects)")
    return data


def model_table(result: dict) -> tuple[list[str], list[list[object]]]:
    """One row per model: identity, the leaderboard's CO2 and time, the evaluation estimate
    and per-request footprint (value, low, high per indicator), the analysis columns."""
    scores = list(result["models"][0]["scores"]) if result["models"] else []
    header = ["row", "name", "parameters", "active_parameters", "precision", "moe", "type",
              "official", "size_class", *scores, "leaderboard_co2_kg", "evaluation_seconds",
              "evaluation_time", "co2_reproduced_kg"]
    for phase in ("evaluation", "per_request"):
        for i in INDICATORS:
            header += [f"{phase}_{i}{part} [{CANONICAL_UNITS[i]}]"
                       for part in ("", "_low", "_high")]
    header += ["evaluation_gwp_ratio", "evaluation_gwp_ratio_low", "evaluation_gwp_ratio_high",
               "per_score_point", "on_front", "front_probability", "notes"]
    rows = []
    for m in result["models"]:
        board = m["leaderboard"]
        row = [m["row"], m["name"], m["parameters"], m["active_parameters"], m["precision"],
               m["moe"], m["type"], m["official"], m["size_class"],
               *[m["scores"].get(s) for s in scores], board["co2_kg"],
               board["evaluation_seconds"], board["evaluation_time"],
               board["co2_reproduced_kg"]]
        for phase in ("evaluation", "per_request"):
            for i in INDICATORS:
                figure = (m[phase] or {}).get(i) or {}
                row += [figure.get("value"), figure.get("low"), figure.get("high")]
        ratio = m["evaluation_gwp_ratio"] or {}
        row += [ratio.get("value"), ratio.get("low"), ratio.get("high"), m["per_score_point"],
                m["on_front"], m["front_probability"], "; ".join(m["notes"])]
        rows.append(row)
    return header, rows


def plot(result: dict, path: str) -> None:
    """The scatter of the chosen score against the chosen footprint (log scale), the Pareto
    front drawn as a line, written as SVG or PNG by matplotlib (pip install 'lca[plot]')."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display: write the file only
        import matplotlib.pyplot as plt
    except ImportError:
        raise click.UsageError("--plot needs matplotlib: pip install 'lca[plot]'") from None
    a = result["analysis"]
    score = a["score"]
    key = "per_request" if a["footprint"] == "per_request" else "evaluation"
    points = [(m[key][a["indicator"]]["value"], m["scores"][score], m["on_front"])
              for m in result["models"]
              if m[key] and m[key].get(a["indicator"]) and m["scores"].get(score) is not None]
    figure, axes = plt.subplots(figsize=(8, 5.5))
    axes.scatter([p[0] for p in points if not p[2]], [p[1] for p in points if not p[2]],
                 s=12, alpha=0.5, color="#7a8b99", label="models")
    front = sorted((p for p in points if p[2]), key=lambda p: p[0])
    axes.plot([p[0] for p in front], [p[1] for p in front], "o-", color="#c2410c", ms=5,
              label="Pareto front")
    if points and min(p[0] for p in points) > 0:
        axes.set_xscale("log")
    footprint = "per request" if key == "per_request" else "of the evaluation"
    axes.set_xlabel(f"{a['indicator']} {footprint} ({CANONICAL_UNITS[a['indicator']]})")
    axes.set_ylabel(score)
    axes.set_title(f"{score} against {a['indicator']} {footprint}: {len(points)} models")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def _json_option(value: str | None, name: str) -> object:
    """An option given as inline JSON or as a JSON/YAML file."""
    if value is None:
        return None
    if Path(value).is_file():
        return load_profile(value)
    try:
        return json.loads(value)
    except ValueError:
        raise click.BadParameter("expected JSON or a JSON/YAML file", param_hint=name) from None


@main.command(name="leaderboard")
@click.argument("table", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(("csv", "json")), default="csv",
              show_default=True, help="Output: one row per model (csv), or the whole result.")
@click.option("--output", type=click.Path(dir_okay=False), help="Write here, not to stdout.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False),
              help="Also draw the scatter and its front here (.svg or .png).")
@click.option("--score", help="The score column the analysis ranks (default: Average ⬆️, else "
                              "the first score).")
@click.option("--indicator", type=click.Choice(INDICATORS), default="gwp", show_default=True)
@click.option("--footprint", type=click.Choice(FOOTPRINTS), default="per_request",
              show_default=True, help="What the analysis ranks: serving per request, or the "
                                      "leaderboard's evaluation.")
@click.option("--target", type=float, help="Name the cheapest model reaching this score.")
@click.option("--deployment", help="The serving deployment: the inference section of a "
                                   "profile, as JSON or a JSON/YAML file.")
@click.option("--columns", help="Column roles, as JSON or a file: {\"name\": ..., \"parameters\": "
                                "..., \"scores\": [...]} (docs/leaderboards.md).")
@click.option("--samples", type=click.IntRange(0, 2000), default=DEFAULT_SAMPLES,
              show_default=True, help="Shared draws for low/high and probabilities (0: none).")
@click.option("--seed", type=int, default=0, show_default=True)
def leaderboard_command(table: str, fmt: str, output: str | None, plot_path: str | None,
                        score: str | None, indicator: str, footprint: str,
                        target: float | None, deployment: str | None, columns: str | None,
                        samples: int, seed: int) -> None:
    """Footprint against capability for every model of a leaderboard TABLE (CSV, JSON or
    Parquet; the Open LLM Leaderboard's columns by default).

    Per model: the leaderboard's own CO2 reproduced (or its evaluation time recovered from
    it), this project's multi-criteria estimate of the same evaluation and its ratio to the
    leaderboard's, the per-request footprint of serving it; then the Pareto front, the best
    model per size class and the cheapest reaching --target (JSON). Rows that cannot be read
    are counted on stderr with their row number and reason.

    \b
    Examples:
      lca leaderboard examples/open-llm-leaderboard.csv --target 25 --plot board.svg
      lca leaderboard contents.parquet --format json --footprint evaluation > board.json
    """
    options: dict = {"indicator": indicator, "footprint": footprint, "samples": samples,
                     "seed": seed}
    for key, value in (("score", score), ("target", target)):
        if value is not None:
            options[key] = value
    for key, value in (("deployment", deployment), ("columns", columns)):
        parsed = _json_option(value, f"--{key}")
        if parsed is not None:
            options[key] = parsed
    rows = read_rows(table)
    try:
        result = leaderboard(rows, options, estimator())
    except ProfileError as exc:
        raise failure(table, exc) from None
    text = (json.dumps(result, ensure_ascii=False, default=_finite) + "\n" if fmt == "json"
            else csv_text(*model_table(result)))
    write_out(text, output)
    if plot_path:
        plot(result, plot_path)
    s = result["summary"]
    click.echo(f"{s['rows']:,} rows read = {s['models']:,} models + {s['rejected']:,} rejected; "
               f"front: {len(result['analysis']['pareto_front'])} models", err=True)
    for reject in result["rejects"][:20]:
        click.echo(f"  row {reject['row']}: {reject['reason']}", err=True)
    if len(result["rejects"]) > 20:
        click.echo(f"  ... {len(result['rejects']) - 20} more (--format json lists all)",
                   err=True)


def _finite(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
