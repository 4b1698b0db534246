"""The request schemas say exactly what lca accepts, or less: api.document's patterns, units and
factor ids checked against lca itself."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.document import DISPLAY_UNITS, QUANTITY_UNITS, factor_ids, quantity_text
from lca.factors import FactorRepository, load_factor_set
from lca.interchange.huggingface import EMISSIONS
from lca.quantities import CANONICAL_UNITS, FIELDS
from lca.units import conversion_factor
from tests.conftest import FIXTURE_FACTORS

SPECS = {**{path: field.spec for path, field in FIELDS.items()}, "emissions": EMISSIONS}


@pytest.mark.parametrize("path", sorted(SPECS))
def test_every_string_a_quantity_pattern_admits_is_read_in_range(path):
    spec, text = SPECS[path], quantity_text(SPECS[path])

    @settings(max_examples=40, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(st.from_regex(text["pattern"], fullmatch=True))
    def read(raw: str) -> None:
        spec.read(raw, path)  # FieldError if out of range, or not a quantity

    read()


@pytest.mark.parametrize(("path", "raw"), [
    ("training.accelerator_hours", "7000000 h"), ("inference.duration", "18 month"),
    ("inference.duration", "30 day"), ("hardware_lifetime", "5 year"),
    ("training.grid.gwp", "429 gCO2e/kWh"), ("training.compute", "3.14e23 FLOP"),
    ("inference.energy_per_output_token", "0.5 J"), ("inference.power_per_accelerator", "700 W"),
    ("model.layers", "80"), ("training.grid.adpe", "0 kgSbeq/kWh"),
])
def test_the_readme_s_quantity_strings_match_the_document(path, raw):
    assert re.fullmatch(quantity_text(SPECS[path])["pattern"], raw)


@pytest.mark.parametrize(("path", "raw"), [
    ("model.layers", "2.5"), ("model.layers", "1001"), ("inference.output_tokens", "0 token"),
    ("hardware_lifetime", "1 month"), ("training.duration", "101 year"),
    ("training.grid.gwp", "4 kgCO2e/kWh"), ("inference.duration", "3 kg"),
])
def test_a_quantity_pattern_refuses_what_lca_refuses(path, raw):
    assert not re.fullmatch(quantity_text(SPECS[path])["pattern"], raw)


def test_the_documented_units_are_of_their_field_s_and_indicator_s_dimension():
    for canonical, units in QUANTITY_UNITS.items():
        for unit in units:
            assert not unit or conversion_factor(unit, canonical) > 0
    for indicator, units in DISPLAY_UNITS.items():
        for unit in units:
            assert conversion_factor(unit, CANONICAL_UNITS[indicator]) > 0


def test_the_factor_ids_are_those_every_factor_set_holds():
    packaged, fixture = load_factor_set(), load_factor_set(FIXTURE_FACTORS, "t.1")
    ids = factor_ids(FactorRepository.of(fixture, packaged))
    assert ids["versions"] == ["t.1", packaged.version]
    assert set(ids["hardware"]) == set(packaged.tables["hardware"].rows) & set(
        fixture.tables["hardware"].rows)
    assert "aws:eu-west-3" in factor_ids(FactorRepository.of(packaged))["locations"]
