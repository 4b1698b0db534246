"""The ``lca`` command: estimates, comparisons, batches, factor tables, imports and the server.

A shell around the lca core, as the web layer is: read files, call ``lca``, print. A bad file or
an invalid profile ends in one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from cli import render
from lca import interchange
from lca.compare import MAX_SCENARIOS
from lca.compare import compare as compare_scenarios
from lca.engine.batch import estimate_batch
from lca.engine.table import estimate_table
from lca.errors import LcaError, ProfileError, to_problem
from lca.estimator import Estimator
from lca.estimator import estimate as estimate_profile
from lca.factors import TABLES, FactorRepository, FactorSet, default_root

FORMATS = ("json", "table", "csv", "markdown")
FILE = click.Path(exists=True, dir_okay=False, allow_dash=True)
BATCH_CHUNK = 200  # profiles estimated together between two updates of the progress bar


def format_option(*choices: str, default: str = "json") -> click.Option:
    return click.option("--format", "fmt", type=click.Choice(choices), default=default,
                        show_default=True, help="Output format.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lca")
def main() -> None:
    """Footprint of large language models: training, inference and lifecycle.

    Energy (kWh), greenhouse gases (kgCO2e), water (L), abiotic depletion (kg Sb eq) and primary
    energy (MJ), with every factor's source and year.
    """


def estimator() -> Estimator:
    """The command line's Estimator: the factor sets under $LCA_FACTORS_DIR, else the packaged
    ones (built once per folder)."""
    try:
        return _estimator(default_root())
    except LcaError as exc:
        raise click.ClickException(str(exc)) from None


@functools.cache
def _estimator(root: Path) -> Estimator:
    return Estimator(FactorRepository(root))


@main.command()
@click.argument("profile", type=FILE)
@format_option(*FORMATS, "huggingface")
def estimate(profile: str, fmt: str) -> None:
    """Estimate one PROFILE (.json, or .yaml/.yml; - reads JSON from stdin).

    --format huggingface prints the co2_eq_emissions block of a model card for the training.
    """
    data = load_profile(profile)
    result = run(data, profile)
    try:
        click.echo(render.estimate(result, fmt, data), nl=False)
    except ProfileError as exc:
        raise failure(profile, exc) from None


@main.command()
@click.argument("profiles", nargs=-1, required=True, type=FILE)
@format_option(*FORMATS, default="table")
@click.option("--target-score", type=float, default=None,
              help="with scored profiles: the cheapest one reaching this score")
def compare(profiles: tuple[str, ...], fmt: str, target_score: float | None) -> None:
    """Estimate PROFILES and show them side by side, with deltas against the first.

    The comparison is the one of POST /v1/comparisons (lca.compare), baseline the first file.
    A profile may carry a capability "score" ({"value": 71.3, "name": "MMLU-Pro"}): then the
    impact per score point, the Pareto front and the --target-score choice are shown too.
    """
    if not 2 <= len(profiles) <= MAX_SCENARIOS:
        raise click.UsageError(f"give 2 to {MAX_SCENARIOS} profiles to compare")
    scenarios = [load_profile(p) for p in profiles]
    try:
        result = compare_scenarios(scenarios, 0, factors=estimator(), target_score=target_score)
    except ProfileError as exc:
        raise click.ClickException(scenario_errors(exc, profiles)) from None
    except LcaError as exc:
        raise click.ClickException(str(exc)) from None
    names = render.labels(result["estimates"], [Path(p).name for p in profiles])
    click.echo(render.comparison(result, names, fmt), nl=False)


def scenario_errors(error: ProfileError, paths: Sequence[str]) -> str:
    """A comparison's errors (fields ``scenarios[i].…``) as one line naming each file."""
    by_file: dict[str, list[str]] = {}
    for e in error.errors:
        match = re.match(r"scenarios\[(\d+)\]\.?(.*)", e["field"])
        where, field = (paths[int(match[1])], match[2]) if match else ("", e["field"])
        by_file.setdefault(where, []).append(f"{field}: {e['message']}" if field
                                             else e["message"])
    return "; ".join(f"{where}: invalid profile: {', '.join(messages)}" if where
                     else ", ".join(messages) for where, messages in by_file.items())


@main.command()
@click.argument("profiles", type=FILE)
@click.option("--table", "as_table", is_flag=True,
              help="print one CSV row of central figures (canonical units) per line instead "
                   "of full JSON results: for large files, many times faster (lca.table)")
@click.option("--output", "outputs", multiple=True, metavar="PATH",
              help="with --table: a figure to print, by its path in an estimate "
                   "(inference.per_request.gwp); repeat for more")
@click.pass_context
def batch(ctx: click.Context, profiles: str, as_table: bool, outputs: tuple[str, ...]) -> None:
    """Estimate every line of PROFILES (JSON Lines): one JSON result line per profile.

    A result is {"line": n, "estimate": {...}}; an invalid line gives {"line": n, "error":
    {..., "errors": [...]}} (the error entry of POST /v1/estimates/batch) and the run goes on;
    the exit status is 1 if any line was invalid. A progress bar goes to stderr. With --table,
    a CSV with the line number, the training and inference paths, the figures and the errors.
    """
    lines = [(n, line) for n, line in enumerate(read_text(profiles).splitlines(), 1)
             if line.strip()]
    if not lines:
        raise click.ClickException(f"{profiles}: no profile lines (expected one JSON profile "
                                   "per line)")
    if outputs and not as_table:
        raise click.UsageError("--output goes with --table")
    failed = batch_table(lines, outputs) if as_table else batch_lines(lines)
    if failed:
        click.echo(f"{failed} of {len(lines)} profiles invalid", err=True)
        ctx.exit(1)


def batch_lines(lines: Sequence[tuple[int, str]]) -> int:
    """Print a JSON result per numbered line; the count of invalid ones."""
    failed = 0
    with click.progressbar(length=len(lines), label="estimating",
                           file=sys.stderr) as bar:
        for start in range(0, len(lines), BATCH_CHUNK):
            chunk = lines[start:start + BATCH_CHUNK]
            for result in batch_results(chunk):
                failed += "error" in result
                click.echo(json.dumps(result, ensure_ascii=False))
            bar.update(len(chunk))
    return failed


def batch_table(lines: Sequence[tuple[int, str]], outputs: Sequence[str]) -> int:
    """Print the CSV table of numbered JSON lines (lca.table); the count of invalid ones."""
    parsed, unparsed = [], {}
    for position, (number, line) in enumerate(lines):
        try:
            parsed.append(json.loads(line))
        except (ValueError, RecursionError):
            parsed.append(None)
            unparsed[position] = f"line {number}: not valid JSON"
    try:
        result = estimate_table(parsed, outputs or None, factors=estimator())
    except ProfileError as exc:
        raise click.UsageError("; ".join(e["message"] for e in exc.errors)) from None
    errors = {e["index"]: "; ".join(f"{x['field']}: {x['message']}" if x["field"]
                                    else x["message"] for x in e["errors"])
              for e in result["errors"]}
    errors.update(unparsed)
    names = list(result["outputs"])
    columns = [result["outputs"][name].tolist() for name in names]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["line", "training_path", "inference_path", *names, "error"])
    for position, (number, _) in enumerate(lines):
        writer.writerow([number, result["paths"]["training"][position] or "",
                         result["paths"]["inference"][position] or "",
                         *("" if column[position] != column[position] else repr(column[position])
                           for column in columns), errors.get(position, "")])
    click.echo(out.getvalue(), nl=False)
    return len(errors)


def batch_results(lines: Sequence[tuple[int, str]]) -> list[dict]:
    """The result lines for numbered JSON lines, estimated together (lca.batch)."""
    parsed: dict[int, object] = {}
    results: dict[int, dict] = {}
    for number, line in lines:
        try:
            parsed[number] = json.loads(line)
        except (ValueError, RecursionError) as exc:
            where = f" (column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            results[number] = {"line": number, "error": to_problem(ProfileError(
                [{"field": "", "message": f"not valid JSON{where}"}]))}
    numbers = list(parsed)
    for outcome in estimate_batch([parsed[n] for n in numbers], estimator()):
        number = numbers[outcome["index"]]
        results[number] = {"line": number, **{k: v for k, v in outcome.items() if k != "index"}}
    return [results[number] for number, _ in lines]


@main.command()
@click.argument("table", required=False, type=click.Choice(TABLES))
@click.option("--version", "version", help="Factor-set version (default: newest).")
@format_option("table", "json", "csv", default="table")
def factors(table: str | None, version: str | None, fmt: str) -> None:
    """List the factor sets, or the rows of one TABLE with their sources."""
    repository = estimator().repository
    try:
        sets = [repository.get(version)] if version else list(repository.sets.values())
    except LcaError as exc:
        raise click.ClickException(str(exc)) from None
    if table is None:
        rows = [{"version": fs.version, "released": fs.released, **{
            name: len(factor_rows(fs, name)) for name in TABLES}} for fs in sets]
    else:
        rows = factor_rows(sets[-1], table)
    click.echo(render_rows(rows, fmt), nl=False)


def factor_rows(fs: FactorSet, table: str) -> list[dict]:
    """Rows of a factor table, one per value, each with its unit, source and year."""
    if table == "regions":
        return [{"key": r.region, "label": r.label, "attribute": attribute, "value": value,
                 "unit": "", "year": r.year, "source": r.source}
                for r in fs.regions.values()
                for attribute, value in (("zone", r.zone), ("datacenter", r.datacenter))]
    if table in fs.links:
        labels = fs.tables["hardware"].labels
        return [{"key": link.key, "label": labels.get(link.key, ""), "attribute": "server_class",
                 "value": link.target,
                 "unit": "", "year": link.year, "source": link.source}
                for link in fs.links[table].values()]
    if not fs.holds(table):
        return []
    t = fs.tables[table]
    return [{"key": key, "label": t.labels.get(key, key), "attribute": attribute,
             "value": f.value, "unit": f.unit, "year": f.year, "source": f.source}
            for key, attributes in t.rows.items() for attribute, f in attributes.items()]


def render_rows(rows: list[dict], fmt: str) -> str:
    if fmt == "json":
        return render.as_json(rows)
    if not rows:
        return ""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    cells = [list(rows[0])] + [[_cell(v) for v in row.values()] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return "".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                   + "\n" for row in cells)


def _cell(value: object, width: int = 60) -> str:
    text = f"{value:.6g}" if isinstance(value, float) else str(value)
    return text if len(text) <= width else text[:width - 3] + "..."


@main.command()
@click.option("--port", type=click.IntRange(1, 65535), default=lambda: int(os.environ.get(
    "PORT", "8000")), show_default="$PORT or 8000", help="Port to listen on.")
@click.option("--host", help="Interface to bind (gunicorn.conf.py default 0.0.0.0; "
              "--dev: 127.0.0.1).")
@click.option("--dev", is_flag=True, help="Flask's development server with reloader and "
              "debugger, instead of gunicorn.")
def serve(port: int, host: str | None, dev: bool) -> None:
    """Serve the REST API: gunicorn with gunicorn.conf.py, as `make serve` does."""
    if dev:
        from api import create_app

        try:
            app = create_app()
        except LcaError as exc:
            raise click.ClickException(str(exc)) from None
        app.run(host=host or "127.0.0.1", port=port, debug=True)
        return
    env = {**os.environ, "PORT": str(port)}
    if host:
        env["HOST"] = host
    config = gunicorn_config()
    command = [sys.executable, "-m", "gunicorn"]
    command += ["-c", str(config)] if config else ["--bind", f"{host or '0.0.0.0'}:{port}"]
    command.append("api:create_app()")
    try:
        os.execve(sys.executable, command, env)
    except OSError as exc:
        raise click.ClickException(f"cannot start gunicorn: {exc}") from None


def gunicorn_config() -> Path | None:
    """gunicorn.conf.py of the working directory, else of the source checkout, if any."""
    for folder in (Path.cwd(), Path(__file__).resolve().parent.parent):
        if (folder / "gunicorn.conf.py").is_file():
            return folder / "gunicorn.conf.py"
    return None


@main.group(name="import")
def import_() -> None:
    """Turn other tools' records into a training profile and its estimate."""


def model_option() -> click.Option:
    return click.option("--model", help="Model preset id, or number of parameters (7e9); "
                        "without it a placeholder size is used, which changes no training figure.")


@import_.command()
@click.argument("card", type=FILE)
@model_option()
@format_option(*FORMATS)
def huggingface(card: str, model: str | None, fmt: str) -> None:
    """CARD: a model card README.md (YAML front matter) or a YAML file with co2_eq_emissions."""
    run_import(card, model, fmt, lambda text, **kw: interchange.huggingface_profile(
        interchange.card_block(text), **kw))


@import_.command()
@click.argument("emissions", type=FILE)
@model_option()
@format_option(*FORMATS)
def codecarbon(emissions: str, model: str | None, fmt: str) -> None:
    """EMISSIONS: the emissions.csv CodeCarbon writes (its energy_consumed is what counts)."""
    run_import(emissions, model, fmt, interchange.codecarbon_profile)


def run_import(path: str, model: str | None, fmt: str, convert: Callable[..., dict]) -> None:
    """Convert the text of ``path`` into a profile, estimate it and print both.

    The newest factor set reads the record and estimates it, as for a profile that pins none.
    """
    text = read_text(path)
    try:
        factors = estimator().repository.get()
        imported = convert(text, model=parse_model(model), factors=factors)
        result = interchange.estimate_imported(imported, factors)
    except LcaError as exc:
        raise failure(path, exc) from None
    click.echo(render.imported(result, fmt), nl=False)


def parse_model(text: str | None) -> object:
    """``--model``: a number of parameters, else a preset id."""
    if text is None:
        return None
    try:
        return {"parameters": float(text)}
    except ValueError:
        return text


# ---- reading files and reporting errors ----

def read_text(path: str) -> str:
    """The text of ``path`` (``-``: stdin); a one-line ClickException when it cannot be read."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot read: {exc.strerror or exc}") from None


def load_profile(path: str) -> object:
    """A profile from a JSON file, or a YAML file by its extension (.yaml, .yml)."""
    text = read_text(path)
    if Path(path).suffix.lower() in (".yaml", ".yml"):
        try:
            return interchange.load_yaml(text, path)
        except ProfileError as exc:
            raise failure(path, exc) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{path}: not valid JSON (line {exc.lineno}, column "
                                   f"{exc.colno}): {exc.msg}") from None
    except (ValueError, RecursionError):
        raise click.ClickException(f"{path}: not valid JSON") from None


def run(profile: object, where: str) -> dict:
    """The estimate of ``profile``; a ClickException naming every wrong field otherwise."""
    try:
        return estimate_profile(profile, estimator())
    except LcaError as exc:
        raise failure(where, exc, "invalid profile: ") from None


def failure(where: str, error: LcaError, what: str = "") -> click.ClickException:
    """One line naming the file and, for an invalid input, each wrong field."""
    if isinstance(error, ProfileError):
        whole = ("", where, "card", "csv")  # errors about the file as a whole
        details = "; ".join(e["message"] if e["field"] in whole else f"{e['field']}: {e['message']}"
                            for e in error.errors)
        return click.ClickException(f"{where}: {what}{details}")
    return click.ClickException(f"{where}: {error}")
