"""The one unit registry of lca, and the strict parser every quantity goes through.

Quantities arrive as a JSON number (already in the field's canonical unit) or as a string
"<number> <unit expression>". pint's own string parser evaluates arithmetic ("9**9**9 W" never
returns), so strings are first matched against a small grammar: one decimal number, then unit
names joined by ``*``, ``/`` or spaces, each with an optional small integer power. Only the unit
expression reaches pint, and the conversion factor for each (expression, canonical unit) pair is
cached, so the hot path is a regex match and a multiplication.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import pint

from lca.errors import FieldError

UNITS = pint.UnitRegistry(cache_folder=None)
UNITS.load_definitions(str(Path(__file__).with_name("units.txt")))

MAX_UNIT_LENGTH = 64
MAX_STRING_LENGTH = 96

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?"
_NAME = r"[A-Za-z_%][A-Za-z0-9_]*"
_POWER = r"(?:(?:\*\*|\^)-?[1-4])?"
_FACTOR = rf"{_NAME}{_POWER}"
_UNIT_EXPR = rf"{_FACTOR}(?:\s*[*/]\s*{_FACTOR}|\s+{_FACTOR})*"
# The number keeps its exponent: "1e6/day" is refused as a whole, never read as 1 "e6/day".
_QUANTITY_RE = re.compile(rf"^\s*({_NUMBER})(?![eE][+-]?\d)\s*({_UNIT_EXPR})?\s*$", re.ASCII)
_UNIT_RE = re.compile(rf"^\s*{_UNIT_EXPR}\s*$", re.ASCII)

# Common spellings that pint's grammar would misread, rewritten before lookup.
_SPELLINGS = (
    (re.compile(r"CO2[- ]?eq?\b"), "CO2e"),
    (re.compile(r"Sb[- ]?eq\b"), "Sbeq"),
    (re.compile(r"FLOPS\b"), "FLOP/s"),
    (re.compile(r"\b([A-Za-z]{1,2})([23])\b"), r"\1**\2"),  # m3, cm2
)

# A bare mass is accepted where a greenhouse-gas or Sb-eq mass is expected ("0.429 kg/kWh"),
# and a bare energy where an energy per token is ("0.5 J" for energy_per_output_token).
_IMPLIED_MARKERS = (UNITS.CO2e, UNITS.Sbeq, 1 / UNITS.token)


class DimensionMismatchError(ValueError):
    """A unit that parses but measures something other than the field expects."""


def _normalise(expr: str) -> str:
    for pattern, replacement in _SPELLINGS:
        expr = pattern.sub(replacement, expr)
    return expr.strip()


@lru_cache(maxsize=4096)
def conversion_factor(expr: str, canonical: str) -> float:
    """Factor that converts a magnitude in unit ``expr`` to the ``canonical`` unit.

    Raises ValueError with a message naming the dimension expected when they do not match.
    """
    if len(expr) > MAX_UNIT_LENGTH or not _UNIT_RE.match(expr):
        raise ValueError(f"'{expr}' is not a unit expression this service reads")
    normalised = _normalise(expr)
    try:
        given = UNITS.Quantity(1.0, UNITS.parse_units(normalised))
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, SyntaxError) as exc:
        raise ValueError(f"unknown unit '{expr}'") from exc
    target = UNITS.parse_units(canonical)
    if given.dimensionality == (1.0 * target).dimensionality:
        factor = float(given.to(target).magnitude)
    else:
        for marker in _IMPLIED_MARKERS:
            marked = given * marker
            if marked.dimensionality == (1.0 * target).dimensionality:
                factor = float(marked.to(target).magnitude)
                break
        else:
            raise DimensionMismatchError(f"expected {describe(canonical)}, got '{expr}'")
    if not math.isfinite(factor) or factor == 0.0:
        raise ValueError(f"unit '{expr}' cannot be converted to {canonical}")
    return factor


@lru_cache(maxsize=256)
def describe(canonical: str) -> str:
    """A reader's name for the dimension of ``canonical`` ("a power, like W")."""
    names = {
        "[time]": "a time",
        "[mass] * [length] ** 2 / [time] ** 3": "a power",
        "[mass] * [length] ** 2 / [time] ** 2": "an energy",
        "[computation]": "an amount of computation",
        "[computation] / [time]": "a computation rate",
        "[text]": "a number of tokens",
        "[length] ** 3": "a volume",
        "[greenhouse_gas]": "a greenhouse-gas mass",
        "[abiotic_depletion]": "an antimony-equivalent mass",
        "dimensionless": "a plain number",
    }
    dims = str((1.0 * UNITS.parse_units(canonical)).dimensionality)
    kind = names.get(dims, "a quantity")
    return f"{kind} (in {canonical})" if canonical != "dimensionless" else kind


def parse_quantity(raw: object, canonical: str, field: str) -> float:
    """Read ``raw`` (a number in ``canonical``, or "<number> <unit>") as a float in ``canonical``.

    Raises FieldError naming ``field`` for booleans, non-finite numbers, malformed strings,
    unknown units and wrong dimensions.
    """
    if raw.__class__ is float:  # the common case, checked first (bool is an int, not a float)
        value = raw
    elif isinstance(raw, bool) or raw is None:
        raise FieldError(field, f"expected {describe(canonical)}, got {_show(raw)}")
    elif isinstance(raw, (int, float)):
        try:
            value = float(raw)
        except OverflowError:  # a JSON integer beyond any float
            raise FieldError(field, f"must be a finite number, got {_show(raw)}") from None
    elif isinstance(raw, str):
        if len(raw) > MAX_STRING_LENGTH:
            raise FieldError(field, f"quantity string longer than {MAX_STRING_LENGTH} characters")
        match = _QUANTITY_RE.match(raw)
        if not match:
            raise FieldError(field, _malformed(raw, canonical))
        number, expr = match.group(1), match.group(2)
        value = float(number)
        if expr:
            try:
                value *= conversion_factor(expr.strip(), canonical)
            except DimensionMismatchError:
                raise FieldError(field, f"expected {describe(canonical)}, got {_show(raw)}"
                                 ) from None
            except ValueError as exc:
                raise FieldError(field, str(exc)) from None
        elif canonical != "dimensionless":
            raise FieldError(field, f"'{raw}' has no unit: give {describe(canonical)}")
    else:
        raise FieldError(field, f"expected {describe(canonical)}, got {_show(raw)}")
    if not math.isfinite(value):
        raise FieldError(field, f"must be a finite number, got {_show(raw)}")
    return value


def _malformed(raw: str, canonical: str) -> str:
    """What a string that is not "<number> <unit>" should have been, for a field in
    ``canonical`` (a plain number for a dimensionless one, else an example in its unit)."""
    if canonical == "dimensionless":
        return f"expected a number, like 1000000 or '1e6', got {_show(raw)}"
    return f"expected a number followed by a unit, like '10 {canonical}', got {_show(raw)}"


def convert(value: float, canonical: str, unit: str) -> float:
    """Express ``value`` (in ``canonical``) in ``unit``; ValueError if the dimensions differ."""
    return value / conversion_factor(unit, canonical)


def _show(raw: object) -> str:
    text = repr(raw) if isinstance(raw, str) else type(raw).__name__ if raw is not None else "null"
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        text = repr(raw)
    return text if len(text) <= 40 else text[:37] + "..."


# Conversion constants of the float core, derived from the registry once (one source of truth,
# checked dimensionally by tests/unit/test_dimensions.py, which runs the model on pint quantities).
SECONDS_PER_HOUR = conversion_factor("h", "s")
HOURS_PER_DAY = conversion_factor("day", "h")
HOURS_PER_YEAR = conversion_factor("year", "h")  # the Julian year, as pint defines it
WH_PER_KWH = conversion_factor("kWh", "Wh")
J_PER_KWH = conversion_factor("kWh", "J")
BYTES_PER_GB = conversion_factor("GB", "byte")
W_PER_KW = conversion_factor("kW", "W")
HOURS_PER_MONTH = conversion_factor("month", "h")  # a twelfth of the Julian year (pint)
