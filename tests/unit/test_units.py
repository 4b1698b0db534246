"""The unit parser: numbers and unit strings in, canonical floats out, hostile strings refused."""

from __future__ import annotations

import math

import pytest

from lca.errors import FieldError
from lca.units import conversion_factor, convert, parse_quantity


@pytest.mark.parametrize(("raw", "unit", "expected"), [
    (700, "W", 700.0),
    ("700 W", "W", 700.0),
    ("0.7 kW", "W", 700.0),
    ("1287 MWh", "kWh", 1.287e6),
    ("14.8 day", "h", 355.2),
    ("5 year", "h", 5 * 8766.0),
    ("18 month", "h", 18 * 730.5),
    ("3.14e23 FLOP", "FLOP", 3.14e23),
    ("24.6 TFLOP/s", "FLOP/s", 24.6e12),
    ("24.6 TFLOPS", "FLOP/s", 24.6e12),
    ("429 gCO2e/kWh", "kgCO2e/kWh", 0.429),
    ("0.429 kgCO2e/kWh", "kgCO2e/kWh", 0.429),
    ("0.429 kg/kWh", "kgCO2e/kWh", 0.429),
    ("0.954 lbCO2e/kWh", "kgCO2e/kWh", 0.954 * 0.45359237),
    ("2 tCO2e", "kgCO2e", 2000.0),
    ("0.16 mg Sb eq", "kgSbeq", 0.16e-6),
    ("1e-7 kgSbeq/kWh", "kgSbeq/kWh", 1e-7),
    ("3.7 L/kWh", "L/kWh", 3.7),
    ("2 m3", "L", 2000.0),
    ("0.5 J", "kWh/token", 0.5 / 3.6e6),
    ("0.5 J/token", "kWh/token", 0.5 / 3.6e6),
    ("50 token/s", "token/s", 50.0),
    ("15e12 token", "token", 15e12),
    ("80 GB", "GB", 80.0),
    ("40 %", "dimensionless", 0.4),
    ("70e9", "dimensionless", 70e9),
])
def test_parse_quantity_reads_numbers_and_unit_strings_into_canonical_units(raw, unit, expected):
    assert parse_quantity(raw, unit, "f") == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("raw", "unit", "message"), [
    ("3 kg", "h", "expected a time (in h), got '3 kg'"),
    ("1 kgSbeq/kWh", "kgCO2e/kWh", "expected"),
    ("1 kgCO2e", "kgSbeq", "expected"),
    ("700", "W", "has no unit"),
    ("700 parsecs", "W", "expected a power"),
    ("7 furlongz", "W", "unknown unit"),
    ("9**9**9 W", "W", "expected a number followed by a unit"),
    ("1e308*1e308 W", "W", "expected a number followed by a unit"),
    ("1 W**1000000", "W", "expected a number followed by a unit"),
    ("W", "W", "expected a number followed by a unit"),
    ("", "W", "expected a number followed by a unit"),
    ("1e999 W", "W", "finite"),
    ("1" * 200 + " W", "W", "longer than"),
    ("__import__('os') W", "W", "expected a number followed by a unit"),
    (float("nan"), "W", "finite"),
    (float("inf"), "W", "finite"),
    (True, "W", "expected a power"),
    (None, "W", "expected a power"),
    ([1], "W", "expected a power"),
    ({"value": 1}, "W", "expected a power"),
])
def test_parse_quantity_refuses_wrong_and_hostile_input_naming_the_field(raw, unit, message):
    field = "training.accelerator_hours"
    with pytest.raises(FieldError) as caught:
        parse_quantity(raw, unit, field)
    assert caught.value.field == field
    assert message in caught.value.message


def test_a_huge_exponent_overflowing_to_infinity_is_refused():
    with pytest.raises(FieldError, match="finite"):
        parse_quantity("1e300 TW", "W", "f")


def test_conversion_factors_are_cached_per_expression():
    conversion_factor.cache_clear()
    parse_quantity("5 kW", "W", "a")
    parse_quantity("6 kW", "W", "b")
    info = conversion_factor.cache_info()
    assert (info.hits, info.misses) == (1, 1)


def test_convert_expresses_a_canonical_value_in_a_display_unit():
    assert convert(1.5, "kgCO2e", "g") == pytest.approx(1500.0)
    assert convert(2.0, "L", "mL") == pytest.approx(2000.0)
    assert math.isclose(convert(3.6, "MJ", "kWh"), 1.0)


@pytest.mark.parametrize(("raw", "unit", "message"), [
    ("1e6/day", "dimensionless", "expected a number, like 1000000 or '1e6', got '1e6/day'"),
    ("1,000,000", "dimensionless", "expected a number, like 1000000 or '1e6', got '1,000,000'"),
    ("four hundred", "token",
     "expected a number followed by a unit, like '10 token', got 'four hundred'"),
    ("20/s", "request/s", "expected a number followed by a unit, like '10 request/s', got '20/s'"),
])
def test_a_malformed_quantity_is_refused_whole_with_an_example_in_the_fields_unit(
        raw, unit, message):
    # "1e6/day" used to be read as 1 of an unknown unit "e6/day".
    with pytest.raises(FieldError) as caught:
        parse_quantity(raw, unit, "f")
    assert caught.value.message == message


@pytest.mark.parametrize(("raw", "expected"), [("1e6", 1e6), ("1E6", 1e6), ("2.5e+3", 2500.0)])
def test_a_number_with_an_exponent_is_read_whole(raw, expected):
    assert parse_quantity(raw, "dimensionless", "f") == expected
    assert parse_quantity(raw + " W", "W", "f") == expected
