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
# (parent keys, key, figure path, unit shown, indicator for display units, shown-when path)
Place = tuple[tuple[str, ...], str, str, str | None, str | None, str | None]


def _shown(figure: Figure, training_path: str | None, inference_path: str | None) -> bool:
    present = {"training": training_path, "inference": inference_path}
    if any(present[phase] is None for phase in figure.phases):
        return False
    return not figure.paths or present[figure.phases[0]] in figure.paths


def figure_plan(training_path: str | None, inference_path: str | None) -> tuple[Place, ...]:
    """Where each figure of a response with these phase paths goes (None: phase absent)."""
    return _figure_plan(training_path, inference_path, len(FIGURES))


@cache  # the shapes are few: paths x phases (x figures declared, which only grow)
def _figure_plan(training_path: str | None, inference_path: str | None, declared: int
                 ) -> tuple[Place, ...]:
    places = []
    for figure in FIGURES:
        if _shown(figure, training_path, inference_path):
            *parents, key = figure.path.split(".")
            places.append((tuple(parents), key, figure.path, figure.canonical_unit,
                           figure.indicator, figure.when))
    return tuple(places)


def _finite(value: Array) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


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
    for parents, key, path, unit, indicator, when in figure_plan(
            reading.training_path if reading.has_training else None,
            reading.inference_path if reading.has_inference else None):
        if when is not None and _finite(out[when]) is None:
            continue
        node = body
        for parent in parents:
            node = node.setdefault(parent, {})
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
