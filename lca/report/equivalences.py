"""Everyday equivalences shown beside the figures, for people: illustrations, never results.

Each entry says how much of one indicator one everyday item stands for ("one km by an average new
car in the EU emits 106.6 gCO2"), with its source and data year. ``equivalents(indicator, amount)``
expresses an amount in those items. They compare unlike things on purpose — a car's tailpipe CO2
with a life-cycle CO2e, one country's showers with another's data centre — so every rendering must
label them as illustrations and cite them; they never enter a calculation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from lca.quantities import CANONICAL_UNITS
from lca.report.format import count, significant
from lca.units import UNITS, conversion_factor

# Lengths an item measured in length (km driven) is shown in when it is short, smallest first.
LENGTHS = ("mm", "cm", "m", "km")

# The indicators with everyday items, in the order renderings show them.
ILLUSTRATED = ("gwp", "energy", "water")
ILLUSTRATION = ("Illustrations only: everyday comparisons to give a sense of scale, not results "
                "of this method; each has its own scope and source.")


@dataclass(frozen=True)
class Equivalence:
    """One everyday item: ``value`` ``unit`` of ``indicator`` per ``item``, with its source."""

    key: str
    indicator: str
    item: str
    label: str
    value: float
    unit: str
    source: str
    year: int
    note: str = ""
    one: str = ""  # one item, for "one average shower per 65,800 requests"

    @property
    def per_item(self) -> float:
        """Amount of the indicator one item stands for, in the indicator's canonical unit."""
        return self.value * conversion_factor(self.unit, CANONICAL_UNITS[self.indicator])


EQUIVALENCES: tuple[Equivalence, ...] = (
    Equivalence(
        key="car_km_eu", indicator="gwp", item="km",
        one="km driven by an average new car registered in Europe in 2023",
        label="km driven by an average new car registered in Europe in 2023",
        value=106.6, unit="gCO2e",
        source="European Environment Agency, provisional 2023 monitoring data on CO2 emissions "
               "from new passenger cars (EU-27, Iceland, Norway; WLTP type approval), published "
               "2024; ICCT 2024 briefing on the same data: 107 g/km",
        year=2023,
        note="Tailpipe CO2 at type approval (real-world driving emits more), no vehicle "
             "manufacturing or fuel production; compared here with life-cycle CO2e.",
    ),
    Equivalence(
        key="smartphone_charge", indicator="energy", item="charge",
        label="full smartphone charges", one="full smartphone charge",
        value=0.0116, unit="kWh",
        source="US EPA Greenhouse Gas Equivalencies Calculator, Calculations and References: "
               "8.22e-6 t CO2 per smartphone charged at 7.09e-4 t CO2/kWh, i.e. 0.0116 kWh per "
               "charge (derived here)",
        year=2021,
        note="Energy drawn from the wall for one full charge of a typical smartphone (page "
             "version as captured in 2021); newer phones with larger batteries draw more.",
    ),
    Equivalence(
        key="shower_us", indicator="water", item="shower",
        label="average showers (United States)", one="average shower (United States)",
        value=59.8, unit="L",
        source="Water Research Foundation, Residential End Uses of Water, Version 2 (DeOreo et "
               "al. 2016), via the Alliance for Water Efficiency's home-water-works.org: 15.8 "
               "gallons (59.8 L) per shower, 7.8 minutes at 2.1 gallons per minute",
        year=2016,
        note="Water withdrawn and mostly returned to the sewer, whereas the estimate counts water "
             "consumed (evaporated or embedded).",
    ),
    Equivalence(
        key="drinking_day", indicator="water", item="day",
        label="days of an adult's adequate total water intake",
        one="day of an adult's adequate total water intake",
        value=2.0, unit="L",
        source="EFSA Panel on Dietetic Products, Nutrition and Allergies, Scientific Opinion on "
               "Dietary Reference Values for water, EFSA Journal 8(3):1459: adequate total water "
               "intake 2.0 L/day for women, 2.5 L/day for men",
        year=2010,
        note="Total water from drinks and food, women's value.",
    ),
)


def equivalents(indicator: str, amount: float) -> list[dict]:
    """``amount`` (canonical unit of ``indicator``) in every everyday item known for it.

    Returns plain data: ``{"key", "label", "count", "item", "value", "unit", "source", "year",
    "note"}`` per item, ``count`` being how many items ``amount`` stands for; an empty list when
    the amount is missing or not finite or no item is known for the indicator.
    """
    if amount is None or not math.isfinite(amount):
        return []
    return [{"key": e.key, "label": e.label, "count": amount / e.per_item, "item": e.item,
             "value": e.value, "unit": e.unit, "source": e.source, "year": e.year,
             "note": e.note, "one": e.one or e.label}
            for e in EQUIVALENCES if e.indicator == indicator]


def equivalents_of(indicator: str, quantity: Mapping | None) -> list[dict]:
    """``equivalents`` of a figure of an estimate (``{"value", "unit"}``, any unit of
    ``indicator``); an empty list when the figure is missing."""
    if not quantity or quantity.get("value") is None:
        return []
    amount = quantity["value"] * conversion_factor(quantity["unit"], CANONICAL_UNITS[indicator])
    return equivalents(indicator, amount)


def phrase(equivalent: Mapping, per: str | None = None) -> str:
    """An equivalent (an entry of ``equivalents``) as words people read, never e-notation.

    At least one item: the count (``95,600 km driven by ...``, ``10 million full smartphone
    charges``). Less than one: an item measured in length reads in a shorter unit (``25.5 cm
    driven by ...``, or ``less than 1 mm ...``); any other item, when the figure is ``per`` some
    thing (``request``), as one item per so many things (``one average shower (United States)
    per 65,800 requests``), else as a percentage of one item.
    """
    n, label, item = equivalent["count"], equivalent["label"], equivalent["item"]
    if float(f"{n:.2e}") >= 1:
        return f"{count(n)} {label}"
    if _is_length(item) and label.startswith(f"{item} "):
        rest = label[len(item):]
        for unit in reversed(LENGTHS):
            shown = n * conversion_factor(item, unit)
            if float(f"{shown:.2e}") >= 1:
                return f"{significant(shown)} {unit}{rest}"
        return f"less than 1 {LENGTHS[0]}{rest}"
    if n <= 0:
        return f"0 {label}"
    if per:
        return f"one {equivalent['one']} per {count(1 / n)} {per}s"
    return f"{significant(n * 100)} % of one {equivalent['one']}"


def _is_length(item: str) -> bool:
    try:
        return UNITS.parse_units(item).dimensionality == UNITS.parse_units("m").dimensionality
    except Exception:  # an item that is no unit ("shower") is no length
        return False
