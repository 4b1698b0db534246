"""Scenarios side by side: every estimate, and per indicator the deltas against a baseline.

A comparison is a batch (lca.engine.batch) plus, for ``inference.per_request``, ``training.impacts``
and ``lifecycle.total``, each scenario's value in canonical units, its absolute and relative
delta against the baseline, its rank (1 = lowest footprint; ties share a rank) and the best one,
by index and by label (``scenario_label``: its name, else what it runs).
A sweep expands a base profile over ``vary`` (field path -> values) into the cartesian product.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import math
from collections.abc import Mapping, Sequence

import numpy as np

from lca.engine import montecarlo as mc
from lca.engine.batch import calculate_many
from lca.errors import ProfileError
from lca.estimator import Estimator, estimator_for, with_monte_carlo
from lca.factors import FactorSet
from lca.quantities import CANONICAL_UNITS, INDICATORS, MAX_NAME_LENGTH, SECTION_KEYS
from lca.report.response import render
from lca.rightsizing import Score, read_score, right_size

MIN_SCENARIOS, MAX_SCENARIOS = 2, 100
BLOCKS = ("inference.per_request", "training.impacts", "lifecycle.total")


def expand_sweep(base: Mapping, vary: Mapping[str, Sequence]) -> list[dict]:
    """Profiles for every combination of ``vary``'s values applied to ``base``, each named.

    Raises ProfileError naming ``vary.<path>`` for an unknown path or an empty list, and ``vary``
    when the product exceeds MAX_SCENARIOS.
    """
    errors = []
    if not isinstance(vary, Mapping) or not vary:
        raise ProfileError([{"field": "vary", "message": "expected an object of field path -> "
                                                         "list of values"}])
    for path, values in vary.items():
        parts = str(path).split(".")
        known = parts[0] in SECTION_KEYS[""] and (
            len(parts) == 1 or (parts[0] in SECTION_KEYS and len(parts) == 2
                                and parts[1] in SECTION_KEYS[parts[0]])
            or (len(parts) == 3 and parts[1] in ("grid", "datacenter")
                and parts[2] in SECTION_KEYS[parts[1]]))
        if not known:
            errors.append(_unknown_path(str(path)))
        elif not isinstance(values, list) or not values:
            errors.append({"field": f"vary.{path}", "message": "expected a non-empty list"})
    if errors:
        raise ProfileError(errors)
    count = math.prod(len(v) for v in vary.values())
    if count > MAX_SCENARIOS:
        raise ProfileError([{"field": "vary", "message": f"{count} combinations; at most "
                                                         f"{MAX_SCENARIOS} scenarios"}])
    base_name = base.get("name") if isinstance(base.get("name"), str) else None
    profiles = []
    for combination in itertools.product(*vary.values()):
        profile = copy.deepcopy(dict(base))
        labels = []
        for path, value in zip(vary, combination, strict=True):
            _set(profile, path.split("."), value)
            labels.append(f"{path}={value}")
        profile["name"] = ", ".join(([base_name] if base_name else []) + labels)[:MAX_NAME_LENGTH]
        profiles.append(profile)
    return profiles


def _set(profile: dict, parts: list[str], value: object) -> None:
    node = profile
    for part in parts[:-1]:
        child = node.get(part)
        if isinstance(child, str) and part == "model":
            child = {"preset": child}
        elif isinstance(child, str) and part == "datacenter":
            child = {"profile": child}
        elif not isinstance(child, dict):
            child = {}
        node[part] = child
        node = child
    node[parts[-1]] = value


def _sweep_paths() -> list[str]:
    """Every path ``vary`` accepts: top-level keys, section keys, grid and datacenter keys."""
    paths = list(SECTION_KEYS[""])
    for section in SECTION_KEYS[""]:
        for key in SECTION_KEYS.get(section, ()):
            paths.append(f"{section}.{key}")
            if key in ("grid", "datacenter"):
                paths += [f"{section}.{key}.{sub}" for sub in SECTION_KEYS[key]]
    return sorted(paths)


def _unknown_path(path: str) -> dict:
    """The error of an unknown ``vary`` path, with the close spellings of known ones."""
    error: dict = {"field": f"vary.{path}", "message": "not a profile field path"}
    close = difflib.get_close_matches(path[:100], _sweep_paths(), n=3, cutoff=0.8)
    if close:
        error["message"] += f" (did you mean {', '.join(close)}?)"
        error["suggestions"] = close
    return error


def baseline_index(scenarios: Sequence[Mapping], baseline: object) -> int:
    """The baseline's index: an index into ``scenarios`` or the name of one of them."""
    if isinstance(baseline, bool):
        pass
    elif isinstance(baseline, int) and 0 <= baseline < len(scenarios):
        return baseline
    elif isinstance(baseline, str):
        for i, scenario in enumerate(scenarios):
            if isinstance(scenario, Mapping) and scenario.get("name") == baseline:
                return i
    names = [s["name"] for s in scenarios
             if isinstance(s, Mapping) and isinstance(s.get("name"), str)]
    listed = ", ".join(map(repr, names[:10])) + (", ..." if len(names) > 10 else "")
    named = f", or one of the names {listed}" if names else ""
    shown = repr(baseline) if isinstance(baseline, (int, float, str)) else type(baseline).__name__
    raise ProfileError([{"field": "baseline", "message": (
        f"expected the index of a scenario, 0 to {len(scenarios) - 1}{named}; got {shown}")}])


def scenario_label(profile: object, index: int) -> str:
    """How a scenario is named to people: its ``name``, else what it runs (model, hardware,
    location, from its inference section, else its training one) and its place in the list,
    ``scenarios[i]``, which keeps generated labels distinct."""
    if isinstance(profile, Mapping) and isinstance(profile.get("name"), str) \
            and profile["name"].strip():
        return profile["name"]
    where = f"scenarios[{index}]"
    if not isinstance(profile, Mapping):
        return where
    model = profile.get("model")
    if isinstance(model, Mapping):
        model = model.get("preset") or (f"{model['parameters']:g} parameters" if isinstance(
            model.get("parameters"), (int, float)) else model.get("parameters"))
    phase = next((profile[k] for k in ("inference", "training")
                  if isinstance(profile.get(k), Mapping)), {})
    parts = [v for v in (model, phase.get("hardware"), phase.get("location"))
             if isinstance(v, str) and v]
    return f"{', '.join(parts)} ({where})" if parts else where


def ranks(values: Sequence[float | None]) -> list[int | None]:
    """Competition ranks, 1 for the lowest value; equal values share a rank; None is unranked."""
    present = sorted(v for v in values if v is not None)
    return [None if v is None else present.index(v) + 1 for v in values]


def compare(scenarios: Sequence[object], baseline: object = 0,
            factors: FactorSet | Estimator | None = None, uncertainty: Mapping | None = None,
            target_score: float | None = None, target_indicator: str = "gwp") -> dict:
    """Estimate every scenario and compare each indicator against the baseline (module doc).

    With ``uncertainty`` (Monte Carlo options; ``{}`` for the defaults), every scenario is
    sampled with the same seed, so shared factors move together, and each indicator also gets
    the probability that each scenario keeps its rank and that it is below the baseline.
    Raises ProfileError (fields prefixed ``scenarios[i].``) if any scenario is invalid, since a
    comparison with a hole in it would mislead. Scenarios may carry a ``score``
    (lca.rightsizing); with scores the result adds a ``right_sizing`` section.
    """
    if not isinstance(scenarios, list) or not MIN_SCENARIOS <= len(scenarios) <= MAX_SCENARIOS:
        raise ProfileError([{"field": "scenarios", "message": f"expected {MIN_SCENARIOS} to "
                                                              f"{MAX_SCENARIOS} profiles"}])
    base = baseline_index(scenarios, baseline)
    scores, profiles = _split_scores(scenarios)
    outcomes = calculate_many(estimator_for(factors), profiles)
    errors = [{**e, "field": f"scenarios[{o.index}].{e['field']}".rstrip(".")}
              for o in outcomes if o.error is not None for e in o.error.errors]
    if errors:
        raise ProfileError(errors)
    runs = None
    if uncertainty is not None:
        samples = uncertainty.get("samples", mc.DEFAULT_SAMPLES)
        seed = uncertainty.get("seed", mc.DEFAULT_SEED)
        if samples * len(outcomes) > mc.MAX_SAMPLES_PER_REQUEST:
            raise ProfileError([{"field": "uncertainty.samples", "message": (
                f"{len(outcomes)} scenarios x {samples} samples exceeds "
                f"{mc.MAX_SAMPLES_PER_REQUEST:,}; ask for fewer samples")}])
        runs = [mc.simulate(o.reading, samples, seed) for o in outcomes]
    labels = [scenario_label(p, i) for i, p in enumerate(profiles)]
    comparison = _comparison(outcomes, runs, base, labels)
    estimates = [render(o.reading, o.outputs) if runs is None
                 else with_monte_carlo(o.reading, o.outputs, run)
                 for o, run in zip(outcomes, runs or [None] * len(outcomes), strict=True)]
    result = {
        "baseline": {"index": base, "name": outcomes[base].reading.name,
                     "label": labels[base]},
        "labels": labels,
        "estimates": estimates,
        "comparison": comparison,
    }
    if any(s is not None for s in scores):
        scored = [o for o, s in zip(outcomes, scores, strict=True) if s is not None]
        block = ("lifecycle.per_request" if all("lifecycle.per_request.gwp" in o.outputs
                                                 for o in scored) else "inference.per_request")
        per_request = {k: [_value(o.outputs.get(f"{block}.{k}")) for o in outcomes]
                       for k in INDICATORS}
        result["right_sizing"] = right_size(scores, per_request, block, base, target_score,
                                            target_indicator, labels)
    elif target_score is not None:
        raise ProfileError([{"field": "target_score", "message": "needs scenarios with a score"}])
    return result


def _comparison(outcomes: list, runs: list | None, base: int, labels: list[str]) -> dict:
    """Per block and indicator: values, deltas, ranks and best; with the Monte Carlo, the
    probabilities that each scenario keeps its rank and is below the baseline."""
    comparison: dict = {}
    for block in BLOCKS:
        entries = {}
        for indicator in INDICATORS:
            key = f"{block}.{indicator}"
            values = [_value(o.outputs.get(key)) for o in outcomes]
            if all(v is None for v in values):
                continue
            entries[indicator] = _indicator(values, base, CANONICAL_UNITS[indicator], labels)
            if runs is not None:
                entries[indicator].update(_probabilities(
                    [run.outputs.get(key) for run in runs], entries[indicator]["ranks"], base))
        if entries:
            comparison[block] = entries
    return comparison


def _split_scores(scenarios: Sequence[object]) -> tuple[list[Score | None], list[object]]:
    """Each scenario's score (None if it has none) and the profile without it."""
    scores: list[Score | None] = []
    profiles: list[object] = []
    errors = []
    for i, scenario in enumerate(scenarios):
        if isinstance(scenario, Mapping) and "score" in scenario:
            try:
                scores.append(read_score(scenario["score"], f"scenarios[{i}].score"))
            except ProfileError as error:
                errors.extend(error.errors)
                scores.append(None)
            profiles.append({k: v for k, v in scenario.items() if k != "score"})
        else:
            scores.append(None)
            profiles.append(scenario)
    if errors:
        raise ProfileError(errors)
    return scores, profiles


def _probabilities(samples: list[np.ndarray | None], central_ranks: list[int | None],
                   base: int) -> dict:
    """Share of Monte Carlo draws in which each scenario keeps its central rank, and in which
    it is below the baseline (None where a scenario lacks the figure)."""
    present = [i for i, s in enumerate(samples) if s is not None and central_ranks[i] is not None]
    keep: list[float | None] = [None] * len(samples)
    below: list[float | None] = [None] * len(samples)
    if not present:
        return {"rank_probabilities": keep, "probability_below_baseline": below}
    matrix = np.stack([samples[i] for i in present])
    # competition ranks per draw: 1 + how many scenarios are strictly lower (in chunks of draws,
    # so that the scenarios x scenarios x draws comparison stays small)
    draw_ranks = np.empty(matrix.shape, dtype=np.int64)
    chunk = max(1, 10_000_000 // (len(present) ** 2))
    for start in range(0, matrix.shape[1], chunk):
        part = matrix[:, start:start + chunk]
        draw_ranks[:, start:start + chunk] = 1 + (part[None, :, :] < part[:, None, :]).sum(axis=1)
    for row, i in enumerate(present):
        keep[i] = float(np.mean(draw_ranks[row] == central_ranks[i]))
        if samples[base] is not None:
            below[i] = float(np.mean(samples[i] < samples[base]))
    return {"rank_probabilities": keep, "probability_below_baseline": below}


def _value(value: float | None) -> float | None:
    """A figure as a plain float, None when absent or not finite: the outputs of calculate may
    be numpy scalars (traffic, grid profiles), and plain data leaves the core as floats, as the
    response's figures do (lca.report.response._finite)."""
    return float(value) if value is not None and math.isfinite(value) else None


def _indicator(values: list[float | None], base: int, unit: str, labels: list[str]) -> dict:
    reference = values[base]
    deltas, relative = [], []
    for v in values:
        if v is None or reference is None:
            deltas.append(None)
            relative.append(None)
        else:
            deltas.append(v - reference)
            relative.append((v - reference) / reference if reference else None)
    order = ranks(values)
    best = min((i for i, r in enumerate(order) if r == 1), default=None)
    return {"unit": unit, "values": values, "deltas": deltas, "relative_deltas": relative,
            "ranks": order, "best": best,
            "best_label": None if best is None else labels[best]}
