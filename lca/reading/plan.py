"""The plan of a profile's shape: everything reading decides before any number is seen.

``make_plan(shape, factors)`` reads the skeleton of a profile (lca.reading.shape) against a factor
set: the phases present and their calculation paths, the inputs the factor tables and defaults
fix, which of the profile's numbers become inputs, the spreads of the factors, and the record of
defaults, factors and warnings. It is a pure function of the shape and the factor set, so an
Estimator keeps the plans it made in an LRU cache keyed by the shape.

A plan is the record of its sections read in turn (model, lifetime, training, inference), and
each section's reading depends on that section alone. So an Estimator also keeps the record of
each section it read (``SectionPlans``) and a new shape made of known sections is planned by
merging their records: 5,000 shapes that combine 7 models with 28 training and 28 inference
sections read 63 sections, not 15,000.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from lca.errors import ProfileError
from lca.factors import FactorSet
from lca.quantities import Spread, declared
from lca.reading.phases import gives_no_activity, read_inference, read_training
from lca.reading.planner import Planner
from lca.reading.sections import (
    market_assumptions,
    read_accounting,
    read_boundary,
    read_lifetime,
    read_model,
)
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
    boundary: Mapping[str, object] = field(default_factory=dict)


def model_preset(p: Planner, model: object) -> str | None:
    """The id of the model preset a profile names, if it is one of the factor set's."""
    preset = model.get("preset") if isinstance(model, Mapping) else model
    if isinstance(preset, str) and p.fs.has("models", preset.lower()):
        return preset.lower()
    return None


class SectionPlans:
    """The records of sections read on their own, by reader, factor set and frozen section
    (lca.reading.shape.Shape.part), each with what its reader returned; at most ``size``, the
    least recently used dropped. An Estimator holds one; a plan made with it equals the plan
    made without it, field for field and in the same order."""

    def __init__(self, size: int) -> None:
        self._found: OrderedDict[Hashable, tuple[Planner, object]] = OrderedDict()
        self._size = size

    def read(self, p: Planner, key: Hashable, reader: Callable, *args: object) -> object:
        """``reader(p, *args)``: the first time for ``key`` on a Planner of its own, whose record
        is kept; then and every later time that record is merged into ``p``."""
        found = self._found.get(key)
        if found is None or found[0].fs is not p.fs:
            alone = Planner(p.fs)
            found = self._found[key] = (alone, reader(alone, *args))
            if len(self._found) > self._size:
                self._found.popitem(last=False)
        else:
            self._found.move_to_end(key)
        p.merge(found[0])
        return found[1]


def _alone(name: str, reader: Callable) -> Callable:
    """``reader(p, top)`` of a top level holding field ``name`` only, as a section's reader
    ``(p, value)`` (SectionPlans.read)."""
    def read(p: Planner, value: object) -> object:
        return reader(p, {} if value is None else {name: value})
    return read


def make_plan(shape: Shape, factors: FactorSet, sections: SectionPlans | None = None) -> Plan:
    """The plan of ``shape`` against ``factors``, reading its sections through ``sections``
    when given; ProfileError lists every wrong field."""
    p = Planner(factors)
    top = p.section(shape.skeleton, "", "")

    def read(name: str, reader: Callable, *more: object) -> object:
        """Section ``name`` read by ``reader``, or its record merged in from ``sections``."""
        part = shape.part(name)
        if sections is None or part is None:
            return reader(p, top.get(name), *more)
        key = (name, factors.version, declared(), part, *more)
        return sections.read(p, key, reader, top.get(name), *more)

    def read_top(name: str, reader: Callable) -> object:
        """Top-level field ``name`` read by ``reader(p, top)``, which reads that field only;
        its record kept in ``sections`` as a section's, absent or given (most profiles give
        no boundary: the default one is read once, not for every new shape)."""
        if sections is None or shape.key is None:
            return reader(p, top)
        key = (name, factors.version, declared(), shape.part(name))
        return sections.read(p, key, _alone(name, reader), top.get(name))

    precision = read("model", read_model)
    read_top("hardware_lifetime", read_lifetime)
    boundary = read_top("boundary", read_boundary)
    read_accounting(p, top)
    p.remaining(top, "")
    has_training = top.get("training") is not None
    has_inference = top.get("inference") is not None
    if not has_training and not has_inference:
        p.error("", "give a training section, an inference section, or both")
    # the preset matters to a training section only when it gives no activity: reading it
    # apart keeps the sections that do shared between models
    preset = model_preset(p, top.get("model")) if gives_no_activity(top.get("training")) else None
    training_path = (read("training", read_training, *(() if preset is None else (preset,)))
                     if has_training else None)
    inference_path = read("inference", read_inference, precision) if has_inference else None
    market_assumptions(p, tuple(phase for phase, path in (("training", training_path),
                                                          ("inference", inference_path)) if path))
    if p.errors:
        raise ProfileError(p.errors)
    return Plan(factors=factors, inputs=MappingProxyType(p.inputs), bound=frozenset(p.bound),
                ties=MappingProxyType(p.ties), spreads=MappingProxyType(p.spreads),
                assumptions=tuple(p.assumptions), factors_used=MappingProxyType(p.used),
                warnings=tuple(p.warnings), training_path=training_path,
                inference_path=inference_path,
                boundary=MappingProxyType({"name": boundary[0], "stages": list(boundary[1])}
                                          if boundary else {}))
