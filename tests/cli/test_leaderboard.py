"""`lca leaderboard`: a leaderboard table in; a row per model (CSV), the whole result (JSON) and
a scatter plot out; rejected rows counted on stderr."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from cli import main
from lca.leaderboard import leaderboard

FIXTURE = Path(__file__).parents[2] / "examples" / "open-llm-leaderboard.csv"


def _run(*args: str):
    return CliRunner().invoke(main, ["leaderboard", *args], catch_exceptions=False)


def test_json_output_is_the_library_result_and_rejects_go_to_stderr():
    result = _run(str(FIXTURE), "--format", "json", "--samples", "20", "--target", "25")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    rows = list(csv.DictReader(FIXTURE.read_text(encoding="utf-8").splitlines()))
    expected = leaderboard(rows, {"samples": 20, "target": 25, "indicator": "gwp",
                                  "footprint": "per_request", "seed": 0})
    assert printed["models"] == json.loads(json.dumps(expected["models"]))
    assert "13 rows read = 10 models + 3 rejected" in result.stderr
    assert "row 13: unknown precision 'bf12'" in result.stderr


def test_csv_output_has_a_row_per_model_with_units_in_the_header(tmp_path: Path):
    out = tmp_path / "board.csv"
    result = _run(str(FIXTURE), "--output", str(out), "--samples", "0")
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(table) == 10
    assert "per_request_gwp [kgCO2e]" in table[0] and "evaluation_water_high [L]" in table[0]
    falcon = next(r for r in table if r["name"] == "tiiuae/Falcon3-7B-Instruct")
    assert abs(float(falcon["co2_reproduced_kg"]) / 0.61876067 - 1) < 1e-6


def test_the_plot_is_an_svg_scatter_with_its_front(tmp_path: Path):
    plot = tmp_path / "board.svg"
    result = _run(str(FIXTURE), "--samples", "0", "--plot", str(plot), "--output",
                  str(tmp_path / "board.csv"))
    assert result.exit_code == 0, result.output
    text = plot.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "Pareto front" in text


def test_a_json_table_and_a_column_mapping_are_read(tmp_path: Path):
    table = tmp_path / "arena.json"
    table.write_text(json.dumps({"model": ["a", "b"], "size": [7, 70], "elo": [1200, 1250]}))
    result = _run(str(table), "--format", "json", "--samples", "0", "--columns",
                  json.dumps({"name": "model", "parameters": "size", "scores": ["elo"]}))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["analysis"]["score"] == "elo"


def test_a_wrong_column_role_is_one_line_naming_it():
    result = CliRunner().invoke(main, ["leaderboard", str(FIXTURE), "--columns",
                                       '{"name": "model_name"}'])
    assert result.exit_code != 0
    assert "columns.name" in result.output and "Traceback" not in result.output
