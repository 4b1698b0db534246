"""Every shipped factor set: schema and provenance, promised coverage, plausible magnitudes, and
published values that a unit slip or a wrong row would move."""

from __future__ import annotations

import csv
import json
import math
from collections import Counter
from collections.abc import Iterator

import pytest

from lca.factors import (
    OPTIONAL_TABLES,
    Factor,
    FactorSet,
    available_versions,
    default_root,
    load_all,
    load_factor_set,
)

VERSIONS = available_versions()
LONG_TABLES = ("zones", "hardware", "datacenters", "models", "constants")
HOURS_PER_YEAR = 365.25 * 24


@pytest.fixture(scope="module", params=VERSIONS)
def factor_set(request: pytest.FixtureRequest) -> FactorSet:
    return load_all()[request.param]


def _manifest(version: str) -> dict:
    return json.loads((default_root() / version / "manifest.json").read_text(encoding="utf-8"))


def _raw_rows(version: str, table: str) -> list[dict[str, str]]:
    path = default_root() / version / _manifest(version)["tables"][table]["file"]
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _factors(fs: FactorSet, table: str, attribute: str | None = None) -> Iterator[Factor]:
    """Default factors of ``table`` (one attribute, or all) followed by their candidates."""
    for attributes in fs.tables[table].rows.values():
        for name, factor in attributes.items():
            if attribute in (None, name):
                yield factor
                yield from factor.alternatives


def _all_factors(fs: FactorSet) -> Iterator[Factor]:
    for table in fs.tables:
        yield from _factors(fs, table)


def _numbers(factor: Factor) -> list[float]:
    return [factor.value, *factor.spread]


# -- 1. schema and provenance -------------------------------------------------------------------

def test_load_all_returns_every_version_folder_validated() -> None:
    sets = load_all()
    assert VERSIONS
    assert list(sets) == VERSIONS
    assert [fs.version for fs in sets.values()] == VERSIONS


def test_every_table_of_the_manifest_is_loaded(factor_set: FactorSet) -> None:
    spec = _manifest(factor_set.version)["tables"]
    long_tables = {name for name, table in spec.items() if table["format"] == "long"}
    assert set(factor_set.tables) == long_tables | set(OPTIONAL_TABLES)
    assert set(LONG_TABLES) <= long_tables
    assert "regions" in spec
    assert factor_set.regions
    assert all(table.rows for name, table in factor_set.tables.items() if name in long_tables)


def test_an_optional_table_a_set_lacks_is_held_empty() -> None:
    """2026.1 predates the task table: it is loaded, with the table empty."""
    old = load_factor_set(version="2026.1")
    assert "tasks" not in _manifest("2026.1")["tables"]
    assert dict(old.tables["tasks"].rows) == {}
    assert set(load_factor_set(version="2026.2").tables["tasks"].rows) == {
        "chat", "reasoning", "code", "summarization", "rag", "classification"}


def test_every_factor_has_a_source_and_a_year_up_to_the_release(factor_set: FactorSet) -> None:
    last = int(factor_set.released[:4])
    bad = [(f.ref, f.source, f.year) for f in _all_factors(factor_set)
           if not f.source.strip() or not 1990 <= f.year <= last]
    assert bad == []


def test_every_region_has_a_source_a_year_and_a_label(factor_set: FactorSet) -> None:
    last = int(factor_set.released[:4])
    bad = [r.region for r in factor_set.regions.values()
           if not r.source.strip() or not r.label.strip() or not 1990 <= r.year <= last]
    assert bad == []


def test_every_value_and_range_is_finite_and_ordered(factor_set: FactorSet) -> None:
    bad = []
    for f in _all_factors(factor_set):
        low, high = f.spread
        if not all(math.isfinite(x) for x in (f.value, low, high)) or not low <= f.value <= high:
            bad.append((f.ref, low, f.value, high))
    assert bad == []


def test_every_factor_is_in_the_canonical_unit_of_the_manifest(factor_set: FactorSet) -> None:
    spec = _manifest(factor_set.version)["tables"]
    bad = []
    for f in _all_factors(factor_set):
        table = spec[f.table]
        canonical = table["keys"][f.key] if f.table == "constants" else (
            table["attributes"][f.attribute]["unit"])
        if f.unit != canonical:
            bad.append((f.ref, f.unit, canonical))
    assert bad == []


def test_every_key_has_a_non_empty_label(factor_set: FactorSet) -> None:
    for table in factor_set.tables.values():
        assert set(table.labels) == set(table.rows)
        assert [k for k, label in table.labels.items() if not label.strip()] == []


RAW_CASES = [(v, t) for v in VERSIONS for t in LONG_TABLES]


@pytest.mark.parametrize(("version", "table"), RAW_CASES)
def test_raw_csv_has_exactly_one_default_per_key_and_attribute(version: str, table: str) -> None:
    rows = _raw_rows(version, table)
    defaults = Counter((r["key"], r["attribute"]) for r in rows if r["default"] == "yes")
    pairs = {(r["key"], r["attribute"]) for r in rows}
    assert {pair: defaults[pair] for pair in pairs if defaults[pair] != 1} == {}


@pytest.mark.parametrize(("version", "table"), RAW_CASES)
def test_raw_csv_has_no_two_rows_with_the_same_key_attribute_and_source(
        version: str, table: str) -> None:
    counts = Counter((r["key"], r["attribute"], r["source"]) for r in _raw_rows(version, table))
    assert [row for row, n in counts.items() if n > 1] == []


@pytest.mark.parametrize(("version", "table"), RAW_CASES)
def test_every_raw_csv_row_is_carried_as_a_default_or_a_candidate(
        version: str, table: str) -> None:
    fs = load_all()[version]
    assert len(list(_factors(fs, table))) == len(_raw_rows(version, table))


# -- 2. coverage promised by the issue ----------------------------------------------------------

HARDWARE = ["nvidia-v100", "nvidia-a100-40gb", "nvidia-a100-80gb", "nvidia-h100-sxm",
            "nvidia-h100-pcie", "nvidia-h200", "nvidia-b200", "nvidia-l4", "nvidia-t4",
            "google-tpu-v3", "google-tpu-v4", "google-tpu-v5e"]
HARDWARE_ATTRIBUTES = {
    "tdp", "peak_flops_16bit", "memory", "memory_bandwidth", "accelerators_per_server",
    "host_power", "embodied_gwp", "embodied_water", "embodied_adpe", "embodied_pe"}
HOST_SHARE = {"host_embodied_gwp", "host_embodied_water", "host_embodied_adpe",
              "host_embodied_pe"}
MODELS = ["gpt-3", "bloom-176b", "llama-2-70b", "llama-3.1-70b", "mistral-7b", "mistral-large-2",
          "mixtral-8x7b", "mixtral-8x22b", "deepseek-v3"]
MOE_MODELS = ["mixtral-8x7b", "mixtral-8x22b", "deepseek-v3"]


def test_zones_cover_at_least_40_countries_plus_the_world(factor_set: FactorSet) -> None:
    zones = factor_set.tables["zones"].rows
    countries = [k for k in zones if k != "WOR" and len(k) == 3 and k.isalpha() and k.isupper()]
    assert "WOR" in zones
    assert len(countries) >= 40
    assert [k for k, a in zones.items() if not {"gwp", "water", "adpe", "pe"} <= set(a)] == []


@pytest.mark.parametrize("key", HARDWARE)
def test_hardware_preset_has_every_attribute_the_estimator_needs(
        factor_set: FactorSet, key: str) -> None:
    attributes = set(factor_set.tables["hardware"].rows.get(key, {}))
    assert attributes >= HARDWARE_ATTRIBUTES
    server = factor_set.linked("hardware_servers", key)
    if server is None:  # sets before 2026.2: the host share is a row of the accelerator
        assert attributes >= HOST_SHARE
    else:
        assert set(factor_set.tables["servers"].rows[server]) >= {
            "accelerators_per_server", "training_host_power",
            *(a.removeprefix("host_") for a in HOST_SHARE)}


@pytest.mark.parametrize("key", ["google", "microsoft", "aws", "meta", "average"])
def test_datacenter_profile_has_pue_and_wue(factor_set: FactorSet, key: str) -> None:
    assert {"pue", "wue"} <= set(factor_set.tables["datacenters"].rows.get(key, {}))


@pytest.mark.parametrize(("region", "zone", "datacenter"), [
    ("aws:us-east-1", "USA", "aws"),
    ("aws:eu-west-1", "IRL", "aws"),
    ("aws:eu-west-3", "FRA", "aws"),
    ("aws:eu-central-1", "DEU", "aws"),
    ("gcp:us-central1", "USA", "google"),
    ("gcp:europe-west1", "BEL", "google"),
    ("gcp:europe-west4", "NLD", "google"),
    ("gcp:asia-northeast1", "JPN", "google"),
    ("azure:eastus", "USA", "microsoft"),
    ("azure:westeurope", "NLD", "microsoft"),
    ("azure:northeurope", "IRL", "microsoft"),
    ("azure:francecentral", "FRA", "microsoft"),
])
def test_main_cloud_region_maps_to_its_country_and_operator(
        factor_set: FactorSet, region: str, zone: str, datacenter: str) -> None:
    found = factor_set.regions.get(region)
    assert found is not None
    # from 2026.2 a region may map to a state or province of its country (USA-VA)
    assert (found.zone.split("-")[0], found.datacenter) == (zone, datacenter)


@pytest.mark.parametrize(("region", "zone"), [
    ("aws:us-west-2", "USA-OR"), ("aws:us-east-1", "USA-VA"), ("gcp:us-central1", "USA-IA"),
    ("azure:canadacentral", "CAN-ON"), ("aws:ca-central-1", "CAN-QC"),
    ("aws:ap-southeast-2", "AUS-NSW"), ("gcp:australia-southeast2", "AUS-VIC"),
])
def test_cloud_region_maps_to_its_state_or_province_from_2026_2(region: str, zone: str) -> None:
    sets = load_all()
    assert sets["2026.2"].regions[region].zone == zone
    assert sets["2026.1"].regions[region].zone == zone.split("-")[0]  # released set unchanged


_US = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
       "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY")
_CA = "AB BC MB NB NL NS NT NU ON PE QC SK YT"
_AU = "ACT NSW NT QLD SA TAS VIC WA"
SUBNATIONAL = [f"{country}-{code}" for country, codes in (("USA", _US), ("CAN", _CA),
                                                          ("AUS", _AU))
               for code in codes.split(" ")]


def test_2026_2_has_every_us_state_canadian_province_australian_state_and_five_countries(
        ) -> None:
    zones = load_all()["2026.2"].tables["zones"].rows
    assert len(SUBNATIONAL) == 51 + 13 + 8
    missing = [z for z in (*SUBNATIONAL, "ZAF", "ARE", "SAU", "ISR", "QAT") if z not in zones]
    assert missing == []


def test_every_added_zone_row_has_a_source_a_year_and_a_note_saying_how() -> None:
    rows = [r for r in _raw_rows("2026.2", "zones")
            if r["key"] in {*SUBNATIONAL, "ZAF", "ARE", "SAU", "ISR", "QAT"}]
    assert len(rows) == (72 + 5) * 4
    assert [r["key"] for r in rows if not (r["source"].strip() and r["year"].strip().isdigit()
                                           and r["note"].strip())] == []
    # a factor the sub-national source lacks falls back to the country's, and says so
    fallbacks = [r for r in rows if r["key"] in SUBNATIONAL and r["attribute"] != "gwp"]
    assert all(r["source"].startswith("FALLBACK ") for r in fallbacks)


def test_a_state_grid_differs_from_its_country_where_the_sources_say_so() -> None:
    fs = load_all()["2026.2"]
    usa = fs.get("zones", "USA", "gwp").value
    assert fs.get("zones", "USA-WA", "gwp").value < 0.4 * usa  # hydro
    assert fs.get("zones", "USA-WV", "gwp").value > 1.8 * usa  # coal
    assert fs.get("zones", "CAN-QC", "gwp").value < 0.05
    assert fs.get("zones", "USA-OR", "water").value == fs.get("zones", "USA", "water").value


def test_every_region_references_an_existing_zone_and_datacenter(factor_set: FactorSet) -> None:
    bad = [r.region for r in factor_set.regions.values()
           if not factor_set.has("zones", r.zone) or not factor_set.has("datacenters", r.datacenter)
           or r.region.split(":")[0] != r.provider]
    assert bad == []


def test_models_hold_at_least_20_presets_including_the_promised_ones(
        factor_set: FactorSet) -> None:
    models = factor_set.tables["models"].rows
    assert len(models) >= 20
    assert [m for m in MODELS if m not in models] == []


def test_no_model_has_more_active_than_total_parameters(factor_set: FactorSet) -> None:
    models = factor_set.tables["models"].rows
    assert [k for k, a in models.items()
            if a["active_parameters"].value > a["parameters"].value] == []


@pytest.mark.parametrize("key", MOE_MODELS)
def test_mixture_of_experts_preset_activates_fewer_parameters_than_it_holds(
        factor_set: FactorSet, key: str) -> None:
    model = factor_set.tables["models"].rows[key]
    assert model["active_parameters"].value < model["parameters"].value


# -- 3. plausibility bounds that catch unit slips ------------------------------------------------

BOUNDS = [  # table, attribute, canonical unit, lowest and highest plausible value
    ("zones", "gwp", "kgCO2e/kWh", 0.005, 1.5),
    ("zones", "water", "L/kWh", 0.0, 25.0),
    ("zones", "adpe", "kgSbeq/kWh", 1e-9, 1e-6),
    ("zones", "pe", "MJ/kWh", 0.01, 30.0),
    ("datacenters", "pue", "dimensionless", 1.0, 2.0),
    ("datacenters", "wue", "L/kWh", 0.0, 5.0),
    ("hardware", "tdp", "W", 50.0, 1500.0),
    ("hardware", "peak_flops_16bit", "FLOP/s", 1e13, 1e16),
    ("hardware", "memory", "GB", 8.0, 300.0),
    ("hardware", "memory_bandwidth", "GB/s", 100.0, 10000.0),
    ("hardware", "embodied_gwp", "kgCO2e", 10.0, 3000.0),
    ("hardware", "host_power", "W", 0.0, 1000.0),
]


@pytest.mark.parametrize(("table", "attribute", "unit", "low", "high"), [
    pytest.param(*row, id=f"{row[0]}.{row[1]} {row[3]:g}..{row[4]:g} {row[2]}") for row in BOUNDS])
def test_values_candidates_and_ranges_lie_within_plausible_bounds(
        factor_set: FactorSet, table: str, attribute: str, unit: str, low: float,
        high: float) -> None:
    factors = list(_factors(factor_set, table, attribute))
    assert factors
    assert {f.unit for f in factors} == {unit}
    assert [(f.ref, _numbers(f)) for f in factors
            if not all(low <= x <= high for x in _numbers(f))] == []


def test_hardware_lifetime_lies_between_2_and_8_years_in_hours(factor_set: FactorSet) -> None:
    lifetime = factor_set.constant("hardware_lifetime")
    assert lifetime.unit == "h"
    for hours in _numbers(lifetime):
        assert 2 * HOURS_PER_YEAR <= hours <= 8 * HOURS_PER_YEAR


# -- 4. rows the reference notes flag as wrong are not carried -----------------------------------

@pytest.mark.parametrize(("zone", "attribute", "rejected"), [
    pytest.param("WOR", "pe", 2.5871, id="WOR pe 2.5871 EcoLogits v0.9.1 anomaly"),
    pytest.param("WOR", "adpe", 1.349e-8, id="WOR adpe 1.349e-8 EcoLogits v0.9.1 anomaly"),
    pytest.param("WOR", "pe", 9.988, id="WOR pe 9.988 Boavizta ADPf/(1-renewable)"),
    pytest.param("SWE", "gwp", 0.0057, id="SWE gwp 5.7 g AIB direct-only"),
    pytest.param("NOR", "gwp", 0.0076, id="NOR gwp 7.6 g AIB direct-only"),
    pytest.param("ISL", "gwp", 0.0001, id="ISL gwp 0.1 g AIB direct-only"),
    pytest.param("CHE", "gwp", 0.0115, id="CHE gwp 11.5 g AIB direct-only"),
])
def test_flagged_value_is_neither_default_candidate_nor_bound(
        factor_set: FactorSet, zone: str, attribute: str, rejected: float) -> None:
    numbers = [x for f in _factors(factor_set, "zones", attribute) if f.key == zone
               for x in _numbers(f)]
    assert numbers
    assert [x for x in numbers if math.isclose(x, rejected, rel_tol=1e-3)] == []


@pytest.mark.parametrize("rejected", [
    pytest.param(1.5685, id="IND ADEME Base IMPACTS 2011"),
    pytest.param(0.5929, id="GBR ADEME Base IMPACTS 2011"),
])
def test_no_zone_carries_an_ademe_2011_grid_gwp(factor_set: FactorSet, rejected: float) -> None:
    numbers = {(f.ref, x) for f in _factors(factor_set, "zones", "gwp") for x in _numbers(f)}
    assert [(ref, x) for ref, x in numbers if math.isclose(x, rejected, rel_tol=1e-3)] == []


# -- 5. published values ------------------------------------------------------------------------

@pytest.mark.parametrize(("zone", "low", "high"), [
    pytest.param("FRA", 0.02, 0.1, id="FRA nuclear-heavy grid (OWID/Ember)"),
    pytest.param("SWE", 0.0, 0.06, id="SWE hydro-nuclear grid (OWID/Ember)"),
    pytest.param("IND", 0.6, math.inf, id="IND coal-heavy grid (OWID/Ember)"),
    pytest.param("POL", 0.6, math.inf, id="POL coal-heavy grid (OWID/Ember)"),
])
def test_grid_intensity_of_a_well_known_country_lies_in_its_band(
        factor_set: FactorSet, zone: str, low: float, high: float) -> None:
    gwp = factor_set.get("zones", zone, "gwp")
    assert gwp is not None
    assert low < gwp.value < high


NVIDIA_H100 = "NVIDIA H100 datasheet"
PUBLISHED = [  # table, key, attribute, value in the canonical unit, source
    ("hardware", "nvidia-h100-sxm", "tdp", 700, NVIDIA_H100),
    ("hardware", "nvidia-h100-sxm", "memory", 80, NVIDIA_H100),
    ("hardware", "nvidia-h100-sxm", "memory_bandwidth", 3350, NVIDIA_H100),
    ("hardware", "nvidia-h100-sxm", "peak_flops_16bit", 989.4e12, NVIDIA_H100),
    ("hardware", "nvidia-a100-80gb", "memory", 80, "NVIDIA A100 80GB datasheet"),
    ("hardware", "nvidia-a100-80gb", "memory_bandwidth", 2039, "NVIDIA A100 80GB datasheet"),
    ("hardware", "google-tpu-v4", "peak_flops_16bit", 275e12, "Google Cloud TPU v4 docs"),
    ("models", "llama-3.1-70b", "parameters", 70.6e9, "Meta Llama 3.1 model card"),
    ("models", "mixtral-8x7b", "parameters", 46.7e9, "Mistral AI"),
    ("models", "mixtral-8x7b", "active_parameters", 12.9e9, "Mistral AI"),
    ("models", "deepseek-v3", "parameters", 671e9, "DeepSeek-V3 technical report"),
    ("models", "deepseek-v3", "active_parameters", 37e9, "DeepSeek-V3 technical report"),
    ("models", "gpt-3", "parameters", 175e9, "Brown et al. 2020"),
]


@pytest.mark.parametrize(("table", "key", "attribute", "expected"), [
    pytest.param(*row[:4], id=f"{row[1]}.{row[2]} ({row[4]})") for row in PUBLISHED])
def test_published_value_is_carried_within_2_percent(
        factor_set: FactorSet, table: str, key: str, attribute: str, expected: float) -> None:
    factor = factor_set.get(table, key, attribute)
    assert factor is not None
    assert factor.value == pytest.approx(expected, rel=0.02)
