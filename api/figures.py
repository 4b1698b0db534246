"""The estimate's figure schemas, generated from lca.quantities.FIGURES (the response is built
from the same declarations by lca.report.response).

Each figure is a property at its path: a Quantity ``{value, unit, low?, high?}`` when it has a
unit, a nullable number when it has none (not nullable when it is shown only when it is itself
finite). A figure or an object is required where its parent's presence implies its own: it
holds a figure no calculation ``paths`` or ``when`` restricts, or the restrictions of its parent's
figures are all among its own (the five ``inference.total`` figures show together). The
top-level objects depend on the phases a profile gives, so none is required. The phase objects
carry their calculation ``path`` beside their figures. Each figure's ``doc`` is its description.
"""

from __future__ import annotations

import re

import marshmallow as ma
from marshmallow import fields as f
from marshmallow import validate

from lca.model.paths import INFERENCE_PATHS, TRAINING_PATHS
from lca.quantities import CANONICAL_UNITS, FIGURES, Figure, nest

# The component names of the baseline document (tests/api/openapi-baseline.json), kept; the
# other objects are named after their path (inference.per_request -> InferencePerRequest).
NAMES = {"training": "TrainingResult", "inference": "InferenceResult", "lifecycle": "Lifecycle",
         "inference.replica": "Replica", "inference.energy_breakdown": "EnergyBreakdown",
         "lifecycle.breakeven_requests": "Breakeven"}
PHASE_PATHS = {"training": tuple(TRAINING_PATHS.values()),
               "inference": tuple(INFERENCE_PATHS.values())}


class QuantitySchema(ma.Schema):
    """A figure with its unit; low and high (5th and 95th percentiles) when computed."""

    value = f.Float(allow_none=True, required=True)
    unit = f.String(required=True)
    low = f.Float(allow_none=True)
    high = f.Float(allow_none=True)


def describe(figure: Figure) -> str:
    """A figure's description: its doc, its unit and when it is shown."""
    text = figure.doc[0].upper() + figure.doc[1:]
    if figure.indicator is not None:
        text += (f", in {CANONICAL_UNITS[figure.indicator]} (or the display unit the profile "
                 f"asks for in `units`)")
    elif figure.unit is not None:
        text += f", in {figure.unit}"
    if figure.paths:
        text += f"; present only on the {' or '.join(figure.paths)} path"
    if figure.when == figure.path:
        text += "; present only when finite"
    elif figure.when is not None:
        text += f"; present only when {figure.when} is finite"
    return text + "."


def _leaf(figure: Figure, required: bool) -> f.Field:
    metadata = {"description": describe(figure)}
    if figure.unit is None:
        return f.Float(allow_none=figure.when != figure.path, required=required,
                       metadata=metadata)
    return f.Nested(QuantitySchema, required=required, metadata=metadata)


def _name(path: str) -> str:
    return NAMES.get(path) or "".join(part.title() for part in re.split(r"[._]", path))


def _tree() -> dict:
    """The figures nested by path: a dict per object, a Figure per leaf, in FIGURES' order."""
    return nest((figure.path, figure) for figure in FIGURES)


def _atoms(node: dict | Figure) -> set[tuple]:
    """The conditions under which the figures of ``node`` show: (paths, when) of each one."""
    if isinstance(node, Figure):
        return {(node.paths, node.when)}
    return set().union(*(_atoms(child) for child in node.values()))


def _required(child: dict | Figure, parent: dict) -> bool:
    """Whether ``child`` is in ``parent`` whenever ``parent`` is: it has a figure shown always,
    or each condition under which ``parent`` shows is one under which ``child`` does."""
    atoms = _atoms(child)
    return ((), None) in atoms or _atoms(parent) <= atoms


def _schema(path: str, node: dict) -> type[ma.Schema]:
    fields: dict[str, f.Field] = {}
    if path in PHASE_PATHS:
        fields["path"] = f.String(required=True, validate=validate.OneOf(PHASE_PATHS[path]),
                                  metadata={"description": "the calculation path: which input "
                                                           "the figures came from"})
    for key, child in node.items():
        if isinstance(child, Figure):
            fields[key] = _leaf(child, _required(child, node))
        else:
            fields[key] = f.Nested(_schema(f"{path}.{key}", child),
                                   required=_required(child, node))
    return ma.Schema.from_dict(fields, name=_name(path))


def figure_fields() -> dict[str, f.Field]:
    """The estimate's top-level figure objects (training, inference, lifecycle), none required."""
    return {key: f.Nested(_schema(key, node)) for key, node in _tree().items()}
