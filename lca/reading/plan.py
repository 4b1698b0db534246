"""The plan of a profile's shape: everything reading decides before any number is seen.

``make_plan(shape, factors)`` reads the skeleton of a profile (lca.reading.shape) against a factor
set: the phases present and their calculation paths, the inputs the factor tables and defaults
fix, which of the profile's numbers become inputs, the spreads of the factors, and the record of
defaults, factors and warnings. It is a pure function of the shape and the factor set, so an
Estimator keeps the plans it made in an LRU cache keyed by the shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from lca.errors import ProfileError
from lca.factors import FactorSet
from lca.quantities import Spread
from lca.reading.phases import read_inference, read_training
from lca.reading.planner import Planner
from lca.reading.sections import read_lifetime, read_model
from lca.reading.shape import Shape


@dataclass(frozen=True)
class Plan:
    """What a shape decides (module doc). ``inputs`` hold the values the shape fixes and NaN
    for the numbers still to bind; ``bound`` names the fields whose numbers become inputs;
    ``ties`` maps an input to the input whose value it takes (a dense model's active
    parameters)."""

    factors: FactorSet
    inputs: Mapping[str, float]
    bound: frozenset[str]
    ties: Mapping[str, str]
    spreads: Mapping[str, Spread]
    assumptions: tuple[dict, ...]
    factors_used: Mapping[str, dict]
    warnings: tuple[dict, ...]
    training_path: str | None
    inference_path: str | None


def make_plan(shape: Shape, factors: FactorSet) -> Plan:
    """The plan of ``shape`` against ``factors``; ProfileError lists every wrong field."""
    p = Planner(factors)
    top = p.section(shape.skeleton, "", "")
    precision = read_model(p, top.get("model"))
    read_lifetime(p, top)
    p.remaining(top, "")
    has_training = top.get("training") is not None
    has_inference = top.get("inference") is not None
    if not has_training and not has_inference:
        p.error("", "give a training section, an inference section, or both")
    training_path = read_training(p, top["training"]) if has_training else None
    inference_path = read_inference(p, top["inference"], precision) if has_inference else None
    if p.errors:
        raise ProfileError(p.errors)
    return Plan(factors=factors, inputs=MappingProxyType(p.inputs), bound=frozenset(p.bound),
                ties=MappingProxyType(p.ties), spreads=MappingProxyType(p.spreads),
                assumptions=tuple(p.assumptions), factors_used=MappingProxyType(p.used),
                warnings=tuple(p.warnings), training_path=training_path,
                inference_path=inference_path)
