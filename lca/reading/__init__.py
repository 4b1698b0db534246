"""Reading a profile in two steps: a plan of its shape, then its numbers bound to the plan.

- ``shape.split`` separates a profile's shape (which fields it gives, its ids and choices) from
  its numbers;
- ``plan.make_plan`` reads the shape against a factor set (paths, factors, defaults, warnings);
  it never sees a number, so profiles of one shape share one plan, and it reads section by
  section, so shapes that share a section share its record (``plan.SectionPlans``);
- ``bind.bind`` checks the numbers and puts them in, for one profile or for columns of them;
- ``options`` reads what is neither (name, display units, Monte Carlo options).

The result of reading one profile is a Reading: what lca.model.graph.calculate takes and what the
response (lca.report.response) needs beside the figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lca.factors import FactorSet
from lca.quantities import Spread
from lca.reading.plan import Plan
from lca.reading.planner import FromInput


@dataclass(slots=True)
class Reading:
    """One profile read: its plan, its inputs and spreads, and the options beside them."""

    name: str | None
    plan: Plan
    inputs: dict[str, float]
    spreads: dict[str, Spread]
    units: dict[str, str] = field(default_factory=dict)
    uncertainty: dict | None = None
    uncertainty_explicit: bool = False

    @property
    def factors(self) -> FactorSet:
        return self.plan.factors

    @property
    def training_path(self) -> str | None:
        return self.plan.training_path

    @property
    def inference_path(self) -> str | None:
        return self.plan.inference_path

    @property
    def has_training(self) -> bool:
        return "training.path" in self.inputs

    @property
    def has_inference(self) -> bool:
        return "inference.path" in self.inputs

    @property
    def warnings(self) -> tuple[dict, ...]:
        return self.plan.warnings

    @property
    def factors_used(self) -> Mapping[str, dict]:
        return self.plan.factors_used

    def assumptions(self) -> list[dict]:
        """Every default applied, as new dicts, with values taken from the profile filled in."""
        return [{**a, "value": self.inputs[a["value"].name]} if isinstance(a["value"], FromInput)
                else dict(a) for a in self.plan.assumptions]


__all__ = ["Plan", "Reading"]
