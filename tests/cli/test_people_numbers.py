"""The command line's numbers for people: every figure of the table and the Markdown in a unit that
keeps it in 1-999 at three significant digits, never e-notation; --units; units in CSV headers;
ranges in comparisons; compact batch lines; messages in the command line's terms."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import main
from lca import estimate
from lca.engine.batch import estimate_batch
from lca.quantities import INDICATORS
from lca.report.format import ladder
from tests.unit.test_people_numbers import significant_digits

TYPICAL = {
    "chat, 70B on H100 in France": {
        "name": "chat", "model": "llama-3.1-70b",
        "inference": {"hardware": "nvidia-h100-sxm", "location": "FRA", "output_tokens": 400}},
    "training and serving, 8B": {
        "name": "8b", "model": "llama-3.1-8b",
        "training": {"hardware": "nvidia-h100-sxm", "accelerator_hours": "1e5 h",
                     "location": "FRA"},
        "inference": {"location": "FRA", "output_tokens": 400, "requests": 1e8}},
    "405B training in the USA, a year of serving": {
        "name": "405b", "model": "llama-3.1-405b",
        "training": {"hardware": "nvidia-h100-sxm", "accelerator_hours": "30.84e6 h",
                     "location": "USA"},
        "inference": {"location": "USA", "requests_per_day": 1e7, "duration": "1 year"}},
    "Mistral Large 2, reference request": {
        "name": "mistral", "model": "mistral-large-2",
        "inference": {"hardware": "nvidia-h100-sxm", "location": "FRA", "output_tokens": 400}},
}
LABELS = sorted({s.label for k in INDICATORS for s in ladder(k)}, key=len, reverse=True)
FIGURE = re.compile(r"(?<![\w.,])(-?\d[\d,]*(?:\.\d+)?) (" + "|".join(map(re.escape, LABELS))
                    + r")(?![\w])")
E_NOTATION = re.compile(r"\d(?:\.\d+)?[eE][+-]?\d")


def invoke(*args: object, stdin: str | None = None) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args], input=stdin)
    return result


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.output, result.exception)
    return result


@pytest.fixture(params=list(TYPICAL))
def typical(request, tmp_path: Path) -> Path:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(TYPICAL[request.param]))
    return path


def figures_read(text: str) -> list[tuple[str, str]]:
    """Every (number, unit) a person reads in ``text``, with the range's numbers: a range
    "(1.84 to 14.6)" after a figure is in the figure's unit."""
    found = []
    for match in FIGURE.finditer(text):
        found.append((match[1], match[2]))
        after = re.match(r" \((-?[\d,.]+) to (-?[\d,.]+)\)", text[match.end():])
        if after:
            found += [(after[1], ""), (after[2], "")]
    return found


def assert_for_people(text: str) -> None:
    """No e-notation; each figure at most three significant digits; each in 1-999 unless below
    its ladder's smallest unit (ranges may go below 1 in their central value's unit)."""
    assert not E_NOTATION.search(text), E_NOTATION.search(text)
    figures = figures_read(text)
    assert figures
    smallest = {ladder(k)[0].label for k in INDICATORS}
    for shown, label in figures:
        assert len(significant_digits(shown)) <= 3, shown
        if label and label not in smallest:
            assert 1 <= abs(float(shown.replace(",", ""))) < 1000, (shown, label)


def test_the_table_shows_every_figure_for_people(typical):
    out = ok(invoke("estimate", typical, "--format", "table")).stdout
    assert_for_people(out.split("\nwarnings:")[0])


def test_the_markdown_disclosure_shows_every_figure_for_people(typical):
    out = ok(invoke("estimate", typical, "--format", "markdown")).stdout
    # the figures and the illustrations; the sources that follow are quoted as published
    assert_for_people(out.split("Sources of the illustrations:")[0])
    assert not re.search(r"\d[eE][+-]?\d", out.split("## Assumptions")[0].split(
        "Sources of the illustrations:")[0])


def test_the_comparison_shows_every_figure_for_people(tmp_path):
    paths = []
    for name in ("chat, 70B on H100 in France", "training and serving, 8B"):
        path = tmp_path / f"{len(paths)}.json"
        path.write_text(json.dumps(TYPICAL[name]))
        paths.append(path)
    out = ok(invoke("compare", *paths)).stdout
    assert not E_NOTATION.search(out)
    for cell in re.findall(r"(-?[\d,.]+) \((-?[\d,.]+) to (-?[\d,.]+)\)", out):
        assert all(len(significant_digits(x)) <= 3 for x in cell), cell


def test_the_markdown_says_requests_in_words(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(TYPICAL["training and serving, 8B"]))
    out = ok(invoke("estimate", path, "--format", "markdown")).stdout
    assert "Over 100 million requests:" in out
    assert "one full smartphone charge per" in out
    assert "cm driven by an average new car" in out


# ---- --units ----

def test_units_option_fixes_the_unit_of_the_table_and_converts_the_json(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(TYPICAL["chat, 70B on H100 in France"]))
    central = estimate(TYPICAL["chat, 70B on H100 in France"])["inference"]["per_request"]
    table = ok(invoke("estimate", path, "--format", "table", "--units", "gwp=g",
                      "--units", "water=L")).stdout
    assert " g CO2e" in table and " mL" not in table
    result = json.loads(ok(invoke("estimate", path, "--units", "gwp=g,water=mL")).stdout)
    gwp = result["inference"]["per_request"]["gwp"]
    assert gwp["unit"] == "g"
    assert gwp["value"] == pytest.approx(central["gwp"]["value"] * 1000)
    assert result["inference"]["per_request"]["water"]["unit"] == "mL"


def test_units_option_overrides_the_profiles_units_and_canonical_resets_them(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({**TYPICAL["chat, 70B on H100 in France"],
                                "units": {"gwp": "g", "energy": "Wh"}}))
    result = json.loads(ok(invoke("estimate", path, "--units", "gwp=mg")).stdout)
    per_request = result["inference"]["per_request"]
    assert per_request["gwp"]["unit"] == "mg" and per_request["energy"]["unit"] == "Wh"
    result = json.loads(ok(invoke("estimate", path, "--units", "canonical")).stdout)
    assert result["inference"]["per_request"]["gwp"]["unit"] == "kgCO2e"


@pytest.mark.parametrize(("value", "message"), [
    ("gwp", "expected INDICATOR=UNIT"),
    ("gwp=", "expected INDICATOR=UNIT"),
])
def test_a_malformed_units_option_is_a_usage_error(tmp_path, value, message):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(TYPICAL["chat, 70B on H100 in France"]))
    result = invoke("estimate", path, "--units", value)
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.parametrize(("value", "message"), [
    ("gwp=kWh", "units.gwp: expected a greenhouse-gas mass"),
    ("noise=dB", "units.noise: unknown indicator"),
])
def test_a_wrong_unit_is_refused_by_the_core_naming_the_field(tmp_path, value, message):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(TYPICAL["chat, 70B on H100 in France"]))
    result = invoke("estimate", path, "--units", value)
    assert result.exit_code == 1 and message in result.stderr


# ---- CSV units ----

def test_batch_table_names_each_columns_unit_in_its_header_and_converts(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(TYPICAL["training and serving, 8B"]) + "\n")
    out = ok(invoke("batch", path, "--table", "--units", "gwp=g", "--output",
                    "inference.per_request.gwp", "--output", "inference.per_request.energy",
                    "--output", "lifecycle.requests")).stdout
    header = next(csv.reader(io.StringIO(out)))
    assert header[3:6] == ["inference.per_request.gwp [g]", "inference.per_request.energy [kWh]",
                           "lifecycle.requests"]
    row = next(csv.DictReader(io.StringIO(out)))
    central = estimate({**TYPICAL["training and serving, 8B"], "uncertainty": False})
    assert float(row["inference.per_request.gwp [g]"]) == pytest.approx(
        central["inference"]["per_request"]["gwp"]["value"] * 1000)


def test_estimate_csv_gives_each_rows_unit_in_the_asked_units(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(TYPICAL["chat, 70B on H100 in France"]))
    rows = list(csv.DictReader(io.StringIO(ok(invoke("estimate", path, "--format", "csv",
                                                     "--units", "gwp=g")).stdout)))
    gwp = next(r for r in rows if r["key"] == "inference.per_request.gwp")
    assert gwp["unit"] == "g" and float(gwp["low"]) <= float(gwp["value"]) <= float(gwp["high"])


# ---- compare ----

def test_compare_shows_ranges_and_the_share_of_draws_below_the_baseline(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({**TYPICAL["chat, 70B on H100 in France"], "name": "FRA"}))
    b.write_text(json.dumps({**TYPICAL["chat, 70B on H100 in France"], "name": "USA",
                             "inference": {**TYPICAL["chat, 70B on H100 in France"]["inference"],
                                           "location": "USA"}}))
    out = ok(invoke("compare", a, b)).stdout
    line = next(row for row in out.splitlines() if row.startswith("per request gwp"))
    assert re.search(r"mg CO2e\s+[\d.]+ \([\d.]+ to [\d.]+\)", line)
    assert "% of draws" in line
    assert "Baseline: FRA" in out and "lower than the baseline" in out
    csv_out = ok(invoke("compare", a, b, "--format", "csv")).stdout
    row = next(r for r in csv.DictReader(io.StringIO(csv_out))
               if r["scenario"] == "USA" and r["block"] == "inference.per_request"
               and r["indicator"] == "gwp")
    assert float(row["low"]) < float(row["value"]) < float(row["high"])
    assert 0 <= float(row["probability_below_baseline"]) <= 1
    plain = ok(invoke("compare", a, b, "--no-uncertainty")).stdout
    assert "% of draws" not in plain and " to " not in plain.split("Baseline:")[0]


def test_compare_names_a_tie_instead_of_the_first(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({**TYPICAL["chat, 70B on H100 in France"], "name": "one"}))
    b.write_text(json.dumps({**TYPICAL["chat, 70B on H100 in France"], "name": "two"}))
    out = ok(invoke("compare", a, b, "--no-uncertainty")).stdout
    assert "tie: one, two" in next(r for r in out.splitlines() if r.startswith("per request gwp"))


# ---- batch ----

def test_batch_lines_are_compact_headlines_by_default(tmp_path):
    path = tmp_path / "p.jsonl"
    profile = TYPICAL["training and serving, 8B"]
    path.write_text(json.dumps(profile) + "\n" + json.dumps(TYPICAL["chat, 70B on H100 in "
                                                                    "France"]) + "\n")
    out = ok(invoke("batch", path)).stdout.splitlines()
    assert all(len(line.encode()) < 700 for line in out), [len(x) for x in out]
    first = json.loads(out[0])
    central = estimate(profile)
    assert first["line"] == 1 and first["name"] == "8b"
    assert first["paths"] == {"training": "accelerator_hours", "inference": "roofline"}
    assert first["units"]["gwp"] == "kgCO2e"
    assert first["training.impacts"]["gwp"] == pytest.approx(
        central["training"]["impacts"]["gwp"]["value"], rel=1e-3)
    assert "lifecycle.total" not in json.loads(out[1])  # no request volume, no lifecycle
    full = ok(invoke("batch", path, "--full")).stdout.splitlines()
    assert json.loads(full[0])["estimate"] == estimate_batch([profile])[0]["estimate"]
    assert len(full[0]) > 10 * len(out[0])


def test_batch_full_and_table_do_not_go_together(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(TYPICAL["training and serving, 8B"]) + "\n")
    assert invoke("batch", path, "--full", "--table").exit_code == 2


# ---- messages in the command line's terms ----

@pytest.mark.parametrize(("inference", "field", "hint"), [
    ({"hardware": "H100"}, "inference.hardware", "`lca factors hardware`"),
    ({"location": "Atlantis"}, "inference.location", "`lca factors zones` and "
                                                     "`lca factors regions`"),
    ({"datacenter": {"profile": "nowhere"}}, "inference.datacenter.profile",
     "`lca factors datacenters`"),
])
def test_unknown_ids_point_to_the_lca_factors_command_not_to_http(tmp_path, inference, field,
                                                                   hint):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"model": "llama-3.1-8b", "inference": inference}))
    result = invoke("estimate", path)
    assert result.exit_code == 1
    assert f"{field}: unknown" in result.stderr and hint in result.stderr
    assert "GET /" not in result.stderr and "/v1/" not in result.stderr


def test_an_unknown_preset_in_a_comparison_points_to_lca_factors_models(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(TYPICAL["chat, 70B on H100 in France"]))
    b.write_text(json.dumps({"model": "gpt-17", "inference": {}}))
    result = invoke("compare", a, b)
    assert "b.json: invalid profile: model.preset: unknown" in result.stderr
    assert "`lca factors models`" in result.stderr


def test_http_routes_in_a_message_become_commands():
    from cli import in_cli_terms

    assert in_cli_terms("inference.hardware", "unknown hardware 'H100'; see GET "
                        "/v1/factors/hardware") == ("unknown hardware 'H100'; see "
                                                    "`lca factors hardware`")
    assert in_cli_terms("training.hardware", "unknown hardware 'H100'; did you mean "
                        "nvidia-h100-sxm?") == ("unknown hardware 'H100'; did you mean "
                                                "nvidia-h100-sxm? `lca factors hardware` lists "
                                                "the known ones")
    assert in_cli_terms("factors_version", "pin one of GET /v1/factors") == (
        "pin one of `lca factors`")


def test_lca_factors_counts_items_not_attribute_rows(factors):
    rows = json.loads(ok(invoke("factors", "--version", factors.version, "--format",
                                "json")).stdout)
    assert rows[0]["hardware"] == len(factors.tables["hardware"].rows)
    assert rows[0]["models"] == len(factors.tables["models"].rows)
    assert rows[0]["regions"] == len(factors.regions)


def test_lca_factors_of_the_packaged_set_matches_the_readme():
    rows = json.loads(ok(invoke("factors", "--format", "json")).stdout)
    newest = rows[-1]
    assert (newest["hardware"], newest["models"], newest["datacenters"]) == (14, 24, 7)


def test_an_import_without_a_location_says_so_in_plain_words(tmp_path):
    card = tmp_path / "card.yaml"
    card.write_text("co2_eq_emissions:\n  emissions: 250\n")
    out = json.loads(ok(invoke("import", "huggingface", card)).stdout)
    messages = [w["message"] for w in out["estimate"]["warnings"]
                if w["code"] == "location-unrecognised"]
    assert messages and "the card's geographical_location is not given" in messages[0]
    assert "no the card" not in messages[0]
