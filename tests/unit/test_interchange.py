"""lca.interchange and lca.report: imports, exports and illustrations (shipped factors)."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest

from lca import estimate
from lca.errors import ProfileError
from lca.interchange import (
    card_block,
    codecarbon_profile,
    estimate_imported,
    huggingface_profile,
    load_yaml,
    to_card_yaml,
    to_huggingface,
)
from lca.quantities import CANONICAL_UNITS, INDICATORS
from lca.report import CSV_COLUMNS, quantities, to_csv, to_markdown
from lca.report.equivalences import EQUIVALENCES, equivalents
from lca.units import conversion_factor

FIXTURES = Path(__file__).parents[1] / "fixtures" / "interchange"
EMISSIONS_CSV = (FIXTURES / "emissions.csv").read_text()
README = (FIXTURES / "README.md").read_text()
FULL = {
    "name": "llama-3.1-70b, H100",
    "model": "llama-3.1-70b",
    "training": {"hardware": "nvidia-h100-sxm", "accelerator_hours": "7000000 h",
                 "location": "USA", "datacenter": "meta"},
    "inference": {"hardware": "nvidia-h100-sxm", "location": "FRA", "input_tokens": 1000,
                  "output_tokens": 400, "requests": 1e9},
}


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def csv_text(rows: list[dict], columns: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def edited(**changes: str) -> str:
    """The fixture emissions.csv with columns changed in every row."""
    return csv_text([{**row, **changes} for row in csv_rows(EMISSIONS_CSV)])


def training_value(result: dict, block: str, indicator: str) -> float:
    return result["training"][block][indicator]["value"]


def errors_of(call, *args, **kwargs) -> dict[str, str]:
    with pytest.raises(ProfileError) as caught:
        call(*args, **kwargs)
    found: dict[str, str] = {}
    for e in caught.value.errors:
        found[e["field"]] = "; ".join(filter(None, (found.get(e["field"]), e["message"])))
    return found


# ---- Hugging Face ----

@pytest.mark.parametrize("block", [
    {"emissions": 411000, "source": "CodeCarbon", "training_type": "pre-training",
     "geographical_location": "Germany", "hardware_used": "NVIDIA A100-SXM4-40GB"},
    250,
    {"emissions": 0.5, "geographical_location": "Quebec, Canada"},
    {"emissions": 2.3238e8, "geographical_location": "Tehran, Iran", "hardware_used": "4 RTX3090"},
    {"emissions": 83524, "geographical_location": "europe-north1"},
    {"emissions": "7600", "geographical_location": "FRA"},
    {"emissions": "1.5 kg", "geographical_location": "Brooklyn, NY, USA"},
    {"emissions": 169942, "energy": "1416.183 kWh", "geographical_location": "europe-north1"},
    {"emissions": 1e12, "geographical_location": "Poland"},
], ids=["readme-block", "bare-number", "province-country", "unknown-place", "cloud-region",
        "quoted-number", "string-with-unit", "with-energy", "ten-kilotonnes"])
def test_huggingface_round_trip_reproduces_the_emissions(block, factors):
    grams = block if isinstance(block, (int, float)) else block["emissions"]
    grams = {"7600": 7600.0, "1.5 kg": 1500.0}.get(grams, grams)
    imported = huggingface_profile(block, factors=factors)
    result = estimate_imported(imported, factors)
    back = to_huggingface(result["estimate"], result["profile"])
    assert math.isclose(back["emissions"], grams, rel_tol=1e-9)
    assert result["estimate"]["training"]["path"] == "measured_energy"


def test_huggingface_energy_is_emissions_over_the_location_grid(factors):
    imported = huggingface_profile({"emissions": 411000, "geographical_location": "Germany"},
                                   factors=factors)
    training = imported["profile"]["training"]
    assert training["location"] == "DEU"
    assert training["energy_scope"] == "facility"
    assert training["energy"] == pytest.approx(411.0 / factors.get("zones", "DEU", "gwp").value)
    assert imported["profile"]["factors_version"] == factors.version
    derived = [a for a in imported["assumptions"] if a["field"] == "training.energy"]
    assert derived and "derived" in derived[0]["why"]


def test_huggingface_energy_in_the_card_keeps_the_energy_and_implies_the_grid(factors):
    imported = huggingface_profile({"emissions": 169942, "energy": 1416.183}, factors=factors)
    training = imported["profile"]["training"]
    assert training["energy"] == 1416.183
    assert training["grid"]["gwp"] == pytest.approx(169.942 / 1416.183)
    result = estimate(imported["profile"], factors)
    assert training_value(result, "operational", "energy") == pytest.approx(1416.183)


@pytest.mark.parametrize(("place", "location"), [
    ("Germany", "DEU"),
    ("Quebec, Canada", "CAN"),
    ("Brooklyn, NY, USA", "USA"),
    ("Paris area (France)", "FRA"),
    ("United Kingdom", "GBR"),
    ("UK", "GBR"),
    ("fra", "FRA"),
    ("europe-west4", "gcp:europe-west4"),
    ("us-east-1", "aws:us-east-1"),
    ("azure:westeurope", "azure:westeurope"),
    ("Singapore", "SGP"),
])
def test_free_text_locations_map_to_zones_and_regions(place, location, factors):
    imported = huggingface_profile({"emissions": 1000, "geographical_location": place},
                                   factors=factors)
    assert imported["profile"]["training"]["location"] == location
    assert imported["warnings"] == []


@pytest.mark.parametrize("place", ["Tehran, Iran", "somewhere", None])
def test_an_unknown_location_uses_the_world_grid_with_a_warning(place, factors):
    imported = huggingface_profile({"emissions": 1000, "geographical_location": place},
                                   factors=factors)
    assert imported["profile"]["training"]["location"] == "WOR"
    assert [w["code"] for w in imported["warnings"]] == ["location-unrecognised"]


@pytest.mark.parametrize(("text", "hardware"), [
    ("NVIDIA A100-SXM4-80GB", "nvidia-a100-80gb"),
    ("1 x NVIDIA A100-SXM4-40GB", "nvidia-a100-40gb"),
    ("8 x A100", "nvidia-a100-40gb"),
    ("8 x NVIDIA H100 80GB HBM3", "nvidia-h100-sxm"),
    ("NVIDIA H100 PCIe", "nvidia-h100-pcie"),
    ("NVIDIA H200", "nvidia-h200"),
    ("8 v100 GPUs", "nvidia-v100"),
    ("Tesla T4", "nvidia-t4"),
    ("NVIDIA L4", "nvidia-l4"),
    ("TPU v4", "google-tpu-v4"),
    ("nvidia-b200", "nvidia-b200"),
    ("NVIDIA L40S", None),
    ("4 RTX3090 24GB GPUs", None),
    ("Apple M1 Pro", None),
])
def test_hardware_names_map_to_known_ids_or_a_warning(text, hardware, factors):
    imported = huggingface_profile({"emissions": 1000, "geographical_location": "FRA",
                                    "hardware_used": text}, factors=factors)
    assert imported["profile"]["training"].get("hardware") == hardware
    codes = [w["code"] for w in imported["warnings"]]
    assert codes == ([] if hardware else ["hardware-unrecognised"])


@pytest.mark.parametrize(("block", "field", "fragment"), [
    ({"source": "CodeCarbon"}, "co2_eq_emissions.emissions", "required"),
    ({"emissions": -3}, "co2_eq_emissions.emissions", "range"),
    ({"emissions": 0}, "co2_eq_emissions.emissions", "range"),
    ({"emissions": "lots"}, "co2_eq_emissions.emissions", "number followed by a unit"),
    ({"emissions": True}, "co2_eq_emissions.emissions", "expected"),
    ({"emissions": "3 kWh"}, "co2_eq_emissions.emissions", "greenhouse-gas mass"),
    ({"emissions": float("nan")}, "co2_eq_emissions.emissions", "finite"),
    ({"emissions": 5, "hardware_used": ["a", "b"]}, "co2_eq_emissions.hardware_used", "text"),
    ({"emissions": 5, "energy": "3 kg"}, "co2_eq_emissions.energy", "energy"),
    ({"emissions": 5e9, "energy": 1}, "co2_eq_emissions", "emissions / energy"),
    ("250", "co2_eq_emissions", "expected a number of grams or an object"),
    ([1, 2], "co2_eq_emissions", "expected a number of grams or an object"),
])
def test_invalid_co2_blocks_name_the_wrong_key(block, field, fragment, factors):
    found = errors_of(huggingface_profile, block, factors=factors)
    assert fragment in found[field]


@pytest.mark.parametrize("card", [
    README,
    README.replace("---\n", "\ufeff---\n", 1),
    "co2_eq_emissions:\n  emissions: 411000\n  geographical_location: Germany\n",
    "emissions: 411000\ngeographical_location: Germany\n",
    "---\nco2_eq_emissions: {emissions: 411000, geographical_location: Germany}\n...\n# body\n",
])
def test_card_block_reads_front_matter_metadata_or_the_block_itself(card):
    block = card_block(card)
    assert block["emissions"] == 411000
    assert block["geographical_location"] == "Germany"


@pytest.mark.parametrize(("card", "fragment"), [
    ("---\nlicense: mit\n---\n# model\n", "no co2_eq_emissions"),
    ("# A model card with no metadata\n\nJust text.\n", "no co2_eq_emissions"),
    ("---\nco2_eq_emissions:\n  emissions: 5\n# never closed\n", "never closed"),
    ("---\nlicense: mit\nco2_eq_emissions: [1,\n---\n", "not valid YAML (line 3"),
    ("", "no co2_eq_emissions"),
])
def test_cards_without_a_readable_block_are_refused(card, fragment):
    assert fragment in errors_of(card_block, card)["card"]


def test_card_yaml_export_reads_back_as_a_card():
    block = {"emissions": 1234.5, "source": "lca", "geographical_location": "FRA"}
    assert card_block(to_card_yaml(block)) == block


def test_huggingface_export_is_operational_training_gwp_in_grams_whatever_the_display_units(
        factors):
    profile = {"model": "llama-3.1-8b",
               "training": {"energy": "10 MWh", "location": "FRA", "hardware": "nvidia-h100-sxm",
                            "accelerator_count": 8, "duration": "5 day"}}
    plain = estimate(profile, factors)
    in_grams = estimate({**profile, "units": {"gwp": "g"}}, factors)
    expected = training_value(plain, "operational", "gwp") * 1000
    for result in (plain, in_grams):
        block = to_huggingface(result, profile, training_type="fine-tuning")
        assert block["emissions"] == pytest.approx(expected)
    assert block["hardware_used"] == "8 x nvidia-h100-sxm"
    assert block["geographical_location"] == "FRA"
    assert block["training_type"] == "fine-tuning"
    assert factors.version in block["source"]


def test_huggingface_export_of_an_inference_only_estimate_is_refused(factors):
    result = estimate({"model": "llama-3.1-8b", "inference": {}}, factors)
    assert "no training" in errors_of(to_huggingface, result)["training"]


def test_a_model_given_to_the_import_replaces_the_placeholder(factors):
    with_model = huggingface_profile(1000, model="llama-3.1-8b", factors=factors)
    without = huggingface_profile(1000, factors=factors)
    assert with_model["profile"]["model"] == "llama-3.1-8b"
    assert not any(a["field"] == "model.parameters" for a in with_model["assumptions"])
    a = estimate_imported(with_model, factors)["estimate"]
    b = estimate_imported(without, factors)["estimate"]
    for indicator in INDICATORS:
        assert training_value(a, "impacts", indicator) == training_value(b, "impacts", indicator)


# ---- CodeCarbon ----

def test_real_shaped_codecarbon_csv_gives_a_measured_energy_estimate(factors):
    rows = csv_rows(EMISSIONS_CSV)
    assert len(rows[0]) == 32  # every column CodeCarbon writes
    energy = sum(float(r["energy_consumed"]) for r in rows)
    imported = codecarbon_profile(EMISSIONS_CSV, factors=factors)
    training = imported["profile"]["training"]
    assert training["energy"] == pytest.approx(energy, rel=1e-12)
    assert training["energy_scope"] == "it"
    assert training["location"] == "SGP"
    assert training["hardware"] == "nvidia-a100-40gb"
    result = estimate_imported(imported, factors)["estimate"]
    pue = factors.get("datacenters", factors.defaults["datacenter"], "pue").value
    grid = factors.get("zones", "SGP", "gwp").value
    assert result["training"]["path"] == "measured_energy"
    assert training_value(result, "operational", "energy") == pytest.approx(energy * pue,
                                                                             rel=1e-12)
    assert training_value(result, "operational", "gwp") == pytest.approx(energy * pue * grid,
                                                                          rel=1e-12)


def test_codecarbon_accelerator_hours_are_gpu_count_times_duration(factors):
    text = edited(gpu_count="8", duration="3600")
    imported = codecarbon_profile(text, factors=factors)
    assert imported["profile"]["training"]["accelerator_hours"] == pytest.approx(16.0)
    result = estimate(imported["profile"], factors)
    assert result["training"]["accelerator_hours"]["value"] == pytest.approx(16.0)


def test_codecarbon_pue_above_one_means_facility_energy_at_that_pue(factors):
    imported = codecarbon_profile(edited(pue="1.2"), factors=factors)
    training = imported["profile"]["training"]
    assert training["energy_scope"] == "facility"
    assert training["datacenter"] == {"pue": pytest.approx(1.2)}
    assert any("pue 1.2" in a["why"] for a in imported["assumptions"])
    energy = sum(float(r["energy_consumed"]) for r in csv_rows(EMISSIONS_CSV))
    result = estimate(imported["profile"], factors)
    assert training_value(result, "operational", "energy") == pytest.approx(energy, rel=1e-12)
    assert result["training"]["it_energy"]["value"] == pytest.approx(energy / 1.2, rel=1e-12)


def test_codecarbon_known_cloud_region_is_preferred_to_the_country(factors):
    imported = codecarbon_profile(edited(on_cloud="Y", cloud_provider="gcp",
                                         cloud_region="us-central1", country_iso_code="USA"),
                                  factors=factors)
    assert imported["profile"]["training"]["location"] == "gcp:us-central1"


@pytest.mark.parametrize("country", ["ATA", ""])
def test_codecarbon_without_a_known_country_uses_the_world_grid_with_a_warning(country, factors):
    imported = codecarbon_profile(edited(country_iso_code=country), factors=factors)
    assert imported["profile"]["training"]["location"] == "WOR"
    assert "location-unrecognised" in [w["code"] for w in imported["warnings"]]


def test_codecarbon_cpu_only_run_has_no_hours_and_warns(factors):
    imported = codecarbon_profile(edited(gpu_count="", gpu_model=""), factors=factors)
    assert "accelerator_hours" not in imported["profile"]["training"]
    assert "hardware" not in imported["profile"]["training"]
    assert "no-gpu" in [w["code"] for w in imported["warnings"]]


def test_codecarbon_older_short_header_reads(factors):
    text = ("timestamp,experiment_id,project_name,duration,emissions,energy_consumed,"
            "country_name,country_iso_code,region,on_cloud,cloud_provider,cloud_region\n"
            "2022-03-16T14:11:13,6dc1b8a2,codecarbon,1014.77,0.0049276,0.0116057,France,FRA,,N,,\n")
    result = estimate_imported(codecarbon_profile(text, factors=factors), factors)
    assert result["profile"]["training"]["energy"] == pytest.approx(0.0116057)
    assert result["profile"]["training"]["location"] == "FRA"
    assert result["estimate"]["training"]["path"] == "measured_energy"


@pytest.mark.parametrize(("text", "field", "fragment"), [
    ("", "csv", "empty"),
    ("  \n\n", "csv", "empty"),
    (EMISSIONS_CSV.splitlines()[0] + "\n", "csv", "no data rows"),
    ("a,b\n1,2\n", "csv", "no energy_consumed column"),
    (edited(energy_consumed="lots"), "csv.energy_consumed", "line 2"),
    (edited(energy_consumed="-1"), "csv.energy_consumed", "not a finite number"),
    (edited(energy_consumed=""), "csv.energy_consumed", "empty"),
    (edited(pue="0.5"), "csv.pue", "below 1"),
    (edited(duration="inf"), "csv.duration", "not a finite number"),
    (edited(energy_consumed="0"), "training.energy", "range"),
])
def test_invalid_codecarbon_csv_is_refused_naming_the_column(text, field, fragment, factors):
    def run() -> None:
        estimate_imported(codecarbon_profile(text, factors=factors), factors)

    assert fragment in errors_of(run)[field]


def test_codecarbon_rows_from_several_countries_are_refused(factors):
    rows = csv_rows(EMISSIONS_CSV)
    rows[1]["country_iso_code"] = "FRA"
    found = errors_of(codecarbon_profile, csv_text(rows), factors=factors)
    assert "several countries (FRA, SGP)" in found["csv.country_iso_code"]


def test_import_notes_come_first_in_the_estimate(factors):
    imported = codecarbon_profile(EMISSIONS_CSV, factors=factors)
    result = estimate_imported(imported, factors)
    n = len(imported["assumptions"])
    assert result["estimate"]["assumptions"][:n] == imported["assumptions"]
    plain = estimate(imported["profile"], factors)
    assert result["estimate"]["assumptions"][n:] == plain["assumptions"]


# ---- CSV and Markdown ----

def test_csv_has_one_row_per_figure_and_the_values_read_back(factors):
    result = estimate(FULL, factors)
    rows = csv_rows(to_csv(result))
    assert list(rows[0]) == list(CSV_COLUMNS)
    by_key = {r["key"]: r for r in rows}
    for block in ("training.impacts", "inference.per_request", "inference.total",
                  "lifecycle.total"):
        for k in INDICATORS:
            row = by_key[f"{block}.{k}"]
            assert float(row["value"]) == _at(result, f"{block}.{k}")["value"]
            assert row["unit"] == CANONICAL_UNITS[k]
    assert float(by_key["lifecycle.shares.inference.gwp"]["value"]) == (
        result["lifecycle"]["shares"]["inference"]["gwp"])
    assert {r["name"] for r in rows} == {FULL["name"]}
    assert len(rows) == len(list(quantities(result)))


def test_csv_of_several_estimates_names_each(factors):
    a = estimate(FULL, factors)
    b = estimate({**FULL, "name": "other"}, factors)
    rows = csv_rows(to_csv([a, b]))
    assert [r["name"] for r in rows] == [FULL["name"]] * (len(rows) // 2) + ["other"] * (
        len(rows) // 2)


def _at(result: dict, dotted: str) -> dict:
    node = result
    for part in dotted.split("."):
        node = node[part]
    return node


def test_markdown_report_states_the_three_indicators_versions_and_every_source(factors):
    result = estimate(FULL, factors)
    report = to_markdown(result)
    for heading in ("## 1. Training impacts", "## 2. Marginal impact of one inference (400 "
                    "output tokens)", "## 3. Inference share of the lifecycle",
                    "## Illustrations", "## Factors used", "## Assumptions", "## Warnings"):
        assert heading in report
    assert "One request of 400 output tokens" in report
    assert f"factor set {factors.version}" in report
    for factor in result["factors_used"]:
        assert f"| {factor['key']} |" in report
        assert factor["source"].replace("|", "\\|") in report
        assert f"| {factor['year']} |" in report
    share = result["lifecycle"]["shares"]["inference"]["gwp"] * 100
    assert f"| gwp | {share:.3g} % |" in report
    assert "Illustrations only" in report
    for e in EQUIVALENCES:
        assert e.source in report


def test_markdown_report_says_when_the_request_is_not_400_tokens(factors):
    result = estimate({**FULL, "inference": {**FULL["inference"], "output_tokens": 250}},
                      factors)
    report = to_markdown(result)
    assert "Not the reference request" in report
    assert "one request of 250 output tokens" in report


def test_markdown_report_of_a_training_only_estimate_says_what_is_missing(factors):
    result = estimate({"name": "a | b", "model": "llama-3.1-8b",
                       "training": {"energy": "5 MWh"}}, factors)
    report = to_markdown(result)
    assert "# Environmental footprint disclosure: a \\| b" in report
    assert "Not estimated: the profile has no inference section." in report
    assert "Not computed" in report
    assert "zone-default" in report


# ---- equivalences and YAML ----

@pytest.mark.parametrize("item", EQUIVALENCES, ids=[e.key for e in EQUIVALENCES])
def test_every_equivalence_has_value_unit_source_and_year(item):
    assert item.value > 0 and item.source.strip() and item.label.strip()
    assert 2000 <= item.year <= 2026
    assert item.per_item == pytest.approx(
        item.value * conversion_factor(item.unit, CANONICAL_UNITS[item.indicator]))


def test_equivalents_count_items_and_skip_what_cannot_be_counted():
    cars = equivalents("gwp", 106.6)  # kgCO2e
    assert [e["key"] for e in cars] == ["car_km_eu"]
    assert cars[0]["count"] == pytest.approx(1000.0)
    assert equivalents("adpe", 1.0) == []
    assert equivalents("gwp", math.nan) == []


def test_yaml_reads_exponent_numbers_as_floats_like_json():
    assert load_yaml("a: 1e9\nb: 15e12\nc: -2.5E-3\nd: 1_000\ne: '1e9'") == {
        "a": 1e9, "b": 15e12, "c": -2.5e-3, "d": 1000, "e": "1e9"}


def test_yaml_refuses_object_tags_and_names_the_line():
    with pytest.raises(ProfileError) as caught:
        load_yaml("a: 1\nb: !!python/object/apply:os.system ['true']\n", "x.yaml")
    assert caught.value.errors[0]["field"] == "x.yaml"
    assert "line 2" in caught.value.errors[0]["message"]
