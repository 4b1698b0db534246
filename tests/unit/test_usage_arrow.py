"""lca.usage.arrow: an Arrow table's columns read as lca.usage reads the same rows."""

from __future__ import annotations

import datetime as dt

import pytest

pa = pytest.importorskip("pyarrow", reason="needs pip install 'lca[parquet]'")

from lca.usage import usage, usage_columns  # noqa: E402
from lca.usage.arrow import from_arrow  # noqa: E402

DEPLOYMENTS = {"models": {"llama-3.1-8b": {"inference": {
    "hardware": "nvidia-h100-sxm", "location": "USA", "min_replicas": 1, "max_replicas": 4}}}}
STAMPS = ["2026-03-02T10:15:00Z", "2026-03-02 10:59:59.5", "2026-03-02T12:30:00+02:00",
          "2026-02-30T10:00:00Z", "soon", None, "1772446500", "2026-03-02T10:15"]


def _rows() -> list[dict]:
    rows = [{"timestamp": t, "model": "llama-3.1-8b", "input_tokens": 100 + i,
             "output_tokens": 40 + i, "customer": f"c{i % 3}"} for i, t in enumerate(STAMPS)]
    rows += [{"timestamp": STAMPS[0], "model": None, "input_tokens": 1, "output_tokens": 1},
             {"timestamp": STAMPS[0], "model": "other", "input_tokens": 1, "output_tokens": 1},
             {"timestamp": STAMPS[0], "model": "llama-3.1-8b", "input_tokens": -4,
              "output_tokens": 1, "customer": "c0"},
             {"timestamp": STAMPS[0], "model": "llama-3.1-8b", "input_tokens": None,
              "output_tokens": 1},
             {"timestamp": STAMPS[0], "model": "llama-3.1-8b", "input_tokens": 10,
              "output_tokens": 0, "customer": "c1"}]
    return rows


def _same(got: dict, want: dict) -> None:
    assert got["summary"] == want["summary"]
    assert got["rejects"] == want["rejects"]
    assert [g["requests"] for g in got["groups"]] == [g["requests"] for g in want["groups"]]
    for a, b in zip(got["groups"], want["groups"], strict=True):
        assert a["customer"] == b["customer"] and a["hour"] == b["hour"]
        assert a["gwp"]["total"] == pytest.approx(b["gwp"]["total"], rel=1e-12)


def test_an_arrow_table_gives_the_groups_and_rejects_of_its_rows():
    rows = _rows()
    table = pa.Table.from_pylist(rows)
    assert pa.types.is_string(table.schema.field("timestamp").type)
    got = usage_columns(lambda: [from_arrow(table, 1, ["customer"])], DEPLOYMENTS,
                        ["customer", "hour"], samples=0)
    want = usage(rows, DEPLOYMENTS, ["customer", "hour"], samples=0)
    _same(got, want)
    assert want["summary"]["rows_estimated"] == 5  # the first, second, third, seventh, eighth


def test_a_date_time_column_reads_as_its_utc_hour():
    moments = [dt.datetime(2026, 3, 2, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
               dt.datetime(2026, 3, 2, 10, 15), None]
    table = pa.table({"timestamp": pa.array(moments, pa.timestamp("ms", "UTC")),
                      "model": ["llama-3.1-8b"] * 3, "input_tokens": [5, 6, 7],
                      "output_tokens": [3, 4, 5]})
    naive = table.set_column(0, "timestamp", pa.array(
        [dt.datetime(2026, 3, 2, 10, 30), dt.datetime(2026, 3, 2, 10, 15), None],
        pa.timestamp("us")))
    want = usage([{"timestamp": "2026-03-02T10:30:00Z", "model": "llama-3.1-8b",
                   "input_tokens": n, "output_tokens": n - 2} for n in (5, 6)]
                 + [{"model": "llama-3.1-8b", "input_tokens": 7, "output_tokens": 5}],
                 DEPLOYMENTS, ["hour"], samples=0)
    for given in (table, naive):
        got = usage_columns(lambda given=given: [from_arrow(given, 1, [])], DEPLOYMENTS,
                            ["hour"], samples=0)
        assert got["rejects"] == want["rejects"] == [{"line": 3, "reason": (
            "timestamp missing or not ISO 8601 / Unix seconds")}]
        assert got["groups"][0]["hour"] == "2026-03-02T10"
        assert got["groups"][0]["gwp"]["total"] == pytest.approx(
            want["groups"][0]["gwp"]["total"], rel=1e-12)
