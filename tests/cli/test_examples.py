"""Every README command that names a file of `examples/` runs and gives sane output.

The commands are read from the README's "Examples" block, so the README and the test cannot
drift apart: a command added there is run here, and every example file must be used by one.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from cli import main

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = ROOT / "examples"
# notes about the examples, not inputs
NOTES = {"README.md", "mistral-large-2.md", "performance-leaderboard.md"}


def readme_example_commands() -> list[str]:
    """Each command line of the README's shell blocks that names a file under examples/."""
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    lines = [line.split("  #", 1)[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if "examples/" in line]


COMMANDS = readme_example_commands()
LCA = [c for c in COMMANDS if c.startswith("lca ")]
CURL = [c for c in COMMANDS if c.startswith("curl ")]


def named_files(command: str) -> list[Path]:
    return [ROOT / word.lstrip("@") for word in shlex.split(command)
            if word.lstrip("@").startswith("examples/")]


def run_lca(command: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, shlex.split(command)[1:], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_readme_names_every_example_and_the_example_files_exist():
    assert len(LCA) >= 8 and len(CURL) == 1
    used = {path for command in COMMANDS for path in named_files(command)}
    assert all(path.is_file() for path in used), used
    inputs = {p for p in EXAMPLES.iterdir() if p.is_file() and p.name not in NOTES}
    assert inputs <= used, sorted(p.name for p in inputs - used)


@pytest.mark.parametrize("command", [c for c in LCA if c.startswith("lca estimate")])
def test_estimate_examples_show_figures_in_units_for_people(command, monkeypatch):
    out = run_lca(command, monkeypatch)
    profile = json.loads(named_files(command)[0].read_text(encoding="utf-8"))
    assert profile["name"] in out
    assert re.search(r"\d+(\.\d+)? (m?g|kg|t) CO2e", out), out
    if "--format table" in command:
        assert not re.search(r"\de[-+]\d", out), out  # no e-notation for people
    if "training" in profile:
        assert "training" in out
    if "inference" in profile:
        assert "per request" in out
    if "--format markdown" in command:
        assert out.lstrip().startswith("#")


@pytest.mark.parametrize("command", [c for c in LCA if c.startswith("lca compare")])
def test_compare_example_puts_each_file_against_the_first(command, monkeypatch):
    out = run_lca(command, monkeypatch)
    names = [json.loads(p.read_text(encoding="utf-8"))["name"] for p in named_files(command)]
    assert all(name in out for name in names)
    assert f"Baseline: {names[0]}" in out
    assert re.search(r"per request gwp .*\+[\d,]+ %", out), out


@pytest.mark.parametrize("command", [c for c in LCA if c.startswith("lca batch")])
def test_batch_example_gives_one_result_per_line(command, monkeypatch):
    out = run_lca(command, monkeypatch)
    profiles = [json.loads(line) for line in
                named_files(command)[0].read_text(encoding="utf-8").splitlines() if line]
    if "--table" in command:
        rows = list(csv.DictReader(io.StringIO(out)))
        assert [int(r["line"]) for r in rows] == list(range(1, len(profiles) + 1))
        assert all(float(r["inference.per_request.gwp [g]"]) > 0 and not r["error"] for r in rows)
        return
    results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [r["line"] for r in results] == list(range(1, len(profiles) + 1))
    assert [r["name"] for r in results] == [p["name"] for p in profiles]
    assert all(r["inference.per_request"]["gwp"] > 0 for r in results)


@pytest.mark.parametrize("command", [c for c in LCA if c.startswith("lca import")])
def test_import_examples_give_a_training_profile_and_its_estimate(command, monkeypatch):
    result = json.loads(run_lca(command, monkeypatch))
    training = result["profile"]["training"]
    assert training["location"] == "FRA" and training["hardware"] == "nvidia-a100-80gb"
    assert 20 < training["energy"] < 30  # kWh: the 24.7 kWh run both files describe
    assert result["estimate"]["training"]["impacts"]["gwp"]["value"] > 0


@pytest.mark.parametrize("command", CURL)
def test_comparison_example_is_a_valid_comparisons_body(command, client: FlaskClient):
    path = re.search(r"localhost:8000(/\S+)", command).group(1)
    body = json.loads(named_files(command)[0].read_text(encoding="utf-8"))
    response = client.post(path, json=body)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["labels"] == [s["name"] for s in body["scenarios"]]
    gwp = result["comparison"]["inference.per_request"]["gwp"]
    assert len(gwp["values"]) == 3 and all(v > 0 for v in gwp["values"])
    assert gwp["best_label"] == "L4 in Sweden, the 8B model"


def test_the_command_reader_sees_example_commands_only():
    """The reader above can fail: it keeps commands naming examples/ and drops comments."""
    global README
    saved = README
    try:
        README = ("```sh\nlca estimate examples/a.json  # note\nlca factors\n```\n"
                  "```json\n{\"x\": \"examples/b.json\"}\n```\n")
        assert readme_example_commands() == ["lca estimate examples/a.json"]
    finally:
        README = saved


@pytest.mark.parametrize("command", [c for c in LCA if c.startswith("lca leaderboard")])
def test_leaderboard_examples_give_a_row_per_model_and_their_files(command, monkeypatch,
                                                                   tmp_path: Path):
    # run where the files it writes (--plot, a redirection) may land: a temporary folder
    words = [str(ROOT / w) if w.startswith("examples/") else w for w in shlex.split(command)]
    redirected = words[words.index(">") + 1] if ">" in words else None
    words = words[:words.index(">")] if ">" in words else words
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, words[1:], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 10 and all(float(r["per_request_gwp [kgCO2e]"]) > 0 for r in rows)
    assert "3 rejected" in result.stderr
    if "--plot" in words:
        assert "<svg" in (tmp_path / words[words.index("--plot") + 1]).read_text()
    assert redirected is None or not (tmp_path / redirected).exists()  # stdout was captured


@pytest.mark.parametrize("command", [c for c in LCA if c.startswith("lca performance")])
def test_performance_examples_give_one_request_per_provider_and_model(command, monkeypatch):
    out = run_lca(command, monkeypatch)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(float(r["gwp [kgCO2e]"]) > 0 for r in rows)
    assert {r["provider"] for r in rows} >= {"Amazon Bedrock Standard", "Microsoft Azure"}
