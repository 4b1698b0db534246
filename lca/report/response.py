"""The estimate response: figures placed where lca.quantities declares them, with provenance.

``figure_plan`` lists, once per shape of response (the phases and paths present), each figure's
place and unit; ``render`` fills it for one estimate: a value in the profile's display unit, the
Monte Carlo's low and high when it ran, null where a figure is not finite, and figures shown only
with a request volume left out without one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache

from lca.method import METHOD_VERSION, VALUE_BASIS
from lca.model.warnings import figure_warnings
from lca.quantities import CANONICAL_UNITS, FIGURES, Figure
from lca.reading import Reading
from lca.units import convert
from lca.xp import Array

Bounds = Mapping[str, tuple[Array, Array]]
# (key, figure path, unit shown, indicator for display units, shown-when path)
Entry = tuple[str, str, str | None, str | None, str | None]
# the figures of one object of the response: its parent keys and its entries, in order
Group = tuple[tuple[str, ...], tuple[Entry, ...]]


def _shown(figure: Figure, training_path: str | None, inference_path: str | None) -> bool:
    present = {"training": training_path, "inference": inference_path}
    if any(present[phase] is None for phase in figure.phases):
        return False
    return not figure.paths or present[figure.phases[0]] in figure.paths


def figure_plan(training_path: str | None, inference_path: str | None) -> tuple[Group, ...]:
    """Where each figure of a response with these phase paths goes (None: phase absent), in
    runs of figures of the same object, so that the object is found once per run."""
    return _figure_plan(training_path, inference_path, len(FIGURES))


@cache  # the shapes are few: paths x phases (x figures declared, which only grow)
def _figure_plan(training_path: str | None, inference_path: str | None, declared: int
                 ) -> tuple[Group, ...]:
    groups: list[tuple[tuple[str, ...], list[Entry]]] = []
    for figure in FIGURES:
        if _shown(figure, training_path, inference_path):
            *parents, key = figure.path.split(".")
            if not groups or groups[-1][0] != tuple(parents):  # runs: the declared order kept
                groups.append((tuple(parents), []))
            groups[-1][1].append(
                (key, figure.path, figure.canonical_unit, figure.indicator, figure.when))
    return tuple((parents, tuple(entries)) for parents, entries in groups)


@cache
def _conditions(plan: tuple[Group, ...]) -> frozenset[str]:
    """The figures whose value decides whether others are shown (their ``when``), once each."""
    return frozenset(entry[4] for _, entries in plan for entry in entries
                     if entry[4] is not None)


def _finite(value: Array) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _node(body: dict, parents: tuple[str, ...]) -> dict:
    for parent in parents:
        body = body.setdefault(parent, {})
    return body


def figures(reading: Reading, out: Mapping[str, Array], bounds: Bounds | None = None) -> dict:
    """The figures of one estimate, nested as in the response (module doc)."""
    units, scales = CANONICAL_UNITS, None
    if reading.units:
        units = {**CANONICAL_UNITS, **reading.units}
        scales = {k: convert(1.0, unit, units[k]) for k, unit in CANONICAL_UNITS.items()}
    body: dict = {}
    if reading.has_training:
        body["training"] = {"path": reading.training_path}
    if reading.has_inference:
        body["inference"] = {"path": reading.inference_path}
    plan = figure_plan(reading.training_path if reading.has_training else None,
                       reading.inference_path if reading.has_inference else None)
    hidden = {when for when in _conditions(plan) if _finite(out[when]) is None}
    for parents, entries in plan:
        node = None  # made on the first figure shown: an object of hidden figures is left out
        for key, path, unit, indicator, when in entries:
            if when in hidden:
                continue
            if node is None:
                node = _node(body, parents)
            value = _finite(out[path])
            if unit is None:
                node[key] = value
                continue
            scale = 1.0
            if indicator is not None:
                unit = units[indicator]
                scale = scales[indicator] if scales is not None else 1.0
            quantity = {"value": None if value is None else value * scale, "unit": unit}
            if bounds is not None and path in bounds:
                low, high = (_finite(b) for b in bounds[path])
                quantity["low"] = None if low is None else low * scale
                quantity["high"] = None if high is None else high * scale
            node[key] = quantity
    return body


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
        result["factors_used"] = [dict(f) for f in reading.factors_used.values()]
        result["assumptions"] = reading.assumptions()
    result["warnings"] = warnings
    return result
