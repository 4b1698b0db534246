"""The footprint of real traffic: request-log rows in, footprints by group out (docs/usage.md).

A deployment file says how each model named in the log is served (the inference section of a
profile, without its traffic). Each model's arrival rate in each hour is the log's own count of
its requests in that hour (count / 3600 s), so that the replicas provisioned or autoscaled, the
batch they sustain and the idle capacity of quiet hours are those of the traffic model
(lca.model.serving). Each row is the single estimate of its request: the deployment's profile
with the row's token counts and the hour's rate, read once per model and calculated over a
batch's rows as columns (lca.reading.bind.bind_columns, as lca.engine.columns does; each row's
hourly rate is a column too). A row with a measured energy (``energy_wh``) is the single
estimate of a request of that measured energy.

The rows travel as batches of columns (lca.usage.columns.Columns): checked with numpy masks
(each rejected row keeps its line and reason), summed into their groups with bincount. Readers
build the batches: from row objects (``usage``, ``usage_stream``), from Arrow tables
(lca.usage.arrow: Parquet, JSON lines, a pandas partition).

Uncertainty of sums: every input with a range is drawn once for the whole log (the same
quantile stream per origin, lca.engine.montecarlo.quantiles), and each draw's total is the sum
over rows at that draw; a total's 5-95 % range is taken over the draws of the total, so factors
that every row shares move together and the relative range does not shrink as rows are added.

Each hour's idle replica time is shared among that hour's requests by their busy time: a
middle pass sums each model-hour's busy replica-seconds (lca.usage.run.Run.busy), and each row
is calculated with its hour's mean busy time over its own (``inference.hour_mean_busy_ratio``).

Pure: no file is read here (readers live in cli/usage.py); a source of rows or batches is
called three times (to count each hour's requests, to sum their busy time, to estimate).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from lca.engine import montecarlo as mc
from lca.errors import ProfileError
from lca.estimator import Estimator, estimator_for
from lca.factors import FactorSet
from lca.quantities import CANONICAL_UNITS
from lca.usage.columns import Columns, batches_of_rows, hour_counts
from lca.usage.deployments import Deployments, read_deployments
from lca.usage.rows import TIME_GROUPS, Unreadable
from lca.usage.run import DEFAULT_CHUNK_ROWS, DEFAULT_SAMPLES, Busy, Run, Totals

__all__ = ["DEFAULT_SAMPLES", "TIME_GROUPS", "Columns", "Deployments", "Unreadable",
           "check_group_by", "read_deployments", "tag_names", "usage", "usage_columns",
           "usage_result", "usage_stream"]


Source = Callable[[], Iterable[tuple[int, object]]]


def usage(rows: Sequence[Mapping] | Mapping[str, Sequence], deployments: Mapping | Deployments,
          group_by: Sequence[str] = ("model",), samples: int = DEFAULT_SAMPLES,
          seed: int = mc.DEFAULT_SEED, factors: FactorSet | Estimator | None = None) -> dict:
    """Footprint of the requests in ``rows`` (a list of row objects, or a table: column name
    -> list of values), grouped by ``group_by`` (``model``, ``hour``/``day``/``month``/``year``
    of the timestamp, or any tag column); see usage_stream for the result. Line numbers in the
    rejects count rows from 1."""
    if isinstance(rows, Mapping):
        columns = {k: list(v) for k, v in rows.items()}
        length = len(next(iter(columns.values()))) if columns else 0
        rows = [{k: v[i] for k, v in columns.items()} for i in range(length)]
    listed = list(rows)
    return usage_stream(lambda: enumerate(listed, start=1), deployments, group_by, samples,
                        seed, factors)


def check_group_by(group_by: Sequence[str]) -> list[str]:
    """The group-by names, checked (non-empty text, no repeats); ProfileError otherwise."""
    names = list(group_by)
    bad = [n for n in names if not isinstance(n, str) or not n or n.startswith("_")]
    if bad or len(set(names)) != len(names):
        raise ProfileError([{"field": "group_by", "message": "expected distinct column names "
                             "(model, hour, day, month, year or a tag column of the log)"}])
    return names


def usage_stream(source: Source, deployments: Mapping | Deployments, group_by: Sequence[str],
                 samples: int = DEFAULT_SAMPLES, seed: int = mc.DEFAULT_SEED,
                 factors: FactorSet | Estimator | None = None,
                 chunk_rows: int = DEFAULT_CHUNK_ROWS,
                 on_reject: Callable[[int, str], None] | None = None,
                 progress: Callable[[int], None] | None = None) -> dict:
    """Footprint of the rows ``source()`` yields as (line number, row object), in bounded
    memory: ``source`` is called three times (one pass counts each model's requests per hour,
    the next sums their busy time, the last estimates ``chunk_rows`` rows at a time), each
    chunk turned into columns (lca.usage.columns.from_rows); see usage_columns for the rest."""
    tags = tag_names(check_group_by(group_by))

    def batches() -> Iterator[Columns]:
        return batches_of_rows(source(), tags, chunk_rows)
    return usage_columns(batches, deployments, group_by, samples, seed, factors, on_reject,
                         progress)


def tag_names(group_by: Sequence[str]) -> list[str]:
    """The group-by names that are tag columns of the log (not model nor a time group)."""
    return [n for n in group_by if n != "model" and n not in TIME_GROUPS]


def usage_columns(batches: Callable[[], Iterable[Columns]],
                  deployments: Mapping | Deployments, group_by: Sequence[str],
                  samples: int = DEFAULT_SAMPLES, seed: int = mc.DEFAULT_SEED,
                  factors: FactorSet | Estimator | None = None,
                  on_reject: Callable[[int, str], None] | None = None,
                  progress: Callable[[int], None] | None = None) -> dict:
    """Footprint of the rows of the batches of columns ``batches()`` yields (called three
    times: one pass counts each model's requests per hour, the next sums each hour's busy
    replica time (Run.busy), the last estimates each batch). Rejected
    rows go to ``on_reject(line, reason)`` (and are listed in the result when it is None);
    ``progress(rows)`` is told the rows estimated so far after each batch.

    Returns ``{"group_by", "groups": [{key..., "requests", "input_tokens", "output_tokens",
    INDICATOR: {"total", "low", "high", "mean_per_request"}}], "summary": {"rows_read",
    "rows_estimated", "rows_rejected", "samples", "seed", "factors_version"}, "rejects"}``,
    totals in canonical units (kWh, kgCO2e, L, kg Sb eq, MJ); low/high are the 5th and 95th
    percentiles of each total over draws shared by every row (None when ``samples`` is 0).
    """
    estimator = estimator_for(factors)
    if not isinstance(deployments, Deployments):
        deployments = read_deployments(deployments, estimator)
    names = check_group_by(group_by)
    check_samples(samples)
    rejects: list[dict] = []

    def reject(line: int, reason: str) -> None:
        if on_reject is None:
            rejects.append({"line": line, "reason": reason})
        else:
            on_reject(line, reason)

    counts: dict[tuple[str, int], int] = {}
    for columns in batches():
        hour_counts(columns, deployments, counts)
    busy: Busy = {}
    timing = Run(estimator, deployments, names, 0, seed, counts)
    for columns in batches():
        timing.busy(columns, busy)
    run = Run(estimator, deployments, names, samples, seed, counts, busy)
    read = estimated = 0
    for columns in batches():
        read += len(columns) + len(columns.unreadable)
        estimated += run.add(columns, reject)
        if progress is not None:
            progress(estimated)
    return usage_result(run.totals, names, read, estimated, samples, seed,
                        estimator.factor_set(deployments.factors_version).version, rejects)


def usage_result(totals: Totals, names: list[str], read: int, estimated: int, samples: int,
                 seed: int, version: str, rejects: list[dict]) -> dict:
    """What usage_columns returns, from the groups' totals and the counts of rows."""
    return {"group_by": names, "groups": totals.result(names),
            "units": dict(CANONICAL_UNITS),
            "summary": {"rows_read": read, "rows_estimated": estimated,
                        "rows_rejected": read - estimated, "samples": samples, "seed": seed,
                        "factors_version": version},
            "rejects": sorted(rejects, key=lambda r: r["line"])}


def check_samples(samples: object) -> None:
    """ProfileError unless ``samples`` is an integer from 0 to 10000."""
    if not isinstance(samples, int) or isinstance(samples, bool) or not 0 <= samples <= 10_000:
        raise ProfileError([{"field": "samples", "message": "an integer from 0 to 10000"}])
