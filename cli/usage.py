"""``lca usage``: request logs (JSON lines, CSV, Parquet) in, footprints by group out.

The readers stream a log file row by row (Parquet batch by batch), each row with its line
number; lca.usage_stream reads the file twice (hourly counts, then estimates) in chunks,
so that memory stays bounded whatever the file's size (docs/usage.md).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import click

from cli import FILE, estimator, failure, load_profile, main
from lca.errors import LcaError, ProfileError
from lca.quantities import CANONICAL_UNITS, INDICATORS
from lca.usage import (
    DEFAULT_SAMPLES,
    Deployments,
    Unreadable,
    read_deployments,
    usage_stream,
)

LOG_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv",
               ".parquet": "parquet"}
PARQUET_BATCH = 65_536


def has_pyarrow() -> bool:
    """Whether Parquet can be read and written here (pip install 'lca[parquet]')."""
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def log_rows(path: str, kind: str) -> Iterator[tuple[int, object]]:
    """(line number, row) of a log file, streamed: a JSON object per line, a CSV row under its
    header (line numbers count the header as line 1), or a Parquet row (numbered from 1)."""
    if kind == "parquet":
        import pyarrow.parquet as pq

        number = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=PARQUET_BATCH):
            for row in batch.to_pylist():
                number += 1
                yield number, row
        return
    with open(path, encoding="utf-8", newline="") as handle:
        if kind == "csv":
            reader = csv.DictReader(handle)
            for row in reader:
                yield reader.line_num, row
            return
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except (ValueError, RecursionError):
                yield number, Unreadable("not valid JSON")


def group_table(result: dict) -> tuple[list[str], list[list[object]]]:
    """The groups as a header and rows: the group keys, counts, and per indicator its total,
    low, high and mean per request, each column's unit in its header."""
    header = [*result["group_by"], "requests", "input_tokens", "output_tokens"]
    for indicator in INDICATORS:
        unit = CANONICAL_UNITS[indicator]
        header += [f"{indicator}_{part} [{unit}]"
                   for part in ("total", "low", "high", "mean_per_request")]
    rows = []
    for group in result["groups"]:
        row = [group[k] for k in result["group_by"]]
        row += [group["requests"], group["input_tokens"], group["output_tokens"]]
        for indicator in INDICATORS:
            figures = group[indicator]
            row += [figures[p] for p in ("total", "low", "high", "mean_per_request")]
        rows.append(row)
    return header, rows


def write_groups(result: dict, fmt: str, output: str | None) -> None:
    """The groups as CSV, JSON (groups and summary) or Parquet, to ``output`` or stdout."""
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        header, rows = group_table(result)
        table = pa.table({name: [r[i] for r in rows] for i, name in enumerate(header)})
        pq.write_table(table, output)
        return
    if fmt == "json":
        text = json.dumps({k: result[k] for k in ("group_by", "groups", "summary")},
                          ensure_ascii=False) + "\n"
    else:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        header, rows = group_table(result)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        text = out.getvalue()
    if output is None:
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")


@main.command()
@click.argument("log", type=click.Path(exists=True, dir_okay=False))
@click.option("--deployments", "deployments_path", type=FILE, required=True,
              help="How each model is served (YAML or JSON; examples/deployments.yaml).")
@click.option("--group-by", default="model,month", show_default=True,
              help="Comma-separated: model, hour, day, month, year, or any tag column.")
@click.option("--format", "fmt", type=click.Choice(("csv", "json", "parquet")), default="csv",
              show_default=True, help="Output format (parquet needs pyarrow and --output).")
@click.option("--log-format", type=click.Choice(("jsonl", "csv", "parquet")),
              help="The log's format (default: from its extension; JSON lines otherwise).")
@click.option("--output", type=click.Path(dir_okay=False), help="Write here, not to stdout.")
@click.option("--rejects", type=click.Path(dir_okay=False),
              help="Write each rejected row here as a JSON line {line, reason}.")
@click.option("--samples", type=click.IntRange(0, 10_000), default=DEFAULT_SAMPLES,
              show_default=True, help="Monte Carlo draws for low/high (0: central only).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the draws.")
@click.option("--engine", type=click.Choice(("local", "dask")), default="local",
              show_default=True, help="dask: the log's partitions on a Dask cluster "
              "(pip install 'lca[dask]').")
@click.option("--scheduler", metavar="ADDRESS", help="With --engine dask: the scheduler of an "
              "existing cluster (tcp://host:8786); without it, a LocalCluster on this machine.")
def usage(log: str, deployments_path: str, group_by: str, fmt: str, log_format: str | None,
          output: str | None, rejects: str | None, samples: int, seed: int, engine: str,
          scheduler: str | None) -> None:
    """Footprint of the requests in LOG (JSON lines, CSV or Parquet: a row per request with
    timestamp, model, input_tokens, output_tokens and any tag columns), grouped.

    Each model's requests per hour come from the log; each row is the single estimate of its
    request at its hour's traffic; low/high are 5-95 % ranges of each total over draws
    shared by every row. A summary line on stderr reconciles rows read, estimated and
    rejected; rejected rows (with their line and reason) go to --rejects.

    \b
    Examples:
      lca usage examples/usage.jsonl --deployments examples/deployments.yaml \\
          --group-by model,customer,month --rejects rejects.jsonl > usage.csv
      lca usage log.parquet --deployments deployments.yaml --engine dask \\
          --scheduler tcp://scheduler:8786 > usage.csv
    """
    kind = log_format or LOG_FORMATS.get(Path(log).suffix.lower(), "jsonl")
    if "parquet" in (kind, fmt) and not has_pyarrow():
        raise click.UsageError("Parquet needs pyarrow: pip install 'lca[parquet]'")
    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet writes a file: give --output")
    try:
        deployments = read_deployments(load_profile(deployments_path), estimator())
    except ProfileError as exc:
        raise failure(deployments_path, exc) from None
    names = [n.strip() for n in group_by.split(",") if n.strip()]
    if engine == "dask":
        result = usage_on_dask(log, kind, deployments, names, samples, seed, scheduler)
        rejected = len(result["rejects"])
        if rejects:
            Path(rejects).write_text("".join(json.dumps(r) + "\n" for r in result["rejects"]),
                                     encoding="utf-8")
    else:
        result, rejected = _usage_here(log, kind, deployments, names, samples, seed, rejects)
    write_groups(result, fmt, output)
    s = result["summary"]
    where = f" (see {rejects})" if rejects else " (--rejects FILE lists them)" if rejected else ""
    click.echo(f"{s['rows_read']:,} rows read = {s['rows_estimated']:,} estimated + "
               f"{s['rows_rejected']:,} rejected{where}; {len(result['groups']):,} groups",
               err=True)


def _usage_here(log: str, kind: str, deployments: Deployments, names: list[str], samples: int,
                seed: int, rejects: str | None) -> tuple[dict, int]:
    """The log streamed through lca.usage_stream in this process; the result and the number
    of rows rejected (written to ``rejects`` as they come)."""
    reject_file: IO[str] | None = None
    rejected = 0

    def on_reject(line: int, reason: str) -> None:
        nonlocal rejected
        rejected += 1
        if reject_file is not None:
            reject_file.write(json.dumps({"line": line, "reason": reason}) + "\n")

    tty = sys.stderr.isatty()

    def progress(rows: int) -> None:
        if tty:
            click.echo(f"\r{rows:,} rows estimated", err=True, nl=False)

    try:
        reject_file = open(rejects, "w", encoding="utf-8") if rejects else None  # noqa: SIM115
        result = usage_stream(lambda: log_rows(log, kind), deployments, names, samples, seed,
                              estimator(), on_reject=on_reject, progress=progress)
    except (LcaError, ProfileError) as exc:
        raise failure(log, exc) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise click.ClickException(f"{log}: cannot read: {exc}") from None
    finally:
        if reject_file is not None:
            reject_file.close()
    if tty:
        click.echo("", err=True)
    return result, rejected


def usage_on_dask(log: str, kind: str, deployments: Deployments, names: list[str],
                  samples: int, seed: int, scheduler: str | None) -> dict:
    """The log file (read by Dask in partitions of 64 MB) through
    lca.usage.dask on the cluster at ``scheduler`` (a LocalCluster when None). Rejects are
    numbered by row from 1 (CSV: the header is line 1); a line that is not valid JSON fails
    the read instead of being rejected (the local engine lists it)."""
    try:
        import dask.dataframe as dd
        from distributed import Client, LocalCluster

        from lca.usage.dask import usage_dask
    except ImportError:
        raise click.UsageError("--engine dask needs dask: pip install 'lca[dask]'") from None
    cluster = None
    try:
        if kind == "parquet":
            ddf = dd.read_parquet(log)
        elif kind == "csv":
            ddf = dd.read_csv(log, dtype=str, keep_default_na=False, blocksize="64MB")
        else:
            ddf = dd.read_json(log, lines=True, blocksize=2**26, dtype=False)  # text stays text
        cluster = LocalCluster(dashboard_address=None) if scheduler is None else None
        with Client(scheduler or cluster):
            return usage_dask(ddf, deployments, names, samples, seed,
                              line_offset=1 if kind == "csv" else 0)
    except (LcaError, ProfileError) as exc:
        raise failure(log, exc) from None
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{log}: cannot read: {exc}") from None
    finally:
        if cluster is not None:
            cluster.close()
