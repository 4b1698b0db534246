"""The OpenAPI text of the request contracts, as exact as OpenAPI 3.0 allows.

The document is a test oracle as well as a reference: schemathesis sends what it says is valid
and expects it accepted, and what it says is invalid and expects it refused. So each request
schema states what lca accepts, and where a rule cannot be stated exactly it states less
(stricter) rather than more:

- factor ids are enums of the app's factor repository (ids every factor set holds), made when
  the app is created (``attributes``);
- a quantity string's pattern lists numbers that are in range, in the field's unit and a few
  common ones (``QUANTITY_UNITS``); lca reads any unit of the dimension;
- what lca reads as absent (null) is nullable;
- objects that need one of several fields say so (``anyOf`` of ``required``), and fields that
  exclude one another say so (``SchemaRules``).

Rules between values (a range's low <= high, active parameters <= parameters, sizes across a
request) are not expressible in OpenAPI 3.0; they are stated in the descriptions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal

import marshmallow as ma
from apispec import BasePlugin

from lca.factors import FactorRepository
from lca.quantities import Spec
from lca.units import MAX_STRING_LENGTH, conversion_factor

# Units a quantity string is documented in, by canonical unit (the canonical one first); a
# canonical unit not listed is documented alone.
QUANTITY_UNITS: Mapping[str, tuple[str, ...]] = {
    "h": ("h", "day", "month", "year"),
    "kWh": ("kWh", "MWh", "GWh"),
    "W": ("W", "kW"),
    "FLOP": ("FLOP",),
    "gCO2e": ("gCO2e", "kgCO2e"),
    "FLOP/s": ("FLOP/s", "TFLOP/s"),
    "token": ("token",),
    "token/s": ("token/s",),
    "request/s": ("request/s", "request/min", "request/h", "request/day"),
    "kWh/token": ("kWh/token", "Wh/token", "J"),
    "kgCO2e/kWh": ("kgCO2e/kWh", "gCO2e/kWh"),
    "L/kWh": ("L/kWh",),
    "kgSbeq/kWh": ("kgSbeq/kWh",),
    "MJ/kWh": ("MJ/kWh",),
    "dimensionless": ("",),
}
_EXPONENTS = range(-12, 31)
_PLAIN = range(-3, 13)  # exponents also written without one: 0.005, 700, 7000000
_MARGIN = Decimal("1e-9")  # a converted value stays this far inside the bounds
NULL = {"type": "string", "nullable": True, "enum": [None]}
"""Only null: a field that must be absent or null."""
NOT_NULL = {"not": NULL}
"""Anything but null."""

# Display units documented by indicator (``units`` of a profile); any of the dimension is read.
DISPLAY_UNITS: Mapping[str, tuple[str, ...]] = {
    "energy": ("kWh", "Wh", "MWh", "GWh", "TWh", "J", "kJ", "MJ", "GJ"),
    "gwp": ("kgCO2e", "gCO2e", "tCO2e", "g", "kg", "t", "lb"),
    "water": ("L", "mL", "kL", "m3"),
    "adpe": ("kgSbeq", "gSbeq", "mgSbeq", "kg", "g", "mg"),
    "pe": ("MJ", "kJ", "GJ", "TJ", "J", "kWh"),
}


def _decades(spec: Spec, factor: float) -> list[tuple[int, int, int]]:
    """(exponent e, first digit, last digit): the numbers d.dd x 10^e, d from first to last,
    that are within ``spec``'s range once multiplied by ``factor``."""
    scale = Decimal(repr(factor))
    low, high = Decimal(repr(spec.low)), Decimal(repr(spec.high))
    if factor != 1.0:
        low, high = low * (1 + _MARGIN), high * (1 - _MARGIN)
    out = []
    for e in _EXPONENTS:
        if spec.integer and e < 0:
            continue
        digits = [d for d in range(1, 10)
                  if (d * Decimal(10) ** e * scale > low if spec.low_open
                      else d * Decimal(10) ** e * scale >= low)
                  and (d + 1) * Decimal(10) ** e * scale <= high]
        if digits:
            out.append((e, digits[0], digits[-1]))
    return out


def number_pattern(spec: Spec, factor: float = 1.0) -> str:
    """A regular expression for decimal numbers that, times ``factor``, are in ``spec``'s range
    (a subset: mantissas of up to two decimals)."""
    fraction = "" if spec.integer else r"(?:\.[0-9]{1,2})?"
    decades = _decades(spec, factor)
    full = [e for e, first, last in decades if (first, last) == (1, 9)]
    alternatives = [f"[1-9]{fraction}e(?:{_exponents(full)})"] if full else []
    alternatives += [f"{_digits(first, last)}{fraction}e{e}" for e, first, last in decades
                     if (first, last) != (1, 9)]
    whole = [e for e, first, last in decades if e in _PLAIN and e >= 0 and (first, last) == (1, 9)]
    for low, high in _runs(whole):  # 1 to 9, then 10 to 99...: [1-9][0-9]{0,1}
        digits = "" if high == 0 else f"[0-9]{{{low},{high}}}" if low != high else f"[0-9]{{{low}}}"
        alternatives.append(f"[1-9]{digits}{fraction}")
    for e, first, last in decades:
        if e in _PLAIN and e >= 0 and e not in whole:
            alternatives.append(_digits(first, last) + (f"[0-9]{{{e}}}" if e else "") + fraction)
        elif e in _PLAIN and e < 0:
            alternatives.append(rf"0\.{'0' * (-e - 1)}{_digits(first, last)}[0-9]?")
    if spec.low == 0 and not spec.low_open:
        alternatives.append("0")
    return "|".join(alternatives)


def _exponents(values: list[int]) -> str:
    """A regular expression for the integers ``values`` (between -99 and 99), by runs."""
    parts = []
    for low, high in _runs(values):
        if low < 0:
            parts.append("-(?:" + _span(max(1, -high), -low) + ")")
        if high >= 0:
            parts.append(_span(max(0, low), high))
    return "|".join(parts)


def _span(low: int, high: int) -> str:
    """A regular expression for the integers from ``low`` to ``high`` (0 to 99)."""
    parts = []
    if low < 10:
        parts.append(_digits(low, min(high, 9)))
    for tens in range(max(1, low // 10), high // 10 + 1):
        first, last = max(low, tens * 10) % 10, min(high, tens * 10 + 9) % 10
        parts.append(f"{tens}{_digits(first, last) if (first, last) != (0, 9) else '[0-9]'}")
    return "|".join(parts)


def _runs(values: list[int]) -> list[tuple[int, int]]:
    """Consecutive integers as (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for value in values:
        if runs and runs[-1][1] == value - 1:
            runs[-1] = (runs[-1][0], value)
        else:
            runs.append((value, value))
    return runs


def _digits(first: int, last: int) -> str:
    return str(first) if first == last else f"[{first}-{last}]"


def quantity_text(spec: Spec) -> dict:
    """The string form of a quantity: a number in range and a unit (module doc)."""
    forms = []
    for unit in QUANTITY_UNITS.get(spec.unit, (spec.unit,)):
        factor = conversion_factor(unit, spec.unit) if unit else 1.0
        forms.append(f"(?:{number_pattern(spec, factor)})" + (f" {re.escape(unit)}" if unit
                                                               else ""))
    return {"type": "string", "maxLength": MAX_STRING_LENGTH,
            "pattern": f"^(?:{'|'.join(forms)})$"}


def quantity(spec: Spec, nullable: bool = True, bound: dict | None = None) -> dict:
    """A numeric field: a number in its canonical unit, a string with a unit, or a range whose
    low, high and value are ``bound`` (a reference to ``quantity_bound(spec)``, else inline)."""
    number, text = _number(spec), quantity_text(spec)
    bound = bound or quantity_bound(spec)
    given_range = {"type": "object", "required": ["low", "high"], "additionalProperties": False,
                   "properties": {"low": bound, "high": bound,
                                  "value": {"oneOf": [bound, NULL]}}}
    return {"oneOf": [{**number, "nullable": True} if nullable else number, text, given_range]}


def quantity_bound(spec: Spec) -> dict:
    """One number of a range: a number in the canonical unit, or a string with a unit."""
    return {"oneOf": [_number(spec), quantity_text(spec)]}


def _number(spec: Spec) -> dict:
    number: dict = {"type": "number", "minimum": spec.low, "maximum": spec.high}
    if spec.low_open:
        number["exclusiveMinimum"] = True
    if spec.integer:
        number["multipleOf"] = 1
    return number


def factor_id(ids: list[str], nullable: bool) -> dict:
    """One of ``ids``, or null when ``nullable``."""
    if nullable:
        return {"type": "string", "enum": [*ids, None], "nullable": True}
    return {"type": "string", "enum": list(ids)}


def attributes(repository: FactorRepository) -> Callable:
    """apispec attribute function: the OpenAPI shape of a custom field (its ``openapi`` method),
    given the factor ids of ``repository``."""
    ids = factor_ids(repository)

    def attribute(converter: object, field: ma.fields.Field, ret: dict, **kwargs: object
                  ) -> dict:
        shape = getattr(field, "openapi", None)
        if shape is None:
            return {}
        # the field's shape replaces what apispec made of its base class; its notes stay
        notes = {k: v for k, v in ret.items()
                 if k in ("description", "default", "example") or k.startswith("x-")}
        ret.clear()
        found = shape(converter, ids)
        return {"allOf": [found], **notes} if "$ref" in found and notes else {**notes, **found}

    return attribute


def factor_ids(repository: FactorRepository) -> dict[str, list[str]]:
    """The ids a profile may name, by kind: those every factor set of ``repository`` holds."""
    sets = list(repository.sets.values())

    def common(ids: Callable) -> list[str]:
        return sorted(set.intersection(*(set(ids(fs)) for fs in sets)))

    return {
        "hardware": common(lambda fs: fs.tables["hardware"].rows),
        "models": common(lambda fs: fs.tables["models"].rows),
        "datacenters": common(lambda fs: fs.tables["datacenters"].rows),
        "locations": common(lambda fs: [*fs.tables["zones"].rows, *fs.regions]),
        "versions": list(repository.versions),
    }


class SchemaRules(BasePlugin):
    """apispec plugin: a marshmallow schema's ``OPENAPI`` class attribute (rules between its
    fields, nullability) is added to its component."""

    def schema_helper(self, name: str, definition: dict, **kwargs: object) -> dict | None:
        schema = kwargs.get("schema")
        if isinstance(schema, ma.Schema):
            schema = type(schema)
        return dict(getattr(schema, "OPENAPI", {})) or None

