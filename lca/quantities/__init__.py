"""Every quantity of lca, declared once: the inputs a profile may give and the figures it gets.

An input is named by its dotted path in the profile (``inference.output_tokens``), and the
formulas (lca.model.graph) read it under that same name. Its Spec gives the canonical unit, the
accepted range and a one-line meaning; ``default`` names the method constant used when the
profile leaves it out. Inputs that come from the factor tables rather than from the profile
(``inference.hardware.tdp``) are declared in MODEL_INPUTS with their unit only.

A figure is named by its dotted path in the estimate response (``inference.per_request.gwp``),
which is also the key the formulas write it under. The profile reader (lca.reading), the response
(lca.report.response), the columnar outputs, the OpenAPI schemas (api.schemas) and the
calculator's labels are all derived from these tables: adding an input is one Field (in
lca.quantities.fields) plus the formula that reads it (docs/adding-an-input.md).

The declarations live in three modules, all re-exported here: lca.quantities.vocabulary (the
indicators and their units, the choices a profile names), lca.quantities.fields (FIELDS,
MODEL_INPUTS, the keys of each section) and lca.quantities.figures (FIGURES, DEFAULT_OUTPUTS).
"""

from __future__ import annotations

from collections.abc import Iterable

from lca.quantities.fields import (
    FIELDS,
    MODEL_INPUTS,
    SECTION_KEYS,
    TRAFFIC_FIELDS,
    Field,
    column_fields,
    input_unit,
    section_fields,
)
from lca.quantities.figures import (
    DEFAULT_OUTPUTS,
    FIGURES,
    Figure,
    dual,
    output_names,
    quantity_paths,
)
from lca.quantities.vocabulary import (
    ACCOUNTING,
    BOUNDARIES,
    CANONICAL_UNITS,
    DEFAULT_TASK,
    EMBODIED_INDICATORS,
    ENERGY_SCOPES,
    INDICATORS,
    MAX_NAME_LENGTH,
    PRECISIONS,
    SERVING,
    STAGE_INDICATORS,
    STAGES,
    TASKS,
    WORKLOADS,
)
from lca.spec import Range, Spec, Spread

__all__ = [
    "ACCOUNTING", "BOUNDARIES", "CANONICAL_UNITS", "DEFAULT_OUTPUTS", "DEFAULT_TASK",
    "EMBODIED_INDICATORS", "ENERGY_SCOPES", "FIELDS", "FIGURES", "INDICATORS", "MAX_NAME_LENGTH",
    "MODEL_INPUTS", "PRECISIONS", "SECTION_KEYS", "SERVING", "STAGES", "STAGE_INDICATORS",
    "TASKS", "TRAFFIC_FIELDS", "WORKLOADS", "Field", "Figure", "Range", "Spec", "Spread",
    "column_fields", "declared", "dual", "input_unit", "nest", "output_names", "quantity_paths",
    "section_fields",
]  # with Range, Spec and Spread: how one value is read (lca.spec)


def nest(leaves: Iterable[tuple[str, object]]) -> dict:
    """Leaves given by dotted path, nested as a response or a profile holds them:
    ``[("a.b", x)]`` -> ``{"a": {"b": x}}``, in the order given."""
    root: dict = {}
    for path, leaf in leaves:
        *parents, key = path.split(".")
        node = root
        for parent in parents:
            node = node.setdefault(parent, {})
        node[key] = leaf
    return root


def declared() -> tuple[int, int]:
    """How many fields and figures are declared: part of every cache key of a reading, so that
    a quantity declared after import (an extension, a test's) is never read with a stale plan."""
    return len(FIELDS), len(FIGURES)
