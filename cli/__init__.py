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
from collections.abc import Callable, Mapping, Sequence
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
from lca.quantities import CANONICAL_UNITS, INDICATORS
from lca.report.csv import column_header, figure_unit
from lca.units import convert

FORMATS = ("json", "table", "csv", "markdown")
FILE = click.Path(exists=True, dir_okay=False, allow_dash=True)
BATCH_CHUNK = 200  # profiles estimated together between two updates of the progress bar


def format_option(*choices: str, default: str = "json") -> click.Option:
    return click.option("--format", "fmt", type=click.Choice(choices), default=default,
                        show_default=True, help="Output format.")


def units_option() -> click.Option:
    return click.option(
        "--units", "units", multiple=True, metavar="INDICATOR=UNIT[,...]",
        callback=lambda _ctx, _param, value: parse_units(value),
        help="Display units, as the `units` of a profile (which they override): "
             "gwp=g,water=mL,energy=Wh,adpe=mg,pe=kJ, any unit of the indicator; 'canonical' "
             "for kWh, kgCO2e, L, kgSbeq, MJ. JSON and CSV are converted; without it they are "
             "in canonical units, and the table and Markdown pick for each figure the unit "
             "that keeps it between 1 and 999.")


def parse_units(values: Sequence[str]) -> dict[str, str]:
    """``--units`` (``gwp=g,water=mL``, repeatable; ``canonical``) as indicator -> unit.

    The units themselves are checked by the core, as the ``units`` of a profile are."""
    units: dict[str, str] = {}
    for value in values:
        for part in filter(None, (p.strip() for p in value.split(","))):
            if part == "canonical":
                units.update(CANONICAL_UNITS)
                continue
            indicator, sep, unit = part.partition("=")
            if not sep or not indicator.strip() or not unit.strip():
                raise click.BadParameter(f"expected INDICATOR=UNIT (gwp=g), got {part!r}",
                                         param_hint="--units")
            units[indicator.strip()] = unit.strip()
    return units


def with_units(profile: object, units: Mapping[str, str]) -> object:
    """``profile`` with ``units`` over its own display units (a non-object is left as it is,
    for the core to refuse)."""
    if not units or not isinstance(profile, Mapping):
        return profile
    own = profile.get("units")
    return {**profile, "units": {**(own if isinstance(own, Mapping) else {}), **units}}


def asked_units(profile: object) -> dict[str, str]:
    """The display units a profile asks for (after ``with_units``)."""
    own = profile.get("units") if isinstance(profile, Mapping) else None
    return dict(own) if isinstance(own, Mapping) else {}


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
@click.argument("profiles", nargs=-1, required=True, type=FILE, metavar="PROFILE")
@format_option(*FORMATS, "huggingface")
@units_option()
def estimate(profiles: tuple[str, ...], fmt: str, units: dict[str, str]) -> None:
    """Estimate one PROFILE (.json, or .yaml/.yml; - reads JSON from stdin).

    --format table and markdown show each figure in the unit that keeps it between 1 and 999
    (2.72 mg CO2e, 116 MWh), at three significant digits; --units fixes units instead.
    --format huggingface prints the co2_eq_emissions block of a model card for the training.

    \b
    Examples:
      lca estimate profile.json --format table
      lca estimate profile.yaml --format markdown > disclosure.md
      lca estimate profile.json --format csv --units gwp=g,water=mL
      for f in examples/*-service.json; do lca estimate "$f" --format markdown; done
    """
    if len(profiles) > 1:  # a shell glob: say what does several, not "unexpected arguments"
        raise click.UsageError(
            f"estimate reads one PROFILE, got {len(profiles)} files; for several, run it once "
            f"per file (for f in ...; do lca estimate \"$f\"; done), compare them side by side "
            f"with `lca compare`, or estimate a JSON Lines file of profiles with `lca batch`")
    (profile,) = profiles
    data = with_units(load_profile(profile), units)
    if isinstance(data, Mapping) and "scenarios" in data:
        raise click.ClickException(
            f"{profile}: a comparison request (it has scenarios), not a profile: POST it to "
            f"/v1/comparisons, or give each scenario's profile file to `lca compare`")
    result = run(data, profile)
    try:
        click.echo(render.estimate(result, fmt, data, asked_units(data)), nl=False)
    except ProfileError as exc:
        raise failure(profile, exc) from None


@main.command()
@click.argument("profiles", nargs=-1, required=True, type=FILE)
@format_option(*FORMATS, default="table")
@units_option()
@click.option("--target-score", type=float, default=None,
              help="with scored profiles: the cheapest one reaching this score")
@click.option("--no-uncertainty", is_flag=True,
              help="skip the Monte Carlo: no ranges and no probabilities (faster)")
def compare(profiles: tuple[str, ...], fmt: str, units: dict[str, str],
            target_score: float | None, no_uncertainty: bool) -> None:
    """Estimate PROFILES and show them side by side, with deltas against the first.

    The comparison is the one of POST /v1/comparisons (lca.compare), baseline the
    first file: each figure with its 5-95 % range, the change against the baseline, and the
    share of Monte Carlo draws in which each scenario is lower than the baseline.
    A profile may carry a capability "score" ({"value": 71.3, "name": "MMLU-Pro"}): then the
    impact per score point, the Pareto front and the --target-score choice are shown too.

    \b
    Example:
      lca compare h100-france.json a100-poland.json --units gwp=g
    """
    if not 2 <= len(profiles) <= MAX_SCENARIOS:
        raise click.UsageError(f"give 2 to {MAX_SCENARIOS} profiles to compare")
    scenarios = [with_units(load_profile(p), units) for p in profiles]
    try:
        result = compare_scenarios(scenarios, 0, factors=estimator(),
                                   uncertainty=None if no_uncertainty else {},
                                   target_score=target_score)
    except ProfileError as exc:
        raise click.ClickException(scenario_errors(exc, profiles)) from None
    except LcaError as exc:
        raise click.ClickException(str(exc)) from None
    names = render.labels(result["estimates"], [Path(p).name for p in profiles])
    click.echo(render.comparison(result, names, fmt, units), nl=False)


def scenario_errors(error: ProfileError, paths: Sequence[str]) -> str:
    """A comparison's errors (fields ``scenarios[i].…``) as one line naming each file."""
    by_file: dict[str, list[str]] = {}
    for e in error.errors:
        match = re.match(r"scenarios\[(\d+)\]\.?(.*)", e["field"])
        where, field = (paths[int(match[1])], match[2]) if match else ("", e["field"])
        message = in_cli_terms(field, e["message"])
        by_file.setdefault(where, []).append(f"{field}: {message}" if field else message)
    return "; ".join(f"{where}: invalid profile: {', '.join(messages)}" if where
                     else ", ".join(messages) for where, messages in by_file.items())


@main.command()
@click.argument("profiles", type=FILE)
@click.option("--full", is_flag=True,
              help="print each whole estimate (about 12 KB a line: every figure, factor, "
                   "assumption and range) instead of its headline figures")
@click.option("--table", "as_table", is_flag=True,
              help="print one CSV row of central figures per line instead of JSON results, "
                   "each column's unit in its header: for large files, many times faster "
                   "(lca.estimate_table)")
@click.option("--output", "outputs", multiple=True, metavar="PATH",
              help="with --table: a figure to print, by its path in an estimate "
                   "(inference.per_request.gwp); repeat for more")
@units_option()
@click.pass_context
def batch(ctx: click.Context, profiles: str, full: bool, as_table: bool,
          outputs: tuple[str, ...], units: dict[str, str]) -> None:
    """Estimate every line of PROFILES (JSON Lines): one JSON result line per profile.

    A result is {"line": n, "name", "paths", "units", the headline figures by block (central
    values to 4 significant digits, in "units"), "warnings": [codes]}, a few hundred bytes;
    with --full, {"line": n, "estimate": {...}}, the whole estimate. An invalid line gives
    {"line": n, "error": {..., "errors": [...]}} (the error entry of POST
    /v1/estimates/batch) and the run goes on; the exit status is 1 if any line was invalid. A
    progress bar goes to stderr. With --table, a CSV with the line number, the training and
    inference paths, the figures (header "inference.per_request.gwp [kgCO2e]") and the errors.

    \b
    Examples:
      lca batch requests.jsonl > results.jsonl
      lca batch requests.jsonl --table --units gwp=g > results.csv
    """
    lines = [(n, line) for n, line in enumerate(read_text(profiles).splitlines(), 1)
             if line.strip()]
    if not lines:
        raise click.ClickException(f"{profiles}: no profile lines (expected one JSON profile "
                                   "per line)")
    if outputs and not as_table:
        raise click.UsageError("--output goes with --table")
    if full and as_table:
        raise click.UsageError("--full and --table are two different outputs: give one")
    failed = (batch_table(lines, outputs, units) if as_table
              else batch_lines(lines, units, full))
    if failed:
        click.echo(f"{failed} of {len(lines)} profiles invalid", err=True)
        ctx.exit(1)


def batch_lines(lines: Sequence[tuple[int, str]], units: Mapping[str, str] | None = None,
                full: bool = False) -> int:
    """Print a JSON result per numbered line, compact unless ``full``; the count of invalid
    ones."""
    failed = 0
    with click.progressbar(length=len(lines), label="estimating",
                           file=sys.stderr) as bar:
        for start in range(0, len(lines), BATCH_CHUNK):
            chunk = lines[start:start + BATCH_CHUNK]
            for result in batch_results(chunk, units):
                failed += "error" in result
                if not full and "estimate" in result:
                    result = {"line": result["line"], **render.compact(result["estimate"])}
                click.echo(json.dumps(result, ensure_ascii=False))
            bar.update(len(chunk))
    return failed


def batch_table(lines: Sequence[tuple[int, str]], outputs: Sequence[str],
                units: Mapping[str, str] | None = None) -> int:
    """Print the CSV table of numbered JSON lines (lca.estimate_table), each column's unit in
    its header (in ``units`` where asked); the count of invalid ones."""
    parsed, unparsed = [], {}
    for position, (number, line) in enumerate(lines):
        try:
            parsed.append(with_units(json.loads(line), units or {}))
        except (ValueError, RecursionError):
            parsed.append(None)
            unparsed[position] = f"line {number}: not valid JSON"
    try:
        result = estimate_table(parsed, outputs or None, factors=estimator())
        names = list(result["outputs"])
        shown = [column_unit(name, units) for name in names]
    except ProfileError as exc:
        raise click.UsageError("; ".join(e["message"] for e in exc.errors)) from None
    errors = {e["index"]: "; ".join(f"{x['field']}: {in_cli_terms(x['field'], x['message'])}"
                                    if x["field"] else x["message"] for x in e["errors"])
              for e in result["errors"]}
    errors.update(unparsed)
    columns = [(result["outputs"][name] * size).tolist() for name, (_, size) in
               zip(names, shown, strict=True)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["line", "training_path", "inference_path",
                     *(column_header(name, unit) for name, (unit, _) in zip(names, shown,
                                                                            strict=True)),
                     "error"])
    for position, (number, _) in enumerate(lines):
        writer.writerow([number, result["paths"]["training"][position] or "",
                         result["paths"]["inference"][position] or "",
                         *("" if column[position] != column[position] else repr(column[position])
                           for column in columns), errors.get(position, "")])
    click.echo(out.getvalue(), nl=False)
    return len(errors)


def column_unit(output: str, units: Mapping[str, str] | None) -> tuple[str, float]:
    """The unit of a table column (an output path) and the factor from the canonical unit:
    an indicator's figure in ``units`` where asked; ProfileError naming a unit that is not
    one of the indicator's."""
    unit = figure_unit(output)
    indicator = next((k for k in INDICATORS if CANONICAL_UNITS[k] == unit
                      and output.endswith(f".{k}")), None)
    if indicator and units and indicator in units:
        try:
            return units[indicator], convert(1.0, unit, units[indicator])
        except ValueError as exc:
            raise ProfileError([{"field": f"units.{indicator}", "message": str(exc)}]) from None
    return unit, 1.0


def batch_results(lines: Sequence[tuple[int, str]], units: Mapping[str, str] | None = None
                  ) -> list[dict]:
    """The result lines for numbered JSON lines, estimated together (lca.estimate_batch),
    with the display ``units`` over each profile's own."""
    parsed: dict[int, object] = {}
    results: dict[int, dict] = {}
    for number, line in lines:
        try:
            parsed[number] = with_units(json.loads(line), units or {})
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
    """List the factor sets with the number of items in each table (as GET /v1/factors: 14
    accelerators in hardware, not their attribute rows), or the values of one TABLE, one per
    line, with their sources.

    \b
    Examples:
      lca factors
      lca factors hardware --format csv
    """
    repository = estimator().repository
    try:
        sets = [repository.get(version)] if version else list(repository.sets.values())
    except LcaError as exc:
        raise click.ClickException(str(exc)) from None
    if table is None:
        rows = [{"version": fs.version, "released": fs.released, **{
            name: fs.items(name) for name in TABLES}} for fs in sets]
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
@click.option("--host", help="Interface to bind (default $HOST, else 127.0.0.1: this "
              "machine only; 0.0.0.0 serves other machines too).")
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
    bind = f"{host or os.environ.get('HOST', '127.0.0.1')}:{port}"
    command += ["-c", str(config)] if config else ["--bind", bind]
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


# The factor tables that list the known ids of a field, by the field's last name: a command
# line user looks them up with `lca factors TABLE` (the API's users with GET /v1/factors/TABLE).
ID_TABLES = {"preset": ("models",), "hardware": ("hardware",), "location": ("zones", "regions"),
             "profile": ("datacenters",)}
_TABLE_HINT = re.compile(r"; the factor tables? '\w+'(?: and '\w+')? lists? the known ones")
_ROUTE = re.compile(r"GET /v1/factors(?:/(\w+))?")


def in_cli_terms(field: str, message: str) -> str:
    """An error message of the core as the command line says it: where to find the known ids
    is a command (`lca factors hardware`), never an HTTP route."""
    message = _ROUTE.sub(lambda m: f"`lca factors {m[1]}`" if m[1] else "`lca factors`",
                         message)
    tables = ID_TABLES.get(field.rsplit(".", 1)[-1])
    if tables and message.startswith("unknown ") and "`lca factors" not in message:
        message = _TABLE_HINT.sub("", message)
        lists = " and ".join(f"`lca factors {t}`" for t in tables)
        sep = " " if message.endswith(("?", ".")) else "; "
        message += f"{sep}{lists} {'list' if len(tables) > 1 else 'lists'} the known ones"
    return message


def failure(where: str, error: LcaError, what: str = "") -> click.ClickException:
    """One line naming the file and, for an invalid input, each wrong field."""
    if isinstance(error, ProfileError):
        whole = ("", where, "card", "csv")  # errors about the file as a whole
        details = "; ".join(
            in_cli_terms(e["field"], e["message"]) if e["field"] in whole
            else f"{e['field']}: {in_cli_terms(e['field'], e['message'])}"
            for e in error.errors)
        return click.ClickException(f"{where}: {what}{details}")
    return click.ClickException(f"{where}: {error}")

from cli import leaderboard as _leaderboard  # noqa: E402, F401  (registers `lca leaderboard`)
from cli import performance as _performance  # noqa: E402, F401  (registers `lca performance`)
from cli import usage as _usage  # noqa: E402, F401  (registers `lca usage`)
