"""`lca usage`: a request log and a deployment file in, footprints by group out."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from cli.usage import has_pyarrow
from lca.interchange import load_yaml
from lca.usage import usage

EXAMPLES = Path(__file__).parents[2] / "examples"
DEPLOYMENTS = EXAMPLES / "deployments.yaml"
LOG = EXAMPLES / "usage.jsonl"


def _run(*args: str):
    return CliRunner().invoke(main, ["usage", *args], catch_exceptions=False)


def test_the_readme_example_gives_the_groups_of_lca_usage():
    result = _run(str(LOG), "--deployments", str(DEPLOYMENTS), "--group-by",
                  "model,customer,month", "--format", "json", "--samples", "50")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    rows = [json.loads(line) for line in LOG.read_text().splitlines()]
    expected = usage(rows, load_yaml(DEPLOYMENTS.read_text()), ["model", "customer", "month"],
                     samples=50)
    assert printed["groups"] == expected["groups"]
    assert "300 rows read = 300 estimated + 0 rejected" in result.stderr


def test_json_output_names_the_unit_of_each_indicator():
    result = _run(str(LOG), "--deployments", str(DEPLOYMENTS), "--format", "json",
                  "--samples", "0")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["units"] == {"energy": "kWh", "gwp": "kgCO2e", "water": "L",
                                "adpe": "kgSbeq", "pe": "MJ"}


def test_the_summary_line_names_the_factor_set_and_where_its_sources_are():
    result = _run(str(LOG), "--deployments", str(DEPLOYMENTS), "--samples", "0")
    assert result.exit_code == 0, result.output
    version = json.loads(_run(str(LOG), "--deployments", str(DEPLOYMENTS), "--samples", "0",
                              "--format", "json").stdout)["summary"]["factors_version"]
    assert (f"factor set {version} (each value's source: lca factors TABLE --version {version})"
            in result.stderr)


def test_csv_output_has_one_row_per_group_with_units_in_the_header(tmp_path: Path):
    out = tmp_path / "usage.csv"
    result = _run(str(LOG), "--deployments", str(DEPLOYMENTS), "--group-by", "model",
                  "--samples", "0", "--output", str(out))
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(table) == 3 and sum(int(r["requests"]) for r in table) == 300
    assert float(table[0]["gwp_total [kgCO2e]"]) > 0 and table[0]["gwp_low [kgCO2e]"] == ""


def test_malformed_rows_go_to_the_rejects_file_with_line_and_reason(tmp_path: Path):
    log = tmp_path / "log.csv"
    log.write_text("timestamp,model,input_tokens,output_tokens,customer\n"
                   "2026-01-01T10:00:00Z,llama-3.1-8b,100,50,a\n"
                   "2026-01-01T10:00:00Z,,100,50,a\n"
                   "yesterday,llama-3.1-8b,100,50,b\n"
                   "2026-01-01T11:00:00Z,llama-3.1-8b,-1,50,b\n"
                   "1767265200,llama-3.1-8b,10,five,b\n")
    rejects = tmp_path / "rejects.jsonl"
    result = _run(str(log), "--deployments", str(DEPLOYMENTS), "--group-by", "customer",
                  "--rejects", str(rejects), "--samples", "0")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [r["line"] for r in lines] == [3, 4, 5, 6]
    assert "model" in lines[0]["reason"] and "timestamp" in lines[1]["reason"]
    assert "5 rows read = 1 estimated + 4 rejected" in result.stderr


def test_a_line_that_is_not_json_is_rejected_not_fatal(tmp_path: Path):
    log = tmp_path / "log.jsonl"
    log.write_text(LOG.read_text().splitlines()[0] + "\n{oops\n")
    result = _run(str(log), "--deployments", str(DEPLOYMENTS), "--samples", "0")
    assert result.exit_code == 0
    assert "2 rows read = 1 estimated + 1 rejected" in result.stderr


def test_a_wrong_deployment_file_names_the_field(tmp_path: Path):
    bad = tmp_path / "deployments.yaml"
    bad.write_text("models:\n  m:\n    model: llama-3.1-8b\n    inference:\n"
                   "      hardware: nvidia-h100-sxm\n      requests_per_day: 10\n")
    result = _run(str(LOG), "--deployments", str(bad))
    assert result.exit_code == 1
    assert "deployments.models.m.inference.requests_per_day" in result.stderr


@pytest.mark.skipif(not has_pyarrow(), reason="pyarrow not installed (lca[parquet])")
def test_a_parquet_log_gives_the_groups_of_its_json_lines(tmp_path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [json.loads(line) for line in LOG.read_text().splitlines()]
    log = tmp_path / "log.parquet"
    pq.write_table(pa.Table.from_pylist(rows), log)
    out = tmp_path / "out.parquet"
    args = ["--deployments", str(DEPLOYMENTS), "--group-by", "customer", "--samples", "0"]
    assert _run(str(log), *args, "--format", "parquet", "--output", str(out)).exit_code == 0
    from_json = json.loads(_run(str(LOG), *args, "--format", "json").stdout)["groups"]
    table = pq.read_table(out).to_pylist()
    assert [r["gwp_total [kgCO2e]"] for r in table] == [g["gwp"]["total"] for g in from_json]


@pytest.mark.skipif(not has_pyarrow(), reason="pyarrow not installed (lca[parquet])")
@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
def test_workers_reading_parts_of_a_file_give_the_groups_and_rejects_of_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str):
    import pyarrow as pa
    import pyarrow.parquet as pq

    import cli.usage

    rows = [json.loads(line) for line in LOG.read_text().splitlines()]
    rows[7]["input_tokens"] = -2
    rows[150]["model"] = ""
    log = tmp_path / f"log.{kind}"
    if kind == "parquet":
        pq.write_table(pa.Table.from_pylist(rows), log, row_group_size=40)
    else:
        lines = [json.dumps(r) for r in rows]
        lines[100] = "{not json"
        log.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(cli.usage, "JSON_PART", 2000)  # bytes: many parts of a small file
    outputs = []
    for workers in ("1", "3"):
        rejects = tmp_path / f"rejects{workers}.jsonl"
        result = _run(str(log), "--deployments", str(DEPLOYMENTS), "--group-by",
                      "model,customer,day", "--format", "json", "--samples", "20",
                      "--workers", workers, "--rejects", str(rejects))
        assert result.exit_code == 0, result.output
        assert cli.usage.log_parts(str(log), kind, 12)[1:]  # more than one part
        outputs.append((json.loads(result.stdout), rejects.read_text()))
    (one, one_rejects), (three, three_rejects) = outputs
    assert one["summary"] == three["summary"]
    assert one_rejects == three_rejects and len(one_rejects.splitlines()) == 3 - (
        kind == "parquet")
    for a, b in zip(one["groups"], three["groups"], strict=True):
        assert a["requests"] == b["requests"]
        for key in ("total", "low", "high"):
            assert a["gwp"][key] == pytest.approx(b["gwp"][key], rel=1e-9)


def test_blank_lines_keep_the_line_numbers_of_the_rows_after_them(tmp_path: Path):
    first, second = LOG.read_text().splitlines()[:2]
    bad = json.dumps({**json.loads(second), "output_tokens": -5})
    log = tmp_path / "log.jsonl"
    log.write_text(f"{first}\n\n   \n{bad}\n{second}\n")
    rejects = tmp_path / "rejects.jsonl"
    result = _run(str(log), "--deployments", str(DEPLOYMENTS), "--samples", "0",
                  "--rejects", str(rejects))
    assert result.exit_code == 0, result.output
    assert [json.loads(r)["line"] for r in rejects.read_text().splitlines()] == [4]
    assert "3 rows read = 2 estimated + 1 rejected" in result.stderr
