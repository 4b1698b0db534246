"""Numbers as people read them, shared by the reports and the command line's tables.

One rule for every figure a person reads (the command line's table, the Markdown disclosure, the
comparison, the illustrations), the rule of the web calculator's ``scaleFor``: a figure is shown
in the largest unit of its indicator's ladder in which it is at least 1 (``2.72e-06 kgCO2e`` ->
``2.72 mg CO2e``), so that it reads between 1 and 999 unless it is below the smallest unit or
above the largest; three significant digits; never e-notation. A range is shown in its central
value's unit. The units are read from the one registry (``lca.units``); no factor is written here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from lca.quantities import CANONICAL_UNITS
from lca.units import conversion_factor

DIGITS = 3


@dataclass(frozen=True)
class Scale:
    """A unit a figure can be shown in: ``label`` for people, ``unit`` for the registry, and
    ``size``, how many of the indicator's canonical unit it is."""

    label: str
    unit: str
    size: float


# (label, registry expression) by indicator, smallest first. The same ladders as the web
# calculator's, with the small units that per-token figures need (µWh, µg, µL, pg, mJ); large
# volumes of water in thousands and millions of m³ (not "ML", too easily read as mL).
LADDERS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "energy": (("µWh", "uWh"), ("mWh", "mWh"), ("Wh", "Wh"), ("kWh", "kWh"), ("MWh", "MWh"),
               ("GWh", "GWh"), ("TWh", "TWh")),
    "gwp": (("µg CO2e", "ugCO2e"), ("mg CO2e", "mgCO2e"), ("g CO2e", "gCO2e"),
            ("kg CO2e", "kgCO2e"), ("t CO2e", "tCO2e"), ("kt CO2e", "ktCO2e"),
            ("Mt CO2e", "MtCO2e")),
    "water": (("µL", "uL"), ("mL", "mL"), ("L", "L"), ("m³", "m**3"), ("thousand m³", "ML"),
              ("million m³", "GL")),
    "adpe": (("pg Sb eq", "pgSbeq"), ("ng Sb eq", "ngSbeq"), ("µg Sb eq", "ugSbeq"),
             ("mg Sb eq", "mgSbeq"), ("g Sb eq", "gSbeq"), ("kg Sb eq", "kgSbeq")),
    "pe": (("mJ", "mJ"), ("J", "J"), ("kJ", "kJ"), ("MJ", "MJ"), ("GJ", "GJ"), ("TJ", "TJ"),
           ("PJ", "PJ")),
}

_COUNT_WORDS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


@cache
def ladder(indicator: str) -> tuple[Scale, ...]:
    """The units of ``indicator`` a figure may be shown in, smallest first, each with its size
    in the canonical unit (from the registry)."""
    canonical = CANONICAL_UNITS[indicator]
    return tuple(Scale(label, unit, conversion_factor(unit, canonical))
                 for label, unit in LADDERS[indicator])


def scale_for(indicator: str, value: float | None) -> Scale:
    """The unit of ``indicator`` that shows ``value`` (canonical unit) between 1 and 999: the
    largest one in which it is at least 1 once rounded; the canonical unit for 0 or no value."""
    steps = ladder(indicator)
    if value is None or not math.isfinite(value) or value == 0:
        return next(s for s in steps if s.unit == CANONICAL_UNITS[indicator])
    pick = steps[0]
    for step in steps:
        if _round(abs(value) / step.size) >= 1:
            pick = step
    return pick


def fixed_scale(indicator: str, unit: str) -> Scale:
    """A unit asked for by the reader (``units`` of a profile, ``--units``), as a Scale."""
    size = conversion_factor(unit, CANONICAL_UNITS[indicator])
    known = next((s for s in ladder(indicator) if math.isclose(s.size, size, rel_tol=1e-9)),
                 None)
    return Scale(known.label if known else unit, unit, size)


def shown_in(indicator: str, q: Mapping | None, asked: Mapping[str, str] | None = None
             ) -> Scale | None:
    """The unit a figure must be shown in, if the reader chose one: ``asked[indicator]`` (the
    ``units`` of a profile, ``--units``), else the figure's own unit when it is not the
    canonical one (an estimate made with display units); None: the unit that reads best."""
    if asked and indicator in asked:
        return fixed_scale(indicator, asked[indicator])
    unit = (q or {}).get("unit")
    if unit and unit != CANONICAL_UNITS[indicator]:
        return fixed_scale(indicator, unit)
    return None


def significant(value: float, digits: int = DIGITS) -> str:
    """``value`` to ``digits`` significant digits in plain decimals, thousands separated
    (``65812`` -> ``65,800``, ``0.000123456`` -> ``0.000123``); never e-notation."""
    if not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    rounded = Decimal(f"{value:.{digits - 1}e}")
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def quantity(indicator: str, value: float | None, unit: str | None = None, *,
             scale: Scale | None = None) -> str:
    """A figure of ``indicator`` for people: ``value`` in ``unit`` (canonical when None) shown
    in ``scale``, else in the unit that keeps it between 1 and 999 (``27.2 mg CO2e``)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    canonical = _canonical(indicator, value, unit)
    scale = scale or scale_for(indicator, canonical)
    return f"{significant(canonical / scale.size)} {scale.label}"


def quantity_range(indicator: str, q: Mapping | None, *, scale: Scale | None = None) -> str:
    """A figure ``{"value", "unit", "low", "high"}`` with its range in the central value's unit:
    ``2.72 mg CO2e (1.84 to 14.6)``; ``n/a`` when there is no value."""
    if not q or q.get("value") is None:
        return "n/a"
    unit = q.get("unit")
    value = _canonical(indicator, q["value"], unit)
    scale = scale or scale_for(indicator, value)
    text = quantity(indicator, value, scale=scale)
    if q.get("low") is not None and q.get("high") is not None:
        low, high = (_canonical(indicator, q[k], unit) / scale.size for k in ("low", "high"))
        text += f" ({significant(low)} to {significant(high)})"
    return text


def count(value: float | None) -> str:
    """A count for people (requests, tokens, items): three significant digits, in millions,
    billions or trillions from a million on (``1e8`` -> ``100 million``, ``65812`` ->
    ``65,800``); never e-notation."""
    if value is None or not math.isfinite(value):
        return "n/a"
    rounded = _round(abs(value))
    for size, word in _COUNT_WORDS:
        if rounded >= size:
            return f"{significant(value / size)} {word}"
    return significant(value)


def number(value: object) -> str:
    """A plain number as given (a factor's value, an assumption), to six significant digits,
    without e-notation; ``n/a`` for None; anything else as its text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "n/a" if value is None else str(value)
    return significant(value, 6)


def percent(fraction: float | None) -> str:
    """A fraction as a percentage to three significant digits (0.25 -> ``25 %``); ``n/a``."""
    return "n/a" if fraction is None else f"{significant(fraction * 100)} %"


def signed_percent(fraction: float | None) -> str:
    """A relative change as a signed percentage (-0.1 -> ``-10 %``); ``n/a`` for None."""
    if fraction is None:
        return "n/a"
    text = significant(fraction * 100)
    return f"{text if text.startswith('-') else '+' + text} %"


def _round(value: float) -> float:
    """``value`` rounded to the digits shown, so that 999.6 g is shown as 1 kg, not 1,000 g."""
    return float(f"{value:.{DIGITS - 1}e}")


def _canonical(indicator: str, value: float, unit: str | None) -> float:
    canonical = CANONICAL_UNITS[indicator]
    return value if unit in (None, canonical) else value * conversion_factor(unit, canonical)
