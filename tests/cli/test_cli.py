"""The `lca` command through click's test runner: every command and format, and bad files."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

import api
from cli import main
from lca import estimate
from lca.compare import compare
from lca.engine.batch import estimate_batch
from lca.interchange import card_block, estimate_imported, huggingface_profile

FIXTURES = Path(__file__).parents[1] / "fixtures" / "interchange"
PROFILE = {
    "name": "llama-3.1-8b, FRA",
    "model": "llama-3.1-8b",
    "training": {"hardware": "nvidia-h100-sxm", "accelerator_hours": "1e5 h", "location": "FRA"},
    "inference": {"location": "FRA", "output_tokens": 400, "requests": 1e8},
}
OTHER = {**PROFILE, "name": "llama-3.1-8b, USA",
         "training": {**PROFILE["training"], "location": "USA"}}
FORMATS = ("json", "table", "csv", "markdown")


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "json": tmp_path / "profile.json",
        "yaml": tmp_path / "profile.yaml",
        "other": tmp_path / "other.json",
        "jsonl": tmp_path / "profiles.jsonl",
        "readme": tmp_path / "README.md",
        "card": tmp_path / "card.yaml",
        "csv": tmp_path / "emissions.csv",
    }
    paths["json"].write_text(json.dumps(PROFILE))
    paths["yaml"].write_text(yaml.safe_dump(PROFILE, sort_keys=False))
    paths["other"].write_text(json.dumps(OTHER))
    paths["jsonl"].write_text("\n".join(json.dumps(p) for p in (PROFILE, OTHER)) + "\n")
    paths["readme"].write_text((FIXTURES / "README.md").read_text())
    paths["card"].write_text("co2_eq_emissions:\n  emissions: 250\n  geographical_location: "
                             "France\n")
    paths["csv"].write_text((FIXTURES / "emissions.csv").read_text())
    return paths


def invoke(*args: object, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], input=stdin)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Traceback" not in result.output
    return result


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


# ---- estimate ----

@pytest.mark.parametrize("source", ["json", "yaml"])
def test_estimate_json_is_the_library_estimate(files, source):
    result = ok(invoke("estimate", files[source]))
    assert json.loads(result.stdout) == estimate(PROFILE)


@pytest.mark.parametrize(("fmt", "expected"), [
    ("table", "inference share"),
    ("csv", "name,key,value,unit,low,high"),
    ("markdown", "## 3. Inference share of the lifecycle"),
    ("huggingface", "co2_eq_emissions:"),
])
@pytest.mark.parametrize("source", ["json", "yaml"])
def test_estimate_prints_every_format(files, source, fmt, expected):
    result = ok(invoke("estimate", files[source], "--format", fmt))
    assert expected in result.stdout


def test_estimate_table_shows_the_headline_figures_and_illustrations(files):
    out = ok(invoke("estimate", files["json"], "--format", "table")).stdout
    gwp = estimate(PROFILE)["training"]["impacts"]["gwp"]["value"]
    assert f"{float(f'{gwp / 1000:.3g}'):g} t CO2e" in out  # kgCO2e shown in tonnes
    assert "illustrations only" in out and "km driven" in out


def test_estimate_csv_reads_back(files):
    rows = csv_rows(ok(invoke("estimate", files["json"], "--format", "csv")).stdout)
    by_key = {r["key"]: float(r["value"]) for r in rows if r["value"]}
    result = estimate(PROFILE)
    assert by_key["lifecycle.total.gwp"] == result["lifecycle"]["total"]["gwp"]["value"]


def test_estimate_huggingface_format_is_card_front_matter(files):
    out = ok(invoke("estimate", files["json"], "--format", "huggingface")).stdout
    block = card_block(out)
    grams = estimate(PROFILE)["training"]["operational"]["gwp"]["value"] * 1000
    assert block["emissions"] == pytest.approx(grams)
    assert block["geographical_location"] == "FRA"


def test_estimate_reads_a_profile_from_stdin():
    result = ok(invoke("estimate", "-", stdin=json.dumps(PROFILE)))
    assert json.loads(result.stdout) == estimate(PROFILE)


def test_huggingface_format_of_an_inference_only_profile_is_a_clear_error(tmp_path):
    path = tmp_path / "serve.json"
    path.write_text(json.dumps({"model": "llama-3.1-8b", "inference": {}}))
    result = invoke("estimate", path, "--format", "huggingface")
    assert_clear_error(result, "serve.json", "no training emissions")


# ---- compare ----

def test_compare_json_is_the_library_comparison(files):
    result = ok(invoke("compare", files["json"], files["other"], "--format", "json"))
    assert json.loads(result.stdout) == compare([PROFILE, OTHER], 0, uncertainty={})
    result = ok(invoke("compare", files["json"], files["other"], "--format", "json",
                       "--no-uncertainty"))
    assert json.loads(result.stdout) == compare([PROFILE, OTHER], 0)


@pytest.mark.parametrize(("fmt", "expected"), [
    ("table", "llama-3.1-8b, USA: change"),
    ("csv", "scenario,block,indicator,unit,value,low,high,delta,relative_delta,rank,"
            "probability_below_baseline"),
    ("markdown", "# Comparison against llama-3.1-8b, FRA"),
])
def test_compare_prints_every_format(files, fmt, expected):
    out = ok(invoke("compare", files["json"], files["other"], "--format", fmt)).stdout
    assert expected in out


def test_compare_table_gives_relative_deltas_against_the_first(files):
    out = ok(invoke("compare", files["json"], files["yaml"], files["other"])).stdout
    line = next(row for row in out.splitlines() if row.startswith("training gwp"))
    fra, usa = (estimate(p)["training"]["impacts"]["gwp"]["value"] for p in (PROFILE, OTHER))
    assert f"{(usa - fra) / fra * 100:+.3g} %" in line
    assert "+0 %" in line  # the YAML copy of the first profile


def test_compare_csv_has_a_row_per_scenario_and_figure(files):
    rows = csv_rows(ok(invoke("compare", files["json"], files["other"], "--format",
                              "csv")).stdout)
    assert {r["scenario"] for r in rows} == {PROFILE["name"], OTHER["name"]}
    first = [r for r in rows if r["scenario"] == PROFILE["name"]]
    assert all(float(r["delta"]) == 0 for r in first)


def test_compare_needs_two_profiles(files):
    result = invoke("compare", files["json"])
    assert result.exit_code == 2
    assert "at least two" in result.output or "2 to" in result.output


def test_compare_names_the_file_of_an_invalid_profile(files, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"model": "gpt-17", "inference": {}}))
    result = invoke("compare", files["json"], bad)
    assert_clear_error(result, "bad.json", "model.preset")


# ---- batch ----

def test_batch_full_prints_one_whole_result_line_per_profile(files):
    result = ok(invoke("batch", files["jsonl"], "--full"))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["line"] for line in lines] == [1, 2]
    assert [line["estimate"] for line in lines] == [
        r["estimate"] for r in estimate_batch([PROFILE, OTHER])]
    assert "estimating" in result.stderr


def test_batch_goes_on_after_invalid_lines_and_exits_non_zero(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([json.dumps(PROFILE), "{not json", "", json.dumps(
        {"model": "gpt-17", "inference": {}}), json.dumps(OTHER)]) + "\n")
    result = invoke("batch", path, "--full")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["line"] for line in lines] == [1, 2, 4, 5]
    assert "estimate" in lines[0] and "estimate" in lines[3]
    assert "not valid JSON" in lines[1]["error"]["errors"][0]["message"]
    assert lines[2]["error"]["errors"][0]["field"] == "model.preset"
    assert "2 of 4 profiles invalid" in result.stderr


def test_batch_of_many_lines_keeps_their_order(tmp_path):
    profiles = [{**PROFILE, "name": f"p{i}", "inference": {**PROFILE["inference"],
                                                          "requests": 1e6 * (i + 1)}}
                for i in range(450)]
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in profiles))
    lines = [json.loads(line) for line in ok(invoke("batch", path)).stdout.splitlines()]
    assert [line["name"] for line in lines] == [p["name"] for p in profiles]


def test_batch_table_prints_a_csv_row_of_figures_per_line(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([json.dumps(PROFILE), "{not json", json.dumps(
        {"model": "gpt-17", "inference": {}}), json.dumps(OTHER)]) + "\n")
    result = invoke("batch", path, "--table", "--output", "inference.per_request.gwp",
                    "--output", "inference.per_request.energy")
    assert result.exit_code == 1 and "2 of 4 profiles invalid" in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["line"] for row in rows] == ["1", "2", "3", "4"]
    for row, profile in ((rows[0], PROFILE), (rows[3], OTHER)):
        single = estimate({**profile, "uncertainty": False})["inference"]
        assert float(row["inference.per_request.gwp [kgCO2e]"]) == single["per_request"]["gwp"][
            "value"]
        assert row["inference_path"] == single["path"] and row["error"] == ""
    assert rows[1]["error"] == "line 2: not valid JSON"
    assert rows[2]["error"].startswith("model.preset: unknown model preset")
    assert rows[2]["inference.per_request.gwp [kgCO2e]"] == ""


def test_batch_table_names_an_unknown_output(files):
    result = invoke("batch", files["jsonl"], "--table", "--output", "inference.nope")
    assert result.exit_code == 2 and "unknown outputs" in result.output


def test_batch_of_an_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")
    assert_clear_error(invoke("batch", path), "empty.jsonl", "no profile lines")


# ---- factors ----

@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_factors_lists_the_factor_sets(fmt, factors):
    out = ok(invoke("factors", "--format", fmt)).stdout
    assert factors.version in out
    if fmt == "json":
        listed = {entry["version"]: entry for entry in json.loads(out)}
        assert listed[factors.version]["zones"] == len(factors.tables["zones"].rows)
        assert listed[factors.version]["regions"] == len(factors.regions)


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
@pytest.mark.parametrize("table", ["zones", "regions", "hardware", "datacenters", "models",
                                   "constants"])
def test_factors_prints_every_table_with_sources(table, fmt, factors):
    out = ok(invoke("factors", table, "--version", factors.version, "--format", fmt)).stdout
    if fmt == "json":
        rows = json.loads(out)
        assert rows and all(r["source"] and r["year"] for r in rows)
    elif fmt == "csv":
        assert csv_rows(out)[0]["source"]
    else:
        assert out.splitlines()[0].split() == ["key", "label", "attribute", "value", "unit",
                                               "year", "source"]


def test_factors_of_an_unknown_version_is_a_clear_error():
    from lca.factors import FactorRepository

    known = ", ".join(FactorRepository().versions)
    assert_clear_error(invoke("factors", "zones", "--version", "1999.9"),
                       f"unknown factor set '1999.9'; available: {known}")


def test_factors_of_an_unknown_table_is_a_usage_error():
    result = invoke("factors", "planets")
    assert result.exit_code == 2 and "planets" in result.output


# ---- serve ----

def test_serve_runs_gunicorn_with_the_gunicorn_config(monkeypatch):
    calls = []
    monkeypatch.setattr(os, "execve", lambda path, args, env: calls.append((path, args, env)))
    ok(invoke("serve", "--port", "8123"))
    (path, args, env), = calls
    assert path == sys.executable
    assert args[1:3] == ["-m", "gunicorn"]
    assert args[3] == "-c" and args[4].endswith("gunicorn.conf.py")
    assert args[-1] == "api:create_app()"
    assert env["PORT"] == "8123"


def test_serve_takes_the_port_from_the_environment(monkeypatch):
    calls = []
    monkeypatch.setattr(os, "execve", lambda path, args, env: calls.append(env))
    monkeypatch.setenv("PORT", "9001")
    ok(invoke("serve", "--host", "127.0.0.1"))
    assert calls[0]["PORT"] == "9001" and calls[0]["HOST"] == "127.0.0.1"


def test_serve_dev_runs_flasks_development_server(monkeypatch):
    runs = []

    class FakeApp:
        def run(self, **kwargs: object) -> None:
            runs.append(kwargs)

    monkeypatch.setattr(api, "create_app", lambda: FakeApp())
    ok(invoke("serve", "--dev", "--port", "5001"))
    assert runs == [{"host": "127.0.0.1", "port": 5001, "debug": True}]


# ---- import ----

@pytest.mark.parametrize("card", ["readme", "card"])
def test_import_huggingface_prints_profile_and_estimate(files, card, factors):
    out = json.loads(ok(invoke("import", "huggingface", files[card])).stdout)
    block = card_block(files[card].read_text())
    expected = estimate_imported(huggingface_profile(block, factors=factors), factors)
    assert out == expected
    grams = block["emissions"]
    gwp = out["estimate"]["training"]["operational"]["gwp"]["value"]
    assert gwp * 1000 == pytest.approx(grams, rel=1e-9)


@pytest.mark.parametrize(("command", "source"), [("huggingface", "readme"),
                                                 ("codecarbon", "csv")])
@pytest.mark.parametrize(("fmt", "expected"), [
    ("table", "Profile:"),
    ("csv", "training.impacts.gwp"),
    ("markdown", "## Imported profile"),
])
def test_import_prints_every_format(files, command, source, fmt, expected):
    out = ok(invoke("import", command, files[source], "--format", fmt)).stdout
    assert expected in out


def test_import_codecarbon_prints_the_measured_energy_estimate(files, factors):
    out = json.loads(ok(invoke("import", "codecarbon", files["csv"], "--model",
                               "llama-3.1-8b")).stdout)
    assert out["profile"]["model"] == "llama-3.1-8b"
    training = out["estimate"]["training"]
    assert training["path"] == "measured_energy"
    pue = factors.get("datacenters", "average", "pue").value
    assert training["operational"]["energy"]["value"] == pytest.approx(
        out["profile"]["training"]["energy"] * pue)


def test_import_model_option_takes_a_number_of_parameters(files):
    out = json.loads(ok(invoke("import", "huggingface", files["card"], "--model",
                               "7e9")).stdout)
    assert out["profile"]["model"] == {"parameters": 7e9}


# ---- bad files ----

def assert_clear_error(result: Result, *fragments: str) -> None:
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    for fragment in fragments:
        assert fragment in errors[0]


BAD_FILES = {
    "invalid.json": ("{\"model\": ", "not valid JSON (line 1"),
    "invalid.yaml": ("model: [llama\n", "not valid YAML"),
    "invalid-profile.json": (json.dumps({"model": {"parameters": -1},
                                         "training": {"duration": "3 kg",
                                                      "accelerator_count": 8}}),
                             "invalid profile: model.parameters"),
    "list.yaml": ("- a\n- b\n", "a profile must be a JSON object"),
    "latin1.json": (b"{\"name\": \"caf\xe9\"}", "not UTF-8"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
@pytest.mark.parametrize("command", [["estimate"], ["compare", "{other}"]])
def test_bad_profile_files_give_one_clear_line_and_a_non_zero_exit(tmp_path, files, name,
                                                                   command):
    content, message = BAD_FILES[name]
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    args = [a.format(other=files["other"]) for a in command]
    result = invoke(*args[:1], path, *args[1:])
    assert_clear_error(result, name, message)


def test_invalid_profile_error_lists_every_wrong_field(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"model": {"parameters": -1},
                                "training": {"duration": "3 kg", "accelerator_count": 8}}))
    result = invoke("estimate", path)
    assert_clear_error(result, "model.parameters", "training.duration: expected a time")


@pytest.mark.parametrize("args", [
    ["estimate", "missing.json"],
    ["compare", "missing.json", "missing.yaml"],
    ["batch", "missing.jsonl"],
    ["import", "huggingface", "missing.md"],
    ["import", "codecarbon", "missing.csv"],
])
def test_a_missing_file_is_a_usage_error_naming_it(args, tmp_path):
    result = invoke(*(tmp_path / a if a.startswith("missing") else a for a in args))
    assert result.exit_code == 2
    first = next(a for a in args if a.startswith("missing"))
    assert "does not exist" in result.stderr and first in result.stderr
    assert "Traceback" not in result.output


def test_a_directory_is_a_usage_error(tmp_path):
    result = invoke("estimate", tmp_path)
    assert result.exit_code == 2 and "is a directory" in result.stderr


@pytest.mark.parametrize(("command", "content", "message"), [
    ("codecarbon", "", "empty: expected CodeCarbon's emissions.csv"),
    ("codecarbon", "a,b\n1,2\n", "no energy_consumed column"),
    ("codecarbon", "energy_consumed,country_iso_code\nlots,FRA\n",
     "csv.energy_consumed: line 2"),
    ("huggingface", "---\nlicense: mit\n---\n", "no co2_eq_emissions block"),
    ("huggingface", "---\nco2_eq_emissions: [\n---\n", "not valid YAML (line 2"),
    ("huggingface", "co2_eq_emissions:\n  emissions: -5\n",
     "co2_eq_emissions.emissions: -5 is outside"),
])
def test_bad_import_files_give_one_clear_line_and_a_non_zero_exit(tmp_path, command, content,
                                                                  message):
    path = tmp_path / "input.txt"
    path.write_text(content)
    assert_clear_error(invoke("import", command, path), "input.txt", message)


def test_compare_shows_right_sizing_for_scored_profiles(tmp_path):
    from click.testing import CliRunner

    from cli import main

    files = []
    for name, model, score in (("70b", "llama-3.1-70b", 66.4), ("8b", "llama-3.1-8b", 48.3)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"name": name, "model": model, "inference": {},
                                    "score": {"value": score, "name": "MMLU-Pro"}}))
        files.append(str(path))
    result = CliRunner().invoke(main, ["compare", *files, "--target-score", "45"])
    assert result.exit_code == 0, result.output
    assert "Pareto front (gwp): 70b, 8b" in result.output
    assert "target MMLU-Pro 45: 8b" in result.output


def test_the_factor_folder_comes_from_the_environment_and_a_profile_can_pin_it(
        tmp_path, monkeypatch):
    """The command line reads the factor sets of $LCA_FACTORS_DIR (the API takes it from its
    config): listed by `lca factors`, used by an estimate, pinned by a profile."""
    import shutil

    from tests.conftest import FIXTURE_FACTORS

    shutil.copytree(FIXTURE_FACTORS / "t.1", tmp_path / "t.1")
    monkeypatch.setenv("LCA_FACTORS_DIR", str(tmp_path))
    assert ok(invoke("factors", "--format", "json")).stdout.count('"version": "t.1"') == 1
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"model": "dense-10b", "factors_version": "t.1",
                                   "inference": {}, "uncertainty": False}))
    result = json.loads(ok(invoke("estimate", profile, "--format", "json")).stdout)
    assert result["versions"]["factors"] == "t.1"


def test_estimate_of_several_files_says_how_to_do_several():
    examples = Path(__file__).parents[2] / "examples"
    result = invoke("estimate", examples / "chat-service.json", examples / "training-run.json",
                    "--format", "markdown")
    assert result.exit_code == 2
    assert "estimate reads one PROFILE, got 2 files" in result.stderr
    assert "lca compare" in result.stderr and "lca batch" in result.stderr


def test_estimate_of_a_comparison_request_points_to_compare():
    examples = Path(__file__).parents[2] / "examples"
    assert_clear_error(invoke("estimate", examples / "comparison.json"),
                       "a comparison request (it has scenarios), not a profile")


def test_the_estimate_table_shows_each_figures_range_in_its_unit():
    examples = Path(__file__).parents[2] / "examples"
    out = ok(invoke("estimate", examples / "chat-service.json", "--format", "table")).stdout
    lines = out.splitlines()
    figures = next(i for i, line in enumerate(lines) if line.startswith("per request"))
    ranges = lines[figures + 1]
    assert ranges.startswith("  5-95 %") and ranges.count(" to ") == 5  # one per indicator
    assert "5-95 %: the Monte Carlo range of the figure above, in its unit" in out


def test_the_estimate_table_has_no_range_row_without_the_monte_carlo():
    profile = json.dumps({"model": "llama-3.1-8b", "inference": {"location": "FRA"},
                          "uncertainty": False})
    out = ok(invoke("estimate", "-", "--format", "table", stdin=profile)).stdout
    assert "5-95 %" not in out
