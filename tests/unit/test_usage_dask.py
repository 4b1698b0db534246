"""lca.usage.dask: a Dask DataFrame's partitions mapped and reduced give lca.usage's groups."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("dask.dataframe", reason="needs pip install 'lca[dask]'")
distributed = pytest.importorskip("distributed", reason="needs pip install 'lca[dask]'")

import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from cli import main  # noqa: E402
from lca.quantities import INDICATORS  # noqa: E402
from lca.usage import usage  # noqa: E402
from lca.usage.dask import (  # noqa: E402
    hour_busy,
    hour_counts,
    partition_groups,
    spark_schema,
    usage_dask,
)

DEPLOYMENTS = {"models": {
    "llama-3.1-8b": {"inference": {"hardware": "nvidia-h100-sxm", "location": "USA",
                                   "min_replicas": 1, "max_replicas": 4}},
    "small-fr": {"model": "llama-3.1-8b", "inference": {"hardware": "nvidia-h100-sxm",
                                                        "location": "FRA", "replicas": 2}}}}
GROUP_BY = ["model", "customer", "month"]


def _log(n: int = 240) -> list[dict]:
    """A seeded log: two models, four customers, three months, a few bad rows."""
    rng = np.random.default_rng(18)
    rows = [{"timestamp": f"2026-0{1 + i % 3}-{1 + i % 5:02d}T{i % 24:02d}:{i % 60:02d}:00Z",
             "model": ("llama-3.1-8b", "small-fr")[i % 2],
             "input_tokens": int(rng.integers(1, 4000)),
             "output_tokens": int(rng.integers(1, 800)), "customer": f"c{i % 4}"}
            for i in range(n)]
    rows[5]["input_tokens"] = -1
    rows[7]["model"] = "not-deployed"
    rows[9]["output_tokens"] = 0  # outside the field's range: rejected when bound
    return rows


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as local, \
            distributed.Client(local) as client:
        yield local, client


def _assert_same(got: dict, want: dict) -> None:
    assert got["summary"] == want["summary"]
    assert got["rejects"] == want["rejects"]
    assert len(got["groups"]) == len(want["groups"]) > 1
    for a, b in zip(got["groups"], want["groups"], strict=True):
        assert [a[k] for k in GROUP_BY] == [b[k] for k in GROUP_BY]
        assert a["requests"] == b["requests"]
        assert a["input_tokens"] == pytest.approx(b["input_tokens"], rel=1e-9)
        for indicator in INDICATORS:
            for part in ("total", "low", "high", "mean_per_request"):
                if b[indicator][part] is None:
                    assert a[indicator][part] is None
                else:
                    assert a[indicator][part] == pytest.approx(b[indicator][part], rel=1e-9)


@pytest.mark.parametrize("samples", [0, 40])
def test_partitions_on_two_workers_give_the_single_machine_groups(cluster, samples):
    rows = _log()
    ddf = dd.from_pandas(pd.DataFrame(rows), npartitions=4)
    assert ddf.npartitions >= 3
    got = usage_dask(ddf, DEPLOYMENTS, GROUP_BY, samples=samples, seed=5)
    _assert_same(got, usage(rows, DEPLOYMENTS, GROUP_BY, samples=samples, seed=5))
    assert [r["line"] for r in got["rejects"]] == [6, 8, 10]


def test_a_date_time_column_reads_as_its_utc_text(cluster):
    rows = _log(60)
    frame = pd.DataFrame(rows)
    # the same instants two hours west of UTC, as a Parquet timestamp column would arrive
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True).dt.tz_convert("-02:00")
    got = usage_dask(dd.from_pandas(frame, npartitions=3), DEPLOYMENTS, GROUP_BY, samples=0)
    _assert_same(got, usage(rows, DEPLOYMENTS, GROUP_BY, samples=0))


def test_partition_tables_add_up_and_fit_the_spark_schema():
    frame = pd.DataFrame(_log(40))
    counts = {tuple(r[:2]): int(r[2]) for r in hour_counts(frame, DEPLOYMENTS).itertuples(
        index=False)}
    table = partition_groups(frame, DEPLOYMENTS, GROUP_BY, counts, samples=3)
    names = [c.split("`")[1] for c in spark_schema(GROUP_BY, 3).split(", ")]
    assert list(table.columns) == names
    assert table["requests"].sum() == 37  # 40 rows, 3 rejected


def test_partitions_busy_sums_add_up_to_the_whole_logs():
    frame = pd.DataFrame(_log(240))
    counts = {tuple(r[:2]): int(r[2]) for r in hour_counts(frame, DEPLOYMENTS).itertuples(
        index=False)}
    whole = hour_busy(frame, DEPLOYMENTS, counts).set_index(["model", "hour"]).sort_index()
    halves = pd.concat([hour_busy(frame.iloc[:120], DEPLOYMENTS, counts),
                        hour_busy(frame.iloc[120:], DEPLOYMENTS, counts)])
    summed = halves.groupby(["model", "hour"]).sum().sort_index()
    assert (summed["rows"] == whole["rows"]).all() and whole["rows"].max() == 2  # mixed hours
    assert np.allclose(summed["busy_seconds"], whole["busy_seconds"], rtol=1e-12)
    assert whole["rows"].sum() == 237  # the rejected rows carry no busy time
    frame["id"] = [str(i) for i in range(len(frame))]  # a group per row
    table = partition_groups(frame, DEPLOYMENTS, ["id"], counts, samples=0)
    shared = partition_groups(frame, DEPLOYMENTS, ["id"], counts, samples=0, busy={
        k: (b, n) for k, b, n in zip(whole.index, whole["busy_seconds"], whole["rows"],
                                     strict=True)})
    # the same total over the log (the sharing moves idle time between rows of an hour, and
    # every hour's rows are in the table), not the same rows
    assert shared["energy_total"].sum() == pytest.approx(table["energy_total"].sum(), rel=1e-9)
    assert not np.allclose(shared["energy_total"], table["energy_total"], rtol=1e-6)


def test_the_command_line_runs_on_a_given_scheduler(cluster, tmp_path: Path):
    rows = _log(50)
    log = tmp_path / "log.jsonl"
    log.write_text("".join(json.dumps(r) + "\n" for r in rows))
    deployments = tmp_path / "deployments.json"
    deployments.write_text(json.dumps(DEPLOYMENTS))
    local, _client = cluster
    result = CliRunner().invoke(main, [
        "usage", str(log), "--deployments", str(deployments), "--group-by", ",".join(GROUP_BY),
        "--format", "json", "--samples", "0", "--engine", "dask",
        "--scheduler", local.scheduler_address], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    want = usage(rows, DEPLOYMENTS, GROUP_BY, samples=0)
    _assert_same({**printed, "rejects": want["rejects"]}, want)
    assert "50 rows read = 47 estimated + 3 rejected" in result.stderr
