"""``lca usage``: request logs (JSON lines, CSV, Parquet) in, footprints by group out.

The readers stream a log file row by row (Parquet batch by batch), each row with its line
number; lca.usage_stream reads the file three times (hourly counts, the hours' busy time,
then estimates) in chunks,
so that memory stays bounded whatever the file's size (docs/usage.md).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import click
import numpy as np

from cli import FILE, estimator, failure, load_profile, main
from cli.render import csv_text, write_out
from lca.errors import LcaError, ProfileError
from lca.quantities import CANONICAL_UNITS, INDICATORS
from lca.usage import (
    DEFAULT_SAMPLES,
    Columns,
    Deployments,
    Unreadable,
    read_deployments,
    tag_names,
    usage_result,
)
from lca.usage.arrow import from_arrow
from lca.usage.columns import batches_of_rows, from_rows, hour_counts
from lca.usage.run import Busy, Run, Totals

LOG_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv",
               ".parquet": "parquet"}
PARQUET_BATCH = 65_536
JSON_BLOCK = 1 << 24  # bytes of JSON lines read as one table
JSON_PARSE_BLOCK = 1 << 21  # pyarrow's parse block (blocks are parsed on all cores)
JSON_PART = 1 << 25  # bytes: the least a worker is given of a JSON lines log


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
        yield from _json_lines(handle, 1)


def _json_lines(lines: Iterable[str], first: int) -> Iterator[tuple[int, object]]:
    for number, line in enumerate(lines, start=first):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except (ValueError, RecursionError):
            yield number, Unreadable("not valid JSON")


def log_parts(path: str, kind: str, pieces: int) -> list[tuple[int, int]]:
    """The log cut into about ``pieces`` parts that can be read apart, in order: Parquet row
    groups [first, last), JSON lines byte ranges [start, stop) cut after a newline (at least
    JSON_PART bytes each); a CSV file (and anything without pyarrow) is one part."""
    if kind == "csv" or not has_pyarrow():
        return [(0, 0)]
    if kind == "parquet":
        import pyarrow.parquet as pq

        groups = pq.ParquetFile(path).num_row_groups
        bounds = np.linspace(0, groups, min(groups, pieces) + 1).round().astype(int).tolist()
        return list(itertools.pairwise(bounds)) if groups else [(0, 0)]
    size = Path(path).stat().st_size
    pieces = max(1, min(pieces, size // JSON_PART))
    cuts = [0]
    with open(path, "rb") as handle:
        for k in range(1, pieces):
            handle.seek(max(size * k // pieces, cuts[-1]))
            handle.readline()  # on to the start of the next line
            cuts.append(min(handle.tell(), size))
    cuts.append(size)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a] or [(0, 0)]


def log_batches(path: str, kind: str, tags: list[str], part: tuple[int, int] | None = None,
                first_line: int = 1, ends: dict | None = None) -> Iterator[Columns]:
    """The log file (or one of its log_parts, its rows numbered from ``first_line``) as
    batches of columns (lca.usage.columns): Parquet batch by batch and JSON lines block by
    block through pyarrow where it is installed (a block pyarrow cannot read as a table, such
    as one with a line that is not JSON or a column whose type changes, is read line by line
    instead), CSV row by row. ``ends["lines"]`` is set to the number of lines (rows) read."""
    ends = {} if ends is None else ends
    if kind == "csv" or not has_pyarrow():
        yield from batches_of_rows(log_rows(path, kind), tags, PARQUET_BATCH)
        return
    if kind == "parquet":
        import pyarrow.parquet as pq

        log = pq.ParquetFile(path, read_dictionary=["model", *tags])  # text as codes
        groups = range(*part) if part is not None else range(log.num_row_groups)
        number = first_line
        for batch in log.iter_batches(batch_size=PARQUET_BATCH, row_groups=list(groups)):
            yield from_arrow(batch, number, tags)
            number += batch.num_rows
        ends["lines"] = number - first_line
        return
    start, stop = part if part is not None else (0, Path(path).stat().st_size)
    with open(path, "rb") as handle:
        handle.seek(start)
        line, rest, left = first_line, b"", stop - start
        while True:
            block = handle.read(min(JSON_BLOCK, left))
            left -= len(block)
            data = rest + block
            cut = data.rfind(b"\n") + 1 if block else len(data)
            if block and cut == 0:  # a line longer than a block: read on
                rest = data
                continue
            chunk, rest = data[:cut], data[cut:]
            if chunk:
                lines = chunk.count(b"\n") + (not chunk.endswith(b"\n"))
                yield _json_block(chunk, line, lines, tags)
                line += lines
            if not block:
                ends["lines"] = line - first_line
                return


def _json_block(chunk: bytes, line: int, lines: int, tags: list[str]) -> Columns:
    """One block of ``lines`` whole JSON lines as columns, numbered from ``line``."""
    import pyarrow as pa
    import pyarrow.json as pj

    try:
        table = pj.read_json(io.BytesIO(chunk), read_options=pj.ReadOptions(
            block_size=JSON_PARSE_BLOCK))
        if table.num_rows == lines:  # else blank lines: their numbers are kept below
            return from_arrow(table, line, tags)
    except pa.ArrowException:  # not JSON, not objects, types that change: line by line
        pass
    text = chunk.decode("utf-8").split("\n")
    if text and text[-1] == "":
        text.pop()
    return from_rows(list(_json_lines(text, line)), tags)


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
    write_out(json.dumps({k: result[k] for k in ("group_by", "groups", "units", "summary")},
                         ensure_ascii=False) + "\n" if fmt == "json"
              else csv_text(*group_table(result)), output)


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
@click.option("--workers", type=click.IntRange(1, 256), help="Local engine: processes that "
              "read parts of a Parquet or JSON lines log at once [default: the CPU count].")
def usage(log: str, deployments_path: str, group_by: str, fmt: str, log_format: str | None,
          output: str | None, rejects: str | None, samples: int, seed: int, engine: str,
          scheduler: str | None, workers: int | None) -> None:
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
        result, rejected = _usage_here(log, kind, deployments, names, samples, seed, rejects,
                                       workers or os.cpu_count() or 1)
    write_groups(result, fmt, output)
    s = result["summary"]
    where = f" (see {rejects})" if rejects else " (--rejects FILE lists them)" if rejected else ""
    click.echo(f"{s['rows_read']:,} rows read = {s['rows_estimated']:,} estimated + "
               f"{s['rows_rejected']:,} rejected{where}; {len(result['groups']):,} groups; "
               f"factor set {s['factors_version']} (each value's source: lca factors TABLE "
               f"--version {s['factors_version']})", err=True)


def _usage_here(log: str, kind: str, deployments: Deployments, names: list[str], samples: int,
                seed: int, rejects: str | None, workers: int) -> tuple[dict, int]:
    """The log through lca.usage's Run in this process, or in ``workers`` processes that
    each read their parts of the file (log_parts); the result and the number of rows
    rejected (written to ``rejects``, in the order of the parts)."""
    tty = sys.stderr.isatty()

    def progress(rows: int) -> None:
        if tty:
            click.echo(f"\r{rows:,} rows estimated", err=True, nl=False)

    parts = log_parts(log, kind, 4 * workers) if workers > 1 else [None]
    folder = tempfile.mkdtemp(prefix="lca-usage-") if rejects else None
    try:
        done = _run_parts(log, kind, parts, deployments, names, samples, seed, folder,
                          workers, progress)
        if rejects:
            with open(rejects, "wb") as out:
                for k in range(len(parts)):
                    with open(Path(folder) / f"{k}.jsonl", "rb") as part:
                        shutil.copyfileobj(part, out)
    except (LcaError, ProfileError) as exc:
        raise failure(log, exc) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise click.ClickException(f"{log}: cannot read: {exc}") from None
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    if tty:
        click.echo("", err=True)
    totals, read, estimated = done
    version = estimator().factor_set(deployments.factors_version).version
    return (usage_result(totals, names, read, estimated, samples, seed, version, []),
            read - estimated)


def _run_parts(log: str, kind: str, parts: list, deployments: Deployments, names: list[str],
               samples: int, seed: int, folder: str | None, workers: int,
               progress: Callable[[int], None]) -> tuple[Totals, int, int]:
    """The three passes over the parts: each part's hourly counts (and lines), summed; each
    part's busy time per hour at those counts, summed; then each part estimated at those
    counts and busy times, its rejects written to ``folder``/k.jsonl; the groups'
    totals merged, the rows read and estimated."""
    common = (log, kind, deployments, names)
    pool = (ProcessPoolExecutor(workers, mp_context=_fork()) if len(parts) > 1 else None)
    run = pool.map if pool is not None else map
    try:
        counts: dict = {}
        firsts = []
        line = 1
        for part_counts, lines in run(_count_part, [(*common, p) for p in parts]):
            for key, n in part_counts.items():
                counts[key] = counts.get(key, 0) + n
            firsts.append(line)
            line += lines
        busy: Busy = {}
        for part_busy in run(_busy_part, [(*common, p, first, counts)
                                          for p, first in zip(parts, firsts, strict=True)]):
            for key, (b, n) in part_busy.items():
                old_b, old_n = busy.get(key, (0.0, 0))
                busy[key] = (old_b + b, old_n + n)
        totals = Totals(samples)
        read = estimated = 0
        jobs = [(*common, p, first, samples, seed, counts, busy,
                 None if folder is None else str(Path(folder) / f"{k}.jsonl"))
                for k, (p, first) in enumerate(zip(parts, firsts, strict=True))]
        for part_totals, part_read, part_estimated in run(_estimate_part, jobs):
            totals.merge(part_totals)
            read, estimated = read + part_read, estimated + part_estimated
            progress(estimated)
    finally:
        if pool is not None:
            pool.shutdown()
    return totals, read, estimated


def _fork():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _count_part(job: tuple) -> tuple[dict, int]:
    """Pass 1 on one part: its rows estimated per (model, hour), and its lines."""
    log, kind, deployments, _names, part = job
    counts: dict = {}
    ends: dict = {}
    for columns in log_batches(log, kind, [], part, 1, ends):
        hour_counts(columns, deployments, counts)
    return counts, ends.get("lines", 0)


def _busy_part(job: tuple) -> Busy:
    """Pass 2 on one part: its modelled rows' busy replica-seconds summed per (model, hour),
    with their number (lca.usage.run.Run.busy)."""
    log, kind, deployments, names, part, first, counts = job
    run = Run(estimator(), deployments, names, 0, 0, counts)
    busy: Busy = {}
    for columns in log_batches(log, kind, [], part, first):
        run.busy(columns, busy)
    return busy


def _estimate_part(job: tuple) -> tuple[Totals, int, int]:
    """Pass 3 on one part: its groups' totals, rows read and estimated; its rejects written
    as JSON lines to the file named last (None: counted only)."""
    log, kind, deployments, names, part, first, samples, seed, counts, busy, rejects = job
    run = Run(estimator(), deployments, names, samples, seed, counts, busy)
    out = open(rejects, "w", encoding="utf-8") if rejects else None  # noqa: SIM115

    def reject(line: int, reason: str) -> None:
        if out is not None:
            out.write(json.dumps({"line": line, "reason": reason}) + "\n")

    read = estimated = 0
    try:
        for columns in log_batches(log, kind, tag_names(names), part, first):
            read += len(columns) + len(columns.unreadable)
            estimated += run.add(columns, reject)
    finally:
        if out is not None:
            out.close()
    return run.totals, read, estimated


def usage_on_dask(log: str, kind: str, deployments: Deployments, names: list[str],
                  samples: int, seed: int, scheduler: str | None) -> dict:
    """The log file (read by Dask: Parquet a partition per row group, CSV and JSON lines in
    partitions of 64 MB) through
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
            ddf = dd.read_parquet(log, split_row_groups=True)  # a partition per row group
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
