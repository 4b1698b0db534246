"""A seeded request log for ``lca usage``: JSON lines or CSV, several models, customers and
months, token counts drawn from log-normal distributions (chat prompts of a few hundred tokens,
answers of a few hundred, a long tail of both), a day/night cycle in the request times.

    python -m bench.usage_log ROWS [--seed N] [--format jsonl|csv] > log.jsonl
    python -m bench.usage_log 100000 --time   # also times lca usage over it (no file kept)
    python -m bench.usage_log 10000000 --files  # make bench's item 7: files end to end

Nothing here is committed beyond this script: generate the log where you need it.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import numpy as np

MODELS = ("mistral-large-2", "llama-3.1-8b", "llama-3.1-70b")
CUSTOMERS = tuple(f"customer-{i:02d}" for i in range(12))
START = datetime(2026, 1, 1, tzinfo=UTC)
DAYS = 90


def columns(count: int, seed: int = 0) -> dict[str, np.ndarray]:
    """``count`` log rows as columns, in time order, the same for the same seed: Unix
    seconds (whole), model, customer and token counts."""
    rng = np.random.default_rng(seed)
    seconds = np.sort(rng.random(count)) * DAYS * 86_400
    # a day/night cycle: move a third of the requests into working hours
    hour = (seconds // 3600) % 24
    night = (hour < 7) & (rng.random(count) < 0.33)
    seconds = np.where(night, seconds + 9 * 3600, seconds)
    seconds = np.sort(np.minimum(seconds, DAYS * 86_400 - 1))
    model = rng.choice(len(MODELS), count, p=(0.3, 0.5, 0.2))
    customer = rng.choice(len(CUSTOMERS), count, p=np.arange(12, 0, -1) / 78)
    inputs = np.rint(rng.lognormal(np.log(400), 0.9, count)).clip(1, 100_000)
    outputs = np.rint(rng.lognormal(np.log(250), 0.7, count)).clip(1, 8_000)
    return {"seconds": START.timestamp() + seconds.astype(np.int64), "model": model,
            "customer": customer, "input_tokens": inputs.astype(np.int64),
            "output_tokens": outputs.astype(np.int64)}


def rows(count: int, seed: int = 0) -> Iterator[dict]:
    """``count`` log rows, in time order, the same for the same seed."""
    c = columns(count, seed)
    for i in range(count):
        yield {"timestamp": datetime.fromtimestamp(float(c["seconds"][i]), tz=UTC).isoformat(
            timespec="seconds").replace("+00:00", "Z"), "model": MODELS[c["model"][i]],
            "customer": CUSTOMERS[c["customer"][i]], "input_tokens": int(c["input_tokens"][i]),
            "output_tokens": int(c["output_tokens"][i])}


def arrow_batches(count: int, seed: int = 0, batch: int = 1_000_000,
                  timestamps: str = "text") -> Iterator:
    """The log as pyarrow record batches: ``timestamps`` as ISO UTC text (``...Z``) or as
    a UTC timestamp column (``timestamp``, as a data lake's Parquet holds them)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    c = columns(count, seed)
    models, customers = pa.array(MODELS), pa.array(CUSTOMERS)
    for start in range(0, count, batch):
        part = slice(start, start + batch)
        stamps = pa.array(c["seconds"][part].astype("datetime64[s]"), pa.timestamp("s", "UTC"))
        if timestamps == "text":
            stamps = pc.strftime(stamps, format="%Y-%m-%dT%H:%M:%SZ")
        yield pa.record_batch({
            "timestamp": stamps, "model": models.take(pa.array(c["model"][part])),
            "customer": customers.take(pa.array(c["customer"][part])),
            "input_tokens": pa.array(c["input_tokens"][part]),
            "output_tokens": pa.array(c["output_tokens"][part])})


def write_file(path: str, count: int, seed: int = 0, fmt: str = "jsonl") -> None:
    """Write the log to ``path`` as JSON lines (the rows of ``rows``) or Parquet (a UTC
    timestamp column, row groups of a million rows, or of a tenth of the log when smaller),
    vectorised with pyarrow."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if fmt == "parquet":
        writer = None
        rows_per_group = min(1_000_000, max(1, count // 10))  # ten partitions for Dask at least
        for part in arrow_batches(count, seed, rows_per_group, timestamps="timestamp"):
            writer = writer or pq.ParquetWriter(path, part.schema)
            writer.write_table(pa.Table.from_batches([part]))
        if writer is not None:
            writer.close()
        return
    with open(path, "wb") as out:
        for part in arrow_batches(count, seed):
            text = [pc.cast(part.column(k), pa.string()) for k in range(part.num_columns)]
            line = pc.binary_join_element_wise(
                '{"timestamp": "', text[0], '", "model": "', text[1], '", "customer": "',
                text[2], '", "input_tokens": ', text[3], ', "output_tokens": ', text[4],
                "}\n", "")
            bounds = np.frombuffer(line.buffers()[1], dtype=np.int32)  # the lines' offsets
            out.write(memoryview(line.buffers()[2])[bounds[line.offset]:
                                                   bounds[line.offset + len(line)]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("--time", action="store_true", help="time lca usage over the log")
    parser.add_argument("--files", action="store_true", help="time lca usage end to end over "
                        "the log as Parquet and JSON lines files (in a temporary folder), and "
                        "on Dask with one and two local workers")
    args = parser.parse_args()
    if args.time:
        timing(args.rows, args.seed)
        return
    if args.files:
        files_end_to_end(args.rows, args.seed)
        return
    write(sys.stdout, args.rows, args.seed, args.format)


def write(out, count: int, seed: int, fmt: str) -> None:
    """Write the log to ``out`` as JSON lines or CSV."""
    if fmt == "csv":
        writer = csv.DictWriter(out, ["timestamp", "model", "customer", "input_tokens",
                                      "output_tokens"])
        writer.writeheader()
        writer.writerows(rows(count, seed))
    else:
        for row in rows(count, seed):
            out.write(json.dumps(row) + "\n")


def timing(count: int, seed: int) -> None:
    """Print the time of lca.usage over ``count`` rows, with and without the Monte Carlo."""
    from pathlib import Path

    from lca.interchange.yamlio import load_yaml
    from lca.usage import usage

    deployments = load_yaml((Path(__file__).parents[1] / "examples" / "deployments.yaml"
                             ).read_text())
    log = list(rows(count, seed))
    for samples in (0, 200):
        start = time.perf_counter()
        result = usage(log, deployments, ["model", "customer", "month"], samples=samples)
        spent = time.perf_counter() - start
        print(f"usage: {count:,} rows, {len(result['groups'])} groups, {samples} draws: "
              f"{spent:.2f} s, {spent / count * 1e6:.1f} us/row")


GROUP_BY = "model,customer,month"


def files_end_to_end(count: int, seed: int = 0, samples: int = 0,
                     draws_rows: int = 20_000) -> None:
    """Print the time of ``lca usage`` over a ``count``-row log written as Parquet (a UTC
    timestamp column, row groups of a million rows) and as JSON lines in a temporary folder:
    each command run whole, as a user runs it (start-up, both passes over the file, the CSV of
    the groups written), with its default workers (the CPU count) and with one; then the same
    Parquet file through lca.usage.dask on a LocalCluster of one and of two worker processes
    (one thread each, the cluster started and lca imported on it beforehand). ``samples``
    shared draws (0: central
    totals only); the cost of the default draws is timed on the first ``draws_rows`` rows."""
    import os
    import tempfile
    from pathlib import Path

    from lca.usage import DEFAULT_SAMPLES

    root = Path(__file__).parents[1]
    lca = [str(Path(sys.executable).with_name("lca"))]
    deployments = str(root / "examples" / "deployments.yaml")
    cores = os.cpu_count() or 1
    print(f"7. usage log files, {count:,} rows by {GROUP_BY}, --samples {samples} "
          f"(central totals; the default is --samples {DEFAULT_SAMPLES}), {cores} cores, "
          f"load average {os.getloadavg()[0]:.1f} (CPU seconds are the work, wall seconds "
          f"what a shared machine gave it):")
    with tempfile.TemporaryDirectory(prefix="lca-bench-usage-") as folder:
        logs = {fmt: str(Path(folder) / f"log.{fmt}") for fmt in ("parquet", "jsonl")}
        for fmt, path in logs.items():
            start = time.perf_counter()
            write_file(path, count, seed, fmt)
            size = Path(path).stat().st_size / 1e6
            print(f"   wrote {fmt} ({size:,.0f} MB) in {time.perf_counter() - start:.1f} s")
        for fmt, path in logs.items():
            for workers in (cores, 1):
                command = [*lca, "usage", path, "--deployments", deployments, "--group-by",
                           GROUP_BY, "--samples", str(samples), "--workers", str(workers),
                           "--output", str(Path(folder) / "groups.csv")]
                spent, cpu = _timed(command)
                print(f"   {fmt:8} {workers} worker{'s' if workers > 1 else ' '}: "
                      f"{spent:6.1f} s end to end, {spent / count * 1e6:.2f} us/row "
                      f"({cpu:.1f} s CPU)")
        part = str(Path(folder) / "draws.parquet")
        write_file(part, draws_rows, seed, "parquet")
        command = [*lca, "usage", part, "--deployments", deployments, "--group-by", GROUP_BY,
                   "--output", str(Path(folder) / "groups.csv")]
        spent, cpu = _timed(command)
        print(f"   with the default {DEFAULT_SAMPLES} shared draws, {draws_rows:,} rows: "
              f"{spent:.1f} s end to end, {spent / draws_rows * 1e6:.0f} us/row")
        dask_ratio(logs["parquet"], count, samples)


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (the command and its worker processes) of a command."""
    import os
    import subprocess

    before = os.times()
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    spent = time.perf_counter() - start
    after = os.times()
    return spent, (after.children_user - before.children_user
                   + after.children_system - before.children_system)


def dask_ratio(path: str, count: int, samples: int = 0) -> None:
    """Print lca.usage.dask's time over a Parquet log (a partition per row group) on a
    LocalCluster of one and of two worker processes, and the ratio."""
    try:
        import dask.dataframe as dd
        from distributed import Client, LocalCluster
    except ImportError:
        print("   dask: not installed (pip install 'lca[dask]')")
        return
    from pathlib import Path

    from lca.interchange.yamlio import load_yaml
    from lca.usage.dask import usage_dask

    deployments = load_yaml((Path(__file__).parents[1] / "examples" / "deployments.yaml"
                             ).read_text())
    times, busiest = {}, {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None,
                          processes=True) as cluster, Client(cluster) as client:
            logs = dd.read_parquet(path, split_row_groups=True)
            client.run(_warm)  # a cluster that serves lca has it imported and its factors read
            before = client.run(_cpu_seconds)
            start = time.perf_counter()
            usage_dask(logs, deployments, GROUP_BY.split(","), samples=samples)
            times[workers] = time.perf_counter() - start
            after = client.run(_cpu_seconds)
        spent = [after[w] - before[w] for w in after]
        busiest[workers] = max(spent)
        print(f"   dask, {workers} worker{'s' if workers > 1 else ' '} "
              f"({logs.npartitions} partitions): {times[workers]:6.1f} s, "
              f"{times[workers] / count * 1e6:.2f} us/row (workers' CPU: "
              f"{', '.join(f'{t:.1f}' for t in spent)} s)")
    print(f"   dask: 2 workers {times[1] / times[2]:.2f}x one worker in wall time; "
          f"{busiest[1] / busiest[2]:.2f}x by the busiest worker's CPU time (what an idle "
          "machine's wall time follows)")


def _warm() -> None:
    """Import lca's usage engine and read the packaged factor sets (run on each worker)."""
    import pyarrow  # noqa: F401

    from lca.estimator import estimator_for
    from lca.usage import dask  # noqa: F401

    estimator_for(None)


def _cpu_seconds() -> float:
    """User and system CPU seconds of this process (run on each Dask worker)."""
    import os

    times = os.times()
    return times.user + times.system


def side_by_side(count: int, singles: int = 1000) -> None:
    """Print lca.usage's cost per row (central, and with 200 shared draws) beside the loop of
    single estimates (no Monte Carlo) it replaces, over the same seeded log (make bench)."""
    from pathlib import Path

    import lca
    from lca.interchange.yamlio import load_yaml
    from lca.usage import read_deployments, usage
    from lca.usage.deployments import with_traffic

    text = (Path(__file__).parents[1] / "examples" / "deployments.yaml").read_text()
    deployments = load_yaml(text)
    log = list(rows(count))
    times = {}
    for samples in (0, 200):
        start = time.perf_counter()
        usage(log, deployments, ["model", "customer", "month"], samples=samples)
        times[samples] = (time.perf_counter() - start) / count * 1e6
    read = read_deployments(deployments)
    hourly: dict[tuple[str, str], int] = {}
    for row in log:
        key = (row["model"], row["timestamp"][:13])
        hourly[key] = hourly.get(key, 0) + 1
    start = time.perf_counter()
    for row in log[:singles]:
        profile = with_traffic(read.models[row["model"]],
                                hourly[(row["model"], row["timestamp"][:13])] / 3600,
                                {"input_tokens": row["input_tokens"],
                                 "output_tokens": row["output_tokens"]})
        lca.estimate({**profile, "uncertainty": False})
    single = (time.perf_counter() - start) / singles * 1e6
    print(f"7. usage log, {count:,} rows by model, customer and month: {times[0]:.1f} us/row "
          f"({single / times[0]:.0f}x faster than single estimates, {single:.0f} us each); "
          f"with 200 shared draws {times[200]:.1f} us/row")


if __name__ == "__main__":
    main()
