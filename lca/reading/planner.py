"""The record kept while a profile's shape is planned: errors, inputs, factors, defaults.

A Planner is handed to each section reader (lca.reading.sections). It collects every error (so
one ProfileError lists them all), the inputs the shape fixes (factor values, path codes, NaN for
inputs a path leaves unused), the spreads of the factors used, every default applied
(``assumptions``), every factor with its source and year (``factors_used``) and the warnings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from lca.factors import Factor, FactorSet
from lca.model.warnings import warning
from lca.quantities import FIELDS, SECTION_KEYS, Field, Spread, declared, section_fields
from lca.reading.shape import GIVEN
from lca.suggest import closest, did_you_mean, suggest

NAN = float("nan")

_SINGULAR = {"models": "model preset", "hardware": "hardware",
             "datacenters": "data-centre profile", "zones": "zone"}


def _copy_error(error: dict) -> dict:
    """A copy of an error item that shares no list with it."""
    copied = dict(error)
    if "suggestions" in copied:
        copied["suggestions"] = list(copied["suggestions"])
    return copied


@cache  # a few sections (x fields declared, which only grow)
def _section_fields(section: str, declared: tuple[int, int]) -> tuple[Field, ...]:
    """The numeric fields directly inside ``section`` (lca.quantities.section_fields)."""
    return tuple(section_fields(section).values())


@cache
def _section_keys(kind: str, declared: tuple[int, int]) -> set[str]:
    """Every key a section of ``kind`` accepts (lca.quantities.SECTION_KEYS); not to be changed."""
    return SECTION_KEYS[kind]


@dataclass(frozen=True)
class FromInput:
    """An assumption's value that is a number of the profile, filled in once it is bound."""

    name: str


class Planner:
    """Collects what planning a shape decides (module doc)."""

    def __init__(self, factors: FactorSet) -> None:
        self.fs = factors
        self.errors: list[dict] = []
        self.inputs: dict[str, float] = {}
        self.bound: set[str] = set()
        self.ties: dict[str, str] = {}
        self.spreads: dict[str, Spread] = {}
        self.assumptions: list[dict] = []
        self.used: dict[str, dict] = {}
        self.warnings: list[dict] = []

    def merge(self, other: Planner) -> None:
        """Take in what ``other`` recorded reading one section on its own, as if it had been
        read here (lca.reading.plan.SectionPlans): sections write disjoint inputs, and a factor
        or warning recorded twice stays where it was first recorded."""
        self.errors.extend(_copy_error(e) for e in other.errors)  # a caller may change them
        self.inputs.update(other.inputs)
        self.bound.update(other.bound)
        self.ties.update(other.ties)
        self.spreads.update(other.spreads)
        self.assumptions.extend(other.assumptions)
        self.used.update(other.used)
        for found in other.warnings:
            if found not in self.warnings:
                self.warnings.append(found)

    # --- errors, warnings, assumptions

    def error(self, path: str, message: str, suggestions: list[str] | None = None) -> None:
        """A 422 error naming the field ``path``; ``suggestions`` (the ids the value most
        likely meant, lca.suggest) become the error's ``suggestions`` member when any."""
        found: dict = {"field": path, "message": message}
        if suggestions:
            found["suggestions"] = list(suggestions)
        self.errors.append(found)

    def warn(self, code: str, **fields: str) -> None:
        found = warning(code, **fields)
        if found not in self.warnings:
            self.warnings.append(found)

    def assume(self, path: str, value: object, why: str) -> None:
        self.assumptions.append({"field": path, "value": value, "why": why})

    # --- reading the shape

    def section(self, raw: object, path: str, kind: str) -> dict:
        """A JSON object with only the keys ``kind`` allows (unknown keys are errors)."""
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            self.error(path, f"expected an object, got {type(raw).__name__}")
            return {}
        allowed = _section_keys(kind, declared())
        for key in raw:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                near = closest(key, allowed)
                self.error(where, f"unknown field{did_you_mean(near)}; allowed here: "
                           f"{', '.join(sorted(allowed))}", near)
        return dict(raw)

    def choice(self, raw: Mapping, key: str, options: tuple[str, ...], path: str) -> str | None:
        """A string field that must be one of ``options`` (case-insensitive), or None."""
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or value.lower() not in options:
            self.error(f"{path}.{key}", f"expected one of {', '.join(options)}, got {value!r}")
            return None
        return value.lower()

    def identifier(self, raw: Mapping, key: str, table: str, path: str) -> str | None:
        """A row id of the factor table ``table`` (case-insensitive), or None."""
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not self.fs.has(table, value.lower()):
            shown = repr(value) if isinstance(value, str) and len(value) < 60 else "value"
            near = suggest(value, self.fs, table)
            self.error(f"{path}.{key}", f"unknown {_SINGULAR[table]} {shown}{did_you_mean(near)}"
                       f"; the factor table '{table}' lists the known ones", near)
            return None
        return value.lower()

    # --- inputs

    def put_factor(self, name: str, factor: Factor, scale: float = 1.0, vary: bool = True
                   ) -> None:
        """Input ``name`` = the factor's value (x scale); its spread, if it has one and if
        ``vary``, feeds the Monte Carlo."""
        self.used[factor.ref] = factor.record
        self.inputs[name] = factor.value * scale
        low, high = factor.spread
        if vary and low < high:
            self.spreads[name] = Spread(factor.ref, low * scale, factor.value * scale,
                                        high * scale)
        else:
            self.spreads.pop(name, None)

    def factor(self, table: str, key: str, attribute: str) -> Factor | None:
        """The factor at (table, key, attribute), recorded as used; None when absent."""
        found = self.fs.get(table, key, attribute)
        if found is not None:
            self.used[found.ref] = found.record
        return found

    def field(self, path: str, given: bool) -> None:
        """Input ``path`` = the profile's number for it (bound later), or NaN when absent."""
        self.inputs[path] = NAN
        if given:
            self.bound.add(path)

    def field_or_default(self, section: Mapping, path: str) -> None:
        """Input ``path`` = the profile's number, else its default constant (an assumption)."""
        spec = FIELDS[path]
        name = spec.name
        if section.get(name) is GIVEN:
            self.field(path, True)
        elif section.get(name) is None:
            self.put_factor(path, self.fs.constant(spec.default))
            self.assume(path, self.inputs[path], spec.why or "default")

    def remaining(self, section: Mapping, path: str) -> None:
        """Every field of the section at ``path`` that its reader did not place: its number
        when given, else its default constant, else NaN. A plain new field needs no reader."""
        for field in _section_fields(path, declared()):
            if field.path in self.inputs:
                continue
            if field.default is not None:
                self.field_or_default(section, field.path)
            else:
                self.field(field.path, section.get(field.name) is GIVEN)

    def tie(self, name: str, to: str) -> None:
        """Input ``name`` takes the value (and spread) of input ``to`` once numbers are bound."""
        self.inputs[name] = NAN
        self.ties[name] = to
