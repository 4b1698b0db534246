"""The estimate response: figures placed where lca.quantities declares them, with provenance.

``figure_plan`` lists, once per shape of response (the phases and paths present), each figure's
place and unit; ``render`` fills it for one estimate: a value in the profile's display unit, the
Monte Carlo's low and high when it ran, null where a figure is not finite, and figures shown only
with a request volume left out without one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from math import isfinite

from lca.method import METHOD_VERSION, VALUE_BASIS
from lca.model.warnings import figure_warnings
from lca.quantities import CANONICAL_UNITS, FIGURES, Figure
from lca.reading import Reading
from lca.units import convert
from lca.xp import Array

Bounds = Mapping[str, tuple[Array, Array]]
# (key, figure path, unit shown, indicator for display units)
Entry = tuple[str, str, str | None, str | None]


@dataclass(frozen=True)
class FigurePlan:
    """Where the figures of one shape of response go. ``objects`` are the response's objects
    (0: the response itself), each as (its parent's number, its key); ``groups`` are runs of
    figures of one object shown under one condition: the object's number, the figure whose
    finite value shows them (None: always shown) and their entries, in the declared order;
    ``conditions`` are those figures, once each."""

    objects: tuple[tuple[int, str], ...]
    groups: tuple[tuple[int, str | None, tuple[Entry, ...]], ...]
    conditions: frozenset[str]


def _shown(figure: Figure, training_path: str | None, inference_path: str | None) -> bool:
    present = {"training": training_path, "inference": inference_path}
    if any(present[phase] is None for phase in figure.phases):
        return False
    return not figure.paths or present[figure.phases[0]] in figure.paths


def figure_plan(training_path: str | None, inference_path: str | None) -> FigurePlan:
    """Where each figure of a response with these phase paths goes (None: phase absent), in
    runs of figures of the same object and condition, so that the object is found and the
    condition tested once per run."""
    return _figure_plan(training_path, inference_path, len(FIGURES))


@cache  # the shapes are few: paths x phases (x figures declared, which only grow)
def _figure_plan(training_path: str | None, inference_path: str | None, declared: int
                 ) -> FigurePlan:
    number: dict[tuple[str, ...], int] = {(): 0}
    objects = [(0, "")]
    groups: list[tuple[int, str | None, list[Entry]]] = []
    for figure in FIGURES:
        if _shown(figure, training_path, inference_path):
            *parents, key = figure.path.split(".")
            place = 0
            for depth in range(len(parents)):  # the objects that hold it, outermost first
                inner = tuple(parents[:depth + 1])
                if inner not in number:
                    number[inner] = len(objects)
                    objects.append((place, parents[depth]))
                place = number[inner]
            run = (place, figure.when)
            if not groups or groups[-1][:2] != run:  # runs: the declared order kept
                groups.append((*run, []))
            groups[-1][2].append((key, figure.path, figure.canonical_unit, figure.indicator))
    return FigurePlan(tuple(objects),
                      tuple((place, when, tuple(entries)) for place, when, entries in groups),
                      frozenset(when for _, when, _ in groups if when is not None))


def _finite(value: Array) -> float | None:
    value = float(value)
    return value if isfinite(value) else None


def _object(made: list[dict | None], objects: tuple[tuple[int, str], ...], number: int) -> dict:
    """Object ``number`` of the response (FigurePlan.objects), not made yet: made, with its
    parents where they are not either, the first time one of its figures is shown (an object
    whose figures are all hidden is left out)."""
    parent, key = objects[number]
    holder = made[parent]
    if holder is None:
        holder = _object(made, objects, parent)
    # setdefault: the phases' objects are made beforehand, with their path
    node = made[number] = holder.setdefault(key, {})
    return node


def figures(reading: Reading, out: Mapping[str, Array], bounds: Bounds | None = None) -> dict:
    """The figures of one estimate, nested as in the response (module doc)."""
    body: dict = {}
    if reading.has_training:
        body["training"] = {"path": reading.training_path}
    if reading.has_inference:
        body["inference"] = {"path": reading.inference_path}
    plan = figure_plan(reading.training_path if reading.has_training else None,
                       reading.inference_path if reading.has_inference else None)
    hidden = {when for when in plan.conditions if not isfinite(out[when])}
    display = _display(reading.units) if reading.units else None
    made: list[dict | None] = [body, *([None] * (len(plan.objects) - 1))]
    for number, when, entries in plan.groups:
        if when in hidden:
            continue
        node = made[number]
        if node is None:
            node = _object(made, plan.objects, number)
        for key, path, unit, indicator in entries:
            value = float(out[path])
            if not isfinite(value):
                value = None
            if unit is None:
                node[key] = value
            elif display is None and bounds is None:  # most estimates: canonical, no range
                node[key] = {"value": value, "unit": unit}
            else:
                node[key] = _quantity(value, unit, indicator, display, bounds, path)
    return body


def _display(units: Mapping[str, str]) -> dict[str, tuple[str, float]]:
    """Each indicator's display unit and the factor from its canonical unit."""
    shown = {**CANONICAL_UNITS, **units}
    return {k: (shown[k], convert(1.0, unit, shown[k])) for k, unit in CANONICAL_UNITS.items()}


def _quantity(value: float | None, unit: str, indicator: str | None,
              display: Mapping[str, tuple[str, float]] | None, bounds: Bounds | None,
              path: str) -> dict:
    """A quantity in its display unit, with the Monte Carlo's low and high when it ran."""
    scale = 1.0
    if indicator is not None and display is not None:
        unit, scale = display[indicator]
    quantity = {"value": None if value is None else value * scale, "unit": unit}
    if bounds is not None and path in bounds:
        low, high = (_finite(b) for b in bounds[path])
        quantity["low"] = None if low is None else low * scale
        quantity["high"] = None if high is None else high * scale
    return quantity


def accounting(inputs: Mapping[str, object]) -> str:
    """The GHG accounting basis the gwp figures follow: ``location`` or ``market``."""
    return "market" if inputs.get("accounting_is_market") == 1.0 else "location"


def render(reading: Reading, out: Mapping[str, Array], bounds: Bounds | None = None,
           provenance: bool = True) -> dict:
    """The estimate response for one profile's figures ``out`` (and Monte Carlo ``bounds``).

    Without ``provenance`` (a batch's summary view) ``factors_used`` and ``assumptions`` are
    left out.
    """
    result: dict = {"name": reading.name,
                    "versions": {"method": METHOD_VERSION, "factors": reading.factors.version},
                    "boundary": {"name": reading.plan.boundary.get("name"),
                                 "stages": list(reading.plan.boundary.get("stages", ()))},
                    "accounting": accounting(reading.inputs),
                    "value_basis": VALUE_BASIS,
                    **figures(reading, out, bounds)}
    warnings = [dict(w) for w in reading.warnings]
    if reading.has_inference:
        warnings.extend(figure_warnings(reading.inputs, out))
    if provenance:
        result["factors_used"] = [f.copy() for f in reading.factors_used.values()]
        result["assumptions"] = reading.assumptions()
    result["warnings"] = warnings
    return result
