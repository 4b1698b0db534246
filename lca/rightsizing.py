"""Right-sizing: footprint against capability, from scores the user supplies.

Leaderboards change, so no score ships with the service: each scenario of a comparison may carry
``{"value": 71.3, "name": "MMLU-Pro", "higher_is_better": true}``. From them: the impact per
request per score point (value / score), the Pareto front of scenarios that no other beats on both
score and footprint, and, given a target score, the scenario with the lowest footprint per
request among those that reach it (by index and by label), with its saving against the
baseline. The footprint per
request is the lifecycle one (training amortised) when every scored scenario has it, else the
inference one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lca.errors import ProfileError
from lca.quantities import INDICATORS


@dataclass(frozen=True)
class Score:
    """A capability score of one scenario."""

    value: float
    name: str | None
    higher_is_better: bool


def read_score(raw: object, field: str) -> Score:
    """A scenario's ``score`` object; ProfileError naming ``field`` when malformed."""
    errors = []
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = {"value": raw}
    if not isinstance(raw, Mapping):
        raise ProfileError([{"field": field, "message": "expected {\"value\": number, \"name\": "
                                                        "text, \"higher_is_better\": bool}"}])
    unknown = set(raw) - {"value", "name", "higher_is_better"}
    if unknown:
        errors.append({"field": f"{field}.{sorted(unknown)[0]}", "message": "unknown field"})
    value = raw.get("value")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 1e300:
        value = math.inf  # a JSON integer beyond any float
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        errors.append({"field": f"{field}.value", "message": "expected a finite number"})
    elif value <= 0:
        errors.append({"field": f"{field}.value", "message": "must be positive (impact per "
                                                             "point divides by it)"})
    name = raw.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > 100):
        errors.append({"field": f"{field}.name", "message": "expected a text of at most 100 "
                                                            "characters"})
    higher = raw.get("higher_is_better", True)
    if not isinstance(higher, bool):
        errors.append({"field": f"{field}.higher_is_better", "message": "expected true or false"})
    if errors:
        raise ProfileError(errors)
    return Score(float(value), name, higher)


def better_or_equal(a: float, b: float, higher_is_better: bool) -> bool:
    """Whether score ``a`` is at least as good as ``b``."""
    return a >= b if higher_is_better else a <= b


def pareto_front(scores: Sequence[float | None], footprints: Sequence[float | None],
                 higher_is_better: bool = True) -> list[int]:
    """Indices of the scenarios no other dominates: none has a score at least as good and a
    footprint at most as large, with one of the two strictly better. Equal points both stay."""
    present = [i for i in range(len(scores))
               if scores[i] is not None and footprints[i] is not None]
    front = []
    for i in present:
        dominated = any(
            better_or_equal(scores[j], scores[i], higher_is_better)
            and footprints[j] <= footprints[i]
            and (scores[j] != scores[i] or footprints[j] < footprints[i])
            for j in present if j != i)
        if not dominated:
            front.append(i)
    return front


def right_size(scores: Sequence[Score | None], per_request: Mapping[str, Sequence[float | None]],
               block: str, base: int, target: float | None = None,
               target_indicator: str = "gwp", labels: Sequence[str] | None = None) -> dict:
    """The right-sizing section of a comparison (module doc).

    ``per_request`` maps each indicator to the footprint per request of every scenario in
    ``block`` (canonical units); ``base`` is the baseline's index; ``labels`` name the
    scenarios to people (``scenarios[i]`` when not given), so the choice is named as well as
    indexed.
    """
    labels = list(labels) if labels is not None else [f"scenarios[{i}]"
                                                      for i in range(len(scores))]
    scored = [s for s in scores if s is not None]
    names = {s.name for s in scored if s.name is not None}
    directions = {s.higher_is_better for s in scored}
    if len(names) > 1 or len(directions) > 1:
        raise ProfileError([{"field": "scenarios", "message": "scores must be on one benchmark "
                             f"and direction to be compared; got {sorted(names)}"}])
    higher = directions.pop() if directions else True
    values = [None if s is None else s.value for s in scores]
    per_point = {k: [None if v is None or s is None else v / s
                     for v, s in zip(per_request[k], values, strict=True)] for k in INDICATORS}
    front = {k: pareto_front(values, per_request[k], higher) for k in INDICATORS}
    result: dict = {"score": {"name": names.pop() if names else None,
                              "higher_is_better": higher, "values": values},
                    "footprint": block, "per_score_point": per_point, "pareto_front": front}
    if target is not None:
        result["target"] = _target(values, per_request, base, target, target_indicator, higher,
                                   labels)
    return result


def _target(values: list[float | None], per_request: Mapping[str, Sequence[float | None]],
            base: int, target: float, indicator: str, higher: bool,
            labels: Sequence[str]) -> dict:
    footprint = per_request[indicator]
    reaching = [i for i, v in enumerate(values) if v is not None and footprint[i] is not None
                and better_or_equal(v, target, higher)]
    out: dict = {"score": target, "indicator": indicator, "reaching": reaching, "selected": None,
                 "selected_label": None}
    if not reaching:
        out["message"] = "no scenario reaches the target score"
        return out
    best = min(reaching, key=lambda i: (footprint[i], i))
    out["selected"] = best
    out["selected_label"] = labels[best]
    out["saving_vs_baseline"] = {}
    for k in INDICATORS:
        chosen, reference = per_request[k][best], per_request[k][base]
        if chosen is None or reference is None:
            out["saving_vs_baseline"][k] = None
            continue
        out["saving_vs_baseline"][k] = {
            "absolute": reference - chosen,
            "relative": (reference - chosen) / reference if reference else None}
    return out
