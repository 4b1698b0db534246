"""Numbers for people (lca.report.format): units that keep a figure in 1-999, three significant
digits, never e-notation; and the everyday equivalents phrased to read well at any scale."""

from __future__ import annotations

import math

import pytest

from lca.quantities import CANONICAL_UNITS, INDICATORS
from lca.report.equivalences import equivalents, phrase
from lca.report.format import (
    LADDERS,
    count,
    fixed_scale,
    ladder,
    number,
    percent,
    quantity,
    quantity_range,
    scale_for,
    shown_in,
    signed_percent,
    significant,
)
from lca.units import conversion_factor


@pytest.mark.parametrize(("indicator", "value", "expected"), [
    ("gwp", 2.717e-05, "27.2 mg CO2e"),
    ("gwp", 2.287e06, "2.29 kt CO2e"),
    ("gwp", 0.9996, "1 kg CO2e"),  # rounds up into the next unit, not "1,000 g CO2e"
    ("energy", 0.0002382, "238 mWh"),
    ("energy", 5.632e06, "5.63 GWh"),
    ("energy", 0.187e-3, "187 mWh"),
    ("water", 0.00154, "1.54 mL"),
    ("water", 4.2e7, "42 thousand m³"),
    ("water", 5.618e05, "562 m³"),
    ("adpe", 5.708e-10, "571 ng Sb eq"),
    ("adpe", 11.7, "11.7 kg Sb eq"),
    ("pe", 0.0002488, "249 J"),
    ("pe", 1.13e06, "1.13 TJ"),
])
def test_a_figure_is_shown_in_the_unit_that_keeps_it_between_1_and_999(indicator, value,
                                                                         expected):
    assert quantity(indicator, value) == expected


@pytest.mark.parametrize("indicator", INDICATORS)
def test_every_unit_of_the_ladders_comes_from_the_registry(indicator):
    canonical = CANONICAL_UNITS[indicator]
    sizes = [s.size for s in ladder(indicator)]
    assert sizes == sorted(sizes)
    assert sizes == [conversion_factor(unit, canonical) for _, unit in LADDERS[indicator]]
    assert any(s.unit == canonical for s in ladder(indicator))


@pytest.mark.parametrize("indicator", INDICATORS)
@pytest.mark.parametrize("exponent", range(-16, 13))
def test_every_magnitude_reads_between_1_and_999_with_three_digits(indicator, exponent):
    for mantissa in (1.0, 2.5, 9.999, 0.5):
        value = mantissa * 10.0**exponent
        text = quantity(indicator, value)
        shown, label = text.split(" ", 1)
        assert "e" not in shown.lower()
        magnitude = float(shown.replace(",", ""))
        steps = ladder(indicator)
        scale = next(s for s in steps if s.label == label)
        assert magnitude == pytest.approx(value / scale.size, rel=5e-3)
        if steps[0].size <= value < 1000 * steps[-1].size * 0.9995:
            assert 1 <= magnitude < 1000, text
        assert len(significant_digits(shown)) <= 3, text


def significant_digits(text: str) -> str:
    """The significant digits of a number as printed (``65,800`` -> ``658``)."""
    digits = text.lstrip("-").replace(",", "")
    whole = "." not in digits
    digits = digits.replace(".", "").lstrip("0")
    return digits.rstrip("0") if whole else digits


@pytest.mark.parametrize(("value", "expected"), [
    (65812.0, "65,800"), (0.000123456, "0.000123"), (1e20, "100,000,000,000,000,000,000"),
    (-0.0, "0"), (0.0, "0"), (1.005, "1"), (-2.345e-7, "-0.000000234"), (math.inf, "n/a"),
])
def test_significant_never_uses_e_notation(value, expected):
    assert significant(value) == expected


def test_counts_read_in_words_from_a_million():
    assert count(1e8) == "100 million"
    assert count(5.479e08) == "548 million"
    assert count(6.58e10) == "65.8 billion"
    assert count(2.5e13) == "25 trillion"
    assert count(65812) == "65,800"
    assert count(999_999) == "1 million"
    assert count(None) == "n/a"


def test_percentages_and_plain_numbers_have_no_e_notation():
    assert percent(0.0000123) == "0.00123 %"
    assert signed_percent(0.00004) == "+0.004 %"
    assert signed_percent(-0.1) == "-10 %"
    assert signed_percent(0) == "+0 %"
    assert number(1e-05) == "0.00001"
    assert number(1.234567e7) == "12,345,700"
    assert number(35064.0) == "35,064"
    assert number(None) == "n/a" and number("x") == "x"


def test_a_range_is_shown_in_its_central_values_unit():
    q = {"value": 2.724e-06, "unit": "kgCO2e", "low": 1.844e-06, "high": 1.464e-05}
    assert quantity_range("gwp", q) == "2.72 mg CO2e (1.84 to 14.6)"
    assert quantity_range("gwp", {"value": None, "unit": "kgCO2e"}) == "n/a"


def test_a_unit_the_reader_asked_for_is_kept():
    q = {"value": 2.724, "unit": "g", "low": None, "high": None}  # an estimate with units
    scale = shown_in("gwp", q)
    assert scale is not None and scale.label == "g CO2e"
    assert quantity("gwp", q["value"], q["unit"], scale=scale) == "2.72 g CO2e"
    asked = shown_in("gwp", {"value": 1.0, "unit": "kgCO2e"}, {"gwp": "lb"})
    assert asked is not None and asked.label == "lb"
    assert quantity("gwp", 1.0, scale=asked) == "2.2 lb"
    assert shown_in("gwp", {"value": 1.0, "unit": "kgCO2e"}) is None
    assert fixed_scale("water", "m3").label == "m³"


def test_zero_and_missing_figures_use_the_canonical_unit():
    assert scale_for("gwp", 0.0).unit == "kgCO2e"
    assert quantity("gwp", 0.0) == "0 kg CO2e"
    assert quantity("gwp", None) == "n/a"


# ---- equivalents phrased for people ----

def _first(indicator: str, amount: float, key: str) -> dict:
    return next(e for e in equivalents(indicator, amount) if e["key"] == key)


def test_a_short_drive_reads_in_centimetres_not_in_a_fraction_of_a_km():
    car = _first("gwp", 2.717e-05, "car_km_eu")  # 0.000255 km
    assert phrase(car).startswith("25.5 cm driven by an average new car")
    assert phrase(_first("gwp", 0.05, "car_km_eu")).startswith("469 m driven")
    assert phrase(_first("gwp", 1e-12, "car_km_eu")).startswith("less than 1 mm driven")
    assert phrase(_first("gwp", 1e4, "car_km_eu")).startswith("93,800 km driven")


def test_less_than_one_item_per_request_reads_as_one_item_per_so_many_requests():
    shower = _first("water", 0.000909, "shower_us")  # 1.52e-05 showers
    assert phrase(shower, "request") == ("one average shower (United States) per 65,800 "
                                         "requests")
    charge = _first("energy", 2.487e-05, "smartphone_charge")
    assert phrase(charge, "request") == "one full smartphone charge per 466 requests"


def test_less_than_one_item_of_a_total_reads_as_a_percentage_of_one():
    charge = _first("energy", 2.487e-05, "smartphone_charge")
    assert phrase(charge) == "0.214 % of one full smartphone charge"


def test_many_items_read_as_a_count_in_words():
    charges = _first("energy", 1.162e05, "smartphone_charge")
    assert phrase(charges) == "10 million full smartphone charges"
