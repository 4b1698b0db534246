"""Usage logs beyond one machine: lca.usage over the partitions of a Dask DataFrame (docs/usage.md).

The same three passes as lca.usage_stream, each a map over partitions and a reduction:

1. ``hour_counts(frame)`` counts each model's valid requests per UTC hour in one partition; the
   counts of all partitions are summed (they set each hour's rate, which needs the whole log).
2. ``hour_busy(frame, ...)`` sums each model-hour's busy replica-seconds at those rates in one
   partition; the partitions' sums are summed (each hour's idle time is shared among its
   requests by busy time, which needs the whole hour).
3. ``partition_groups(frame, ...)`` estimates one partition's rows at those rates (the single
   engine's chunk code, lca.usage.Run) and returns its groups as a flat table: the group keys,
   ``requests``, the token totals, each indicator's ``{indicator}_total`` and, with draws, its
   total at each shared draw ``{indicator}_draw_{k}``. Every column adds, so the partitions'
   tables are reduced by summing per group; ``groups_result`` turns the summed table into the
   groups of lca.usage (percentiles over the summed draws).

Both partition functions take and return pandas DataFrames and nothing of Dask, so Spark's
``DataFrame.mapInPandas`` can call them too (``spark_partitions``, ``spark_schema``). Dask is
imported only when ``usage_dask`` is called: ``pip install 'lca[dask]'``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lca.engine import montecarlo as mc
from lca.estimator import estimator_for
from lca.factors import FactorSet
from lca.quantities import CANONICAL_UNITS, INDICATORS
from lca.usage import check_group_by, tag_names
from lca.usage.columns import Columns, from_rows
from lca.usage.columns import hour_counts as count_hours
from lca.usage.deployments import Deployments, read_deployments
from lca.usage.run import DEFAULT_SAMPLES, Busy, Run, Totals, counts_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["groups_result", "hour_busy", "hour_counts", "partition_groups", "spark_partitions",
           "spark_schema", "sum_groups", "usage_dask", "value_columns"]

COUNT_COLUMNS = ("model", "hour", "count")
BUSY_COLUMNS = ("model", "hour", "busy_seconds", "rows")


def _records(frame: pd.DataFrame) -> list[dict]:
    """A partition's rows as plain mappings, read as lca.usage reads them: date-time columns as
    ISO UTC text (naive ones read as UTC), missing values (NaN, NaT, None) left out."""
    import pandas as pd

    frame = frame.copy()
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            if getattr(column.dt, "tz", None) is not None:
                column = column.dt.tz_convert("UTC").dt.tz_localize(None)
            frame[name] = column.dt.strftime("%Y-%m-%dT%H:%M:%S").where(column.notna()) + "Z"
    rows = frame.to_dict("records")
    return [{k: v for k, v in row.items() if not _missing(v)} for row in rows]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def frame_columns(frame: pd.DataFrame, tags: Sequence[str], first_line: int = 1) -> Columns:
    """A partition as columns (lca.usage.columns), its rows numbered from ``first_line``:
    through Arrow (lca.usage.arrow) where pyarrow takes the frame, else row by row."""
    try:
        import pyarrow as pa
    except ImportError:
        return from_rows(list(enumerate(_records(frame), start=first_line)), tags)
    from lca.usage.arrow import from_arrow

    try:
        return from_arrow(pa.Table.from_pandas(frame, preserve_index=False), first_line, tags)
    except pa.ArrowException:  # mixed types in a column, say: as one row reads them
        return from_rows(list(enumerate(_records(frame), start=first_line)), tags)


def hour_counts(frame: pd.DataFrame, deployments: Mapping | Deployments,
                group_by: Sequence[str] = ("model",)) -> pd.DataFrame:
    """Pass 1 on one partition: the number of valid rows per (model, UTC hour), as a table
    ``model, hour, count`` (rows lca.usage would reject are not counted)."""
    import pandas as pd

    deployments = _deployments(deployments)
    check_group_by(group_by)
    counts = count_hours(frame_columns(frame, []), deployments)
    return pd.DataFrame(counts_table(counts), columns=COUNT_COLUMNS)


def _hour_keys(counts: Mapping[tuple[str, str], int]) -> dict[tuple[str, int], int]:
    """Hourly counts keyed by ``YYYY-MM-DDTHH`` text, keyed by hour since 1970 instead."""
    items = list(counts.items())
    hours = (np.array([h for (_, h), _ in items], dtype="datetime64[h]")
             - np.datetime64("1970-01-01T00", "h")).astype(np.int64).tolist()
    return {(m, h): int(c) for ((m, _), c), h in zip(items, hours, strict=True)}


def hour_busy(frame: pd.DataFrame, deployments: Mapping | Deployments,
              counts: Mapping[tuple[str, str], int], factors: FactorSet | None = None
              ) -> pd.DataFrame:
    """Pass 2 on one partition: its modelled rows' busy replica-seconds at the log's hourly
    rates ``counts``, summed per (model, UTC hour), as a table ``model, hour, busy_seconds,
    rows`` whose rows add across partitions (lca.usage.run.Run.busy)."""
    import pandas as pd

    deployments = _deployments(deployments, factors)
    run = Run(estimator_for(factors), deployments, [], 0, 0, _hour_keys(counts))
    busy: Busy = {}
    run.busy(frame_columns(frame, []), busy)
    table = counts_table({k: n for k, (_, n) in busy.items()})
    sums = [b for b, _ in busy.values()]
    return pd.DataFrame([(m, h, b, n) for (m, h, n), b in zip(table, sums, strict=True)],
                        columns=BUSY_COLUMNS)


def _busy_keys(busy: Mapping[tuple[str, str], tuple[float, int]]) -> Busy:
    """Hourly busy sums keyed by ``YYYY-MM-DDTHH`` text, keyed by hour since 1970 instead."""
    hours = _hour_keys({k: 0 for k in busy})
    return {(m, h): busy[(m, text)] for (m, text), (_, h) in zip(
        busy, hours, strict=True)}


def value_columns(samples: int) -> list[str]:
    """The columns of a partition's groups table after the keys, all of which add."""
    columns = ["requests", "input_tokens", "output_tokens"]
    columns += [f"{i}_total" for i in INDICATORS]
    columns += [f"{i}_draw_{k}" for i in INDICATORS for k in range(samples)]
    return columns


def partition_groups(frame: pd.DataFrame, deployments: Mapping | Deployments,
                     group_by: Sequence[str], counts: Mapping[tuple[str, str], int],
                     samples: int = DEFAULT_SAMPLES, seed: int = mc.DEFAULT_SEED,
                     factors: FactorSet | None = None, first_line: int = 1,
                     rejects: list[dict] | None = None,
                     busy: Mapping[tuple[str, str], tuple[float, int]] | None = None
                     ) -> pd.DataFrame:
    """Pass 3 on one partition: its rows estimated at the log's hourly rates ``counts``
    ((model, hour) -> requests in the whole log), each hour's idle time shared by busy time
    where ``busy`` gives the hours' summed busy time ((model, hour) -> (busy replica-seconds,
    rows), hour_busy summed over the log; None: each row's single estimate), as a groups table
    (the keys, then ``value_columns(samples)``) whose rows add across partitions. Rejected rows
    are appended to ``rejects`` as ``{"line", "reason"}``, lines numbered from ``first_line``."""
    import pandas as pd

    deployments = _deployments(deployments, factors)
    names = check_group_by(group_by)
    run = Run(estimator_for(factors), deployments, names, samples, seed, _hour_keys(counts),
              None if busy is None else _busy_keys(busy))

    def reject(line: int, reason: str) -> None:
        if rejects is not None:
            rejects.append({"line": line, "reason": reason})

    run.add(frame_columns(frame, tag_names(names), first_line), reject)
    totals = run.totals
    count = len(totals.keys)
    values = np.zeros((count, len(value_columns(samples))))
    values[:, 0] = totals.requests[:count]
    values[:, 1:3] = totals.tokens[:count]
    values[:, 3:3 + len(INDICATORS)] = totals.totals[:count]
    if samples:
        values[:, 3 + len(INDICATORS):] = totals.draws[:count].reshape(count, -1)
    key_table = pd.DataFrame({n: pd.Series([k[i] for k in totals.keys], dtype=object)
                              for i, n in enumerate(names)})
    result = pd.concat([key_table, pd.DataFrame(values, columns=value_columns(samples))],
                       axis=1)
    result["requests"] = result["requests"].astype("int64")
    return result


def sum_groups(tables: Sequence[pd.DataFrame], group_by: Sequence[str]) -> pd.DataFrame:
    """Partitions' groups tables summed per group (the reduction)."""
    import pandas as pd

    table = pd.concat(list(tables), ignore_index=True)
    if not group_by:
        return table.sum().to_frame().T
    return table.groupby(list(group_by), sort=False, as_index=False).sum()


def groups_result(table: pd.DataFrame, group_by: Sequence[str], samples: int) -> list[dict]:
    """The groups of lca.usage (sorted by key; total, low, high, mean per request per
    indicator) from a summed groups table."""
    names = list(group_by)
    totals = Totals(samples)
    keys = [tuple(str(v) for v in key) for key in table[names].itertuples(index=False)]
    numbers = totals.numbers(keys)
    totals.requests[numbers] += table["requests"].to_numpy(dtype=np.int64)
    totals.tokens[numbers] += table[["input_tokens", "output_tokens"]].to_numpy(dtype=float)
    totals.totals[numbers] += table[[f"{i}_total" for i in INDICATORS]].to_numpy(dtype=float)
    if samples:
        draws = table[[f"{i}_draw_{k}" for i in INDICATORS for k in range(samples)]]
        totals.draws[numbers] += draws.to_numpy(dtype=float).reshape(len(keys), len(INDICATORS),
                                                                     samples)
    return totals.result(names)


def _deployments(deployments: Mapping | Deployments,
                 factors: FactorSet | None = None) -> Deployments:
    if isinstance(deployments, Deployments):
        return deployments
    return read_deployments(deployments, factors)


def usage_dask(ddf: Any, deployments: Mapping | Deployments,
               group_by: Sequence[str] = ("model",), samples: int = DEFAULT_SAMPLES,
               seed: int = mc.DEFAULT_SEED, factors: FactorSet | None = None,
               line_offset: int = 0) -> dict:
    """lca.usage over a Dask DataFrame ``ddf`` (a row per request: timestamp, model,
    input_tokens, output_tokens, tag columns), on the current Dask scheduler (a
    ``distributed.Client`` when one is open). Pass 1 maps hour_counts over the partitions and
    sums the counts; pass 2 maps partition_groups and sums the groups tables in a tree. Returns
    what lca.usage returns; rejects are numbered by row from 1 (+ ``line_offset``, e.g. 1 for a
    CSV's header) across the partitions in order."""
    import dask

    deployments = _deployments(deployments, factors)
    names = check_group_by(group_by)
    from lca.usage import usage  # the same argument checks as the single engine
    usage([], deployments, names, samples, seed, factors)
    parts = ddf.to_delayed()
    counted = dask.compute(*[_count_part(p, deployments, names) for p in parts])
    counts: dict[tuple[str, str], int] = {}
    lengths = []
    for table, length in counted:
        lengths.append(length)
        for model, hour, count in table.itertuples(index=False):
            counts[(model, hour)] = counts.get((model, hour), 0) + int(count)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int) + 1 + line_offset
    busy: dict[tuple[str, str], tuple[float, int]] = {}
    for table in dask.compute(*[_busy_part(p, deployments, counts, factors) for p in parts]):
        for model, hour, b, n in table.itertuples(index=False):
            old_b, old_n = busy.get((model, hour), (0.0, 0))
            busy[(model, hour)] = (old_b + float(b), old_n + int(n))
    partials = [_groups_part(p, deployments, names, counts, samples, seed, factors, int(s),
                             busy)
                for p, s in zip(parts, starts.tolist(), strict=True)]
    while len(partials) > 1:  # a tree of sums: each step halves the number of tables
        partials = [_merge(*partials[i:i + 2], names) if i + 1 < len(partials)
                    else partials[i] for i in range(0, len(partials), 2)]
    (table, rejects) = dask.compute(partials[0])[0]
    read = int(sum(lengths))
    version = estimator_for(factors).factor_set(deployments.factors_version).version
    estimated = int(table["requests"].sum()) if len(table) else 0
    return {"group_by": names, "groups": groups_result(table, names, samples),
            "units": dict(CANONICAL_UNITS),
            "summary": {"rows_read": read, "rows_estimated": estimated,
                        "rows_rejected": read - estimated, "samples": samples, "seed": seed,
                        "factors_version": version},
            "rejects": sorted(rejects, key=lambda r: r["line"])}


def _delayed(function: Callable) -> Callable:
    import dask

    return dask.delayed(function, pure=True)


def _count_part(part: Any, deployments: Deployments, names: list[str]) -> Any:
    return _delayed(lambda frame: (hour_counts(frame, deployments, names), len(frame)))(part)


def _busy_part(part: Any, deployments: Deployments, counts: Mapping[tuple[str, str], int],
               factors: FactorSet | None) -> Any:
    return _delayed(lambda frame: hour_busy(frame, deployments, counts, factors))(part)


def _groups_part(part: Any, deployments: Deployments, names: list[str],
                 counts: Mapping[tuple[str, str], int], samples: int, seed: int,
                 factors: FactorSet | None, first_line: int,
                 busy: Mapping[tuple[str, str], tuple[float, int]]) -> Any:
    def run(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
        rejects: list[dict] = []
        table = partition_groups(frame, deployments, names, counts, samples, seed, factors,
                                 first_line, rejects, busy)
        return table, rejects
    return _delayed(run)(part)


def _merge(a: Any, b: Any, names: list[str]) -> Any:
    def merge(x: tuple, y: tuple) -> tuple[pd.DataFrame, list[dict]]:
        return sum_groups([x[0], y[0]], names), x[1] + y[1]
    return _delayed(merge)(a, b)


# --- Spark


def spark_schema(group_by: Sequence[str], samples: int) -> str:
    """The DDL schema of partition_groups' table, for Spark's mapInPandas."""
    keys = [f"`{n}` string" for n in group_by]
    values = [f"`{c}` {'long' if c == 'requests' else 'double'}" for c in value_columns(samples)]
    return ", ".join(keys + values)


def spark_partitions(deployments: Mapping | Deployments, group_by: Sequence[str],
                     counts: Mapping[tuple[str, str], int], samples: int = DEFAULT_SAMPLES,
                     seed: int = mc.DEFAULT_SEED,
                     busy: Mapping[tuple[str, str], tuple[float, int]] | None = None,
                     ) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """A function for ``spark_df.mapInPandas(f, spark_schema(group_by, samples))``: each
    Arrow batch of a Spark partition estimated by partition_groups at the hours' ``counts``
    and ``busy`` sums (rejected rows are left out; their number is the rows read less the
    summed ``requests``)."""
    deployments = _deployments(deployments)
    names = check_group_by(group_by)

    def per_batch(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for frame in frames:
            yield partition_groups(frame, deployments, names, counts, samples, seed,
                                   busy=busy)
    return per_batch
