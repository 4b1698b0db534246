"""``lca performance``: a performance leaderboard (output speed and time to first token per
provider and model; CSV, JSON or Parquet) in, the footprint of one request per row out
(lca.leaderboard.performance; docs/performance-leaderboards.md)."""

from __future__ import annotations

import csv
import json

import click

from cli import estimator, failure, main
from cli.leaderboard import numbered_rows
from cli.render import csv_text, write_out
from lca.errors import ProfileError
from lca.leaderboard.performance import performance
from lca.quantities import CANONICAL_UNITS, INDICATORS, PRECISIONS


def result_table(result: dict) -> tuple[list[str], list[list[object]]]:
    """One row per estimated leaderboard row: what was read, the replica and the per-request
    figures, each column's unit in its header."""
    header = ["line", "provider", "model", "preset", "parameters", "output_speed [token/s]",
              "ttft [s]", "concurrency", "output_throughput [token/s]", "accelerators",
              "busy_seconds_per_request [s]"]
    header += [f"{i} [{CANONICAL_UNITS[i]}]" for i in INDICATORS]
    header.append("notes")
    rows = []
    for row in result["rows"]:
        inputs, replica = row["inputs"], row["replica"]
        rows.append([row["line"], row["provider"], row["model"], inputs["preset"],
                     inputs["parameters"], inputs["output_speed"], inputs["ttft"],
                     inputs["concurrency"], inputs["output_throughput"],
                     replica["accelerators"], replica["busy_seconds_per_request"],
                     *[row["per_request"][i] for i in INDICATORS], "; ".join(row["notes"])])
    return header, rows


@main.command(name="performance")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(("csv", "json")), default="csv",
              show_default=True, help="Output format.")
@click.option("--output", type=click.Path(dir_okay=False), help="Write here, not to stdout.")
@click.option("--concurrency", type=float, help="Requests one replica serves at once "
              "(default: the factor set's default batch size, 64).")
@click.option("--accelerators", type=int, help="Accelerators per replica (default: sized "
              "from the model's weights).")
@click.option("--hardware", help="Accelerator id (`lca factors hardware`).")
@click.option("--precision", type=click.Choice(PRECISIONS), help="Precision of the weights "
              "served (default bf16).")
@click.option("--location", help="Grid zone or cloud region (`lca factors zones`).")
@click.option("--task", help="Prompt and answer lengths of a task (chat by default).")
@click.option("--input-tokens", type=float, help="Prompt length (wins over --task).")
@click.option("--output-tokens", type=float, help="Answer length (wins over --task).")
@click.option("--fleet-utilization", type=float, help="Share of provisioned capacity in use "
              "(default 0.6).")
@click.option("--no-ttft", is_flag=True, help="Count decoding only: the time to first token "
              "does not occupy the replica.")
@click.option("--column", "column_names", multiple=True, metavar="NAME=COLUMN",
              help="Where a logical column is: model=Model, output_speed='Tokens/s', "
              "ttft=..., provider=..., preset=..., parameters=..., parameters_billions=...")
@click.option("--factors-version", help="Pin a factor set (`lca factors`).")
def performance_command(file: str, fmt: str, output: str | None,
                        concurrency: float | None, accelerators: int | None,
                        hardware: str | None, precision: str | None, location: str | None,
                        task: str | None,
                        input_tokens: float | None, output_tokens: float | None,
                        fleet_utilization: float | None, no_ttft: bool,
                        column_names: tuple[str, ...], factors_version: str | None) -> None:
    """Footprint of one request for each provider and model of a performance leaderboard
    FILE (CSV, a JSON list of objects, JSON lines, or Parquet with pyarrow; by its extension,
    CSV otherwise): output speed (tokens/s seen by
    one request) and time to first token (s), as the Artificial Analysis leaderboard
    publishes them, with a model name matching a preset (`lca factors models`) or a
    parameter count.

    One request occupies (ttft + output_tokens / speed) / concurrency seconds of a replica
    (Little's law); that replica's throughput runs the estimate's measured-throughput path.
    The assumptions are printed on stderr; rejected rows are listed there with their line.

    \b
    Examples:
      lca performance examples/performance-leaderboard.csv
      lca performance board.csv --concurrency 16 --hardware nvidia-h200 --location USA
      lca performance board.json --format json --task reasoning --output footprint.json
    """
    columns = {}
    for item in column_names:
        name, sep, column = item.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--column {item!r}: expected NAME=COLUMN")
        columns[name.strip()] = column
    options = {"concurrency": concurrency, "accelerators": accelerators, "hardware": hardware,
               "precision": precision, "location": location, "task": task,
               "input_tokens": input_tokens,
               "output_tokens": output_tokens, "fleet_utilization": fleet_utilization,
               "include_ttft": not no_ttft, "factors_version": factors_version,
               "columns": columns or None}
    try:
        rows, lines = numbered_rows(file)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise click.ClickException(f"{file}: cannot read: {exc}") from None
    try:
        result = performance(rows, {k: v for k, v in options.items() if v is not None},
                             estimator(), lines=lines)
    except ProfileError as exc:
        raise failure(file, exc) from None
    write_out(json.dumps(result, ensure_ascii=False) + "\n" if fmt == "json"
              else csv_text(*result_table(result)), output)
    for a in result["assumptions"]:
        click.echo(f"assumed {a['field']} = {a['value']}: {a['why']}", err=True)
    for r in result["rejects"]:
        click.echo(f"{file}:{r['line']}: rejected: {r['reason']}", err=True)
    s = result["summary"]
    click.echo(f"{s['rows_read']:,} rows read = {s['rows_estimated']:,} estimated + "
               f"{s['rows_rejected']:,} rejected", err=True)
