"""`lca performance`: a performance leaderboard file in, one request's footprint per row out."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from cli.usage import has_pyarrow
from lca.leaderboard.performance import performance

FIXTURE = Path(__file__).parents[2] / "examples" / "performance-leaderboard.csv"


def _run(*args: str):
    return CliRunner().invoke(main, ["performance", *args], catch_exceptions=False)


def _fixture_rows() -> list[dict]:
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_fixture_gives_one_csv_row_per_estimated_row_and_names_the_rejects():
    result = _run(str(FIXTURE))
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    expected = performance(_fixture_rows(), lines=list(range(2, 9)))
    assert [int(r["line"]) for r in table] == [2, 3, 4, 5, 6]
    assert [float(r["gwp [kgCO2e]"]) for r in table] == [
        r["per_request"]["gwp"] for r in expected["rows"]]
    assert f"{FIXTURE}:7: rejected: model 'Illustrative closed model'" in result.stderr
    assert f"{FIXTURE}:8: rejected:" in result.stderr
    assert "7 rows read = 5 estimated + 2 rejected" in result.stderr
    assert "assumed concurrency = 64.0" in result.stderr


def test_options_reach_the_estimate_and_json_carries_them(tmp_path: Path):
    out = tmp_path / "result.json"
    result = _run(str(FIXTURE), "--format", "json", "--output", str(out), "--concurrency",
                  "16", "--hardware", "nvidia-h200", "--location", "FRA", "--task", "reasoning",
                  "--no-ttft")
    assert result.exit_code == 0, result.output
    printed = json.loads(out.read_text())
    options = {"concurrency": 16.0, "hardware": "nvidia-h200", "location": "FRA",
               "task": "reasoning", "include_ttft": False}
    expected = performance(_fixture_rows(), options, lines=list(range(2, 9)))
    assert printed["rows"] == expected["rows"]
    assert printed["options"]["concurrency"] == 16 and printed["options"]["output_tokens"] > 5000


def test_more_concurrency_gives_less_energy_per_request_on_the_command_line():
    energies = []
    for concurrency in ("8", "128"):
        result = _run(str(FIXTURE), "--concurrency", concurrency)
        energies.append([float(r["energy [kWh]"])
                         for r in csv.DictReader(io.StringIO(result.stdout))])
    assert all(high > low for high, low in zip(*energies, strict=True))


def test_a_json_list_and_renamed_columns_are_read(tmp_path: Path):
    board = tmp_path / "board.json"
    board.write_text(json.dumps([{"name": "Llama 3.1 8B", "tps": 150, "first": 0.3}]))
    result = _run(str(board), "--column", "model=name", "--column", "output_speed=tps",
                  "--column", "ttft=first", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"][0]["inputs"]["preset"] == "llama-3.1-8b"


@pytest.mark.parametrize(("args", "message"), [
    (["--concurrency", "0"], "concurrency"),
    (["--hardware", "h100"], "hardware"),
    (["--column", "speed=x"], "columns.speed"),
])
def test_a_bad_option_is_one_line_naming_it(args, message):
    result = _run(str(FIXTURE), *args)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.skipif(not has_pyarrow(), reason="pyarrow not installed")
def test_parquet_is_read_like_csv(tmp_path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = _fixture_rows()
    path = tmp_path / "board.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    result = _run(str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"] == performance(rows)["rows"]
