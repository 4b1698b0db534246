"""What an import assumed and warns about, and how those notes join the estimate.

Every importer returns ``{"profile", "assumptions", "warnings"}``: the profile it made, and its
notes in the shapes the estimate uses, so that ``estimate_imported`` can put them first in the
estimate's own lists.
"""

from __future__ import annotations

from collections.abc import Mapping

from lca.estimator import estimate
from lca.factors import FactorSet

# The model size put in an imported profile when the record gives none (model cards and CodeCarbon
# logs never do). A profile needs a model, but a measured-energy training estimate takes no figure
# from its size, so any size would do: one billion parameters is a round, plainly made-up value,
# and the assumption says so.
PLACEHOLDER_PARAMETERS = 1e9


class Notes:
    """What a conversion assumed and warns about, in the estimate's own shapes."""

    def __init__(self) -> None:
        self.assumptions: list[dict] = []
        self.warnings: list[dict] = []

    def assume(self, field: str, value: object, why: str) -> None:
        """Record that ``field`` was set to ``value`` by the conversion, and why."""
        self.assumptions.append({"field": field, "value": value, "why": why})

    def warn(self, code: str, message: str) -> None:
        """Record a warning with its code, as the estimate's warnings are."""
        self.warnings.append({"code": code, "message": message})

    def result(self, profile: dict) -> dict:
        """The importer's answer: ``profile`` with these notes."""
        return {"profile": profile, "assumptions": self.assumptions, "warnings": self.warnings}


def model_or_placeholder(model: object, notes: Notes, what: str) -> object:
    """``model`` when given, else ``PLACEHOLDER_PARAMETERS`` with an assumption naming ``what``."""
    if model is not None:
        return model
    notes.assume("model.parameters", PLACEHOLDER_PARAMETERS,
                 f"placeholder: {what} gives no model size; it changes no training figure of a "
                 "measured-energy estimate (give the model to estimate inference)")
    return {"parameters": PLACEHOLDER_PARAMETERS}


def estimate_imported(imported: Mapping, factors: FactorSet) -> dict:
    """``{"profile", "estimate"}``: the imported profile's estimate with the import's notes added.

    ``imported`` is what an importer returned; the estimate uses ``factors``. The conversion's
    assumptions and warnings come first in the estimate's lists.
    """
    result = estimate(imported["profile"], factors)
    result["assumptions"] = [*imported["assumptions"], *result["assumptions"]]
    result["warnings"] = [*imported["warnings"], *result["warnings"]]
    return {"profile": imported["profile"], "estimate": result}
