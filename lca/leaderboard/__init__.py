"""Leaderboards: footprint against capability for many models at once (docs/leaderboards.md).

Capability leaderboards (the Open LLM Leaderboard's table: a model, its parameter count, its
scores and the leaderboard's own CO2 figure for evaluating it) and performance leaderboards
(output speed and time to first token per provider and model) are read as tables of rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from lca.engine import montecarlo as mc
from lca.errors import ProfileError
from lca.estimator import Estimator, estimator_for
from lca.factors import FactorSet
from lca.leaderboard import analysis, openllm
from lca.leaderboard.estimates import (
    DEFAULT_DEPLOYMENT,
    Estimates,
    active_from_preset,
    evaluation_setup,
    per_hour,
    serve,
)
from lca.leaderboard.table import BASE_KINDS, INSTRUCT_KINDS, Entry, Layout, read_table
from lca.method import METHOD_VERSION
from lca.quantities import CANONICAL_UNITS, INDICATORS
from lca.units import SECONDS_PER_HOUR

__all__ = ["DEFAULT_SAMPLES", "OPTIONS", "leaderboard"]

DEFAULT_SAMPLES = 200
MAX_SAMPLES = 2000
FOOTPRINTS = ("per_request", "evaluation")
OPTIONS = ("columns", "parameters_in", "score", "indicator", "footprint", "target",
           "size_classes", "deployment", "evaluation", "samples", "seed", "factors_version")
"""The options of a leaderboard analysis (docs/leaderboards.md, "Options")."""


def leaderboard(rows: Sequence[object], options: Mapping | None = None,
                factors: FactorSet | Estimator | None = None, *,
                lines: Sequence[int] | None = None) -> dict:
    """Footprint against capability for every model of a leaderboard's ``rows`` (objects of
    column -> value; the Open LLM Leaderboard's columns by default), with ``options`` (OPTIONS).

    Returns ``{"versions", "summary", "models", "analysis", "rejects", "assumptions"}``: per
    model, the leaderboard's own CO2 figure reproduced (or its evaluation time recovered from
    it), this project's estimate of the same evaluation with its ratio to the leaderboard's,
    and the per-request footprint of serving it; then the analysis of the chosen score
    against the chosen footprint. A row that cannot be analysed is in ``rejects`` with its
    line and reason (``lines`` numbers the rows: 1, 2, ... by default, a CSV file's line
    numbers from the CLI); a wrong option raises ProfileError naming it.
    """
    options = dict(options or {})
    estimator = estimator_for(factors)
    settings = _settings(options)
    version = options.get("factors_version")
    fs = estimator.factor_set(version)
    layout, entries, rejects = read_table(list(rows), options, lines)
    score = _score_name(options, layout)
    setup = evaluation_setup(options)
    samples, seed = settings["samples"], settings["seed"]
    for entry in entries:
        active_from_preset(entry, estimator, version)
    hourly, hourly_draws = per_hour(estimator, setup, version, samples, seed)
    central, drawn, errors = serve(entries, estimator, settings["deployment"], version,
                                   samples, seed)
    keep = [i for i in range(len(entries)) if i not in errors]
    rejects += [{"line": entries[i].line, "name": entries[i].name, "reason": reason}
                for i, reason in errors.items()]
    rejects.sort(key=lambda r: r["line"])
    entries = [entries[i] for i in keep]
    est = Estimates({k: v[keep] for k, v in central.items()}, hourly,
                    {k: v[:, keep] for k, v in drawn.items()} if drawn is not None else None,
                    hourly_draws)
    ranges = _ranges(est)
    models = [_model(e, est, j, ranges) for j, e in enumerate(entries)]
    result = {
        "versions": {"method": METHOD_VERSION, "factors": fs.version},
        "summary": {"rows": len(rows), "models": len(models), "rejected": len(rejects),
                    "samples": samples},
        "models": models,
        "analysis": _analysis(entries, models, est, score, settings, layout, seed),
        "rejects": rejects,
        "assumptions": _assumptions(setup, settings["deployment"]),
        "units": dict(CANONICAL_UNITS),
    }
    return result


def _settings(options: Mapping) -> dict:
    """The analysis options checked, with their defaults; ProfileError naming a wrong one."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ProfileError([{"field": unknown[0], "message": f"unknown option; one of "
                             f"{', '.join(OPTIONS)}"}])
    errors = []
    indicator = options.get("indicator", "gwp")
    if indicator not in INDICATORS:
        errors.append({"field": "indicator", "message": f"one of {', '.join(INDICATORS)}"})
    footprint = options.get("footprint", "per_request")
    if footprint not in FOOTPRINTS:
        errors.append({"field": "footprint", "message": f"one of {', '.join(FOOTPRINTS)}"})
    target = options.get("target")
    if target is not None and (isinstance(target, bool) or not isinstance(target, (int, float))
                               or not math.isfinite(target)):
        errors.append({"field": "target", "message": "expected a number (a score)"})
    bounds = options.get("size_classes", list(analysis.SIZE_CLASSES))
    if (not isinstance(bounds, list) or not 1 <= len(bounds) <= 10
            or not all(isinstance(b, (int, float)) and not isinstance(b, bool)
                       and 0 < b < 1e5 for b in bounds)):
        errors.append({"field": "size_classes", "message": "expected 1 to 10 class boundaries "
                       "in billions of parameters, each above 0 and below 1e5, e.g. [10, 40, 100]"})
        bounds = []
    samples = options.get("samples", DEFAULT_SAMPLES)
    if isinstance(samples, bool) or not isinstance(samples, int) or not (
            0 <= samples <= MAX_SAMPLES):
        errors.append({"field": "samples", "message": f"a whole number from 0 (no draws) to "
                                                      f"{MAX_SAMPLES}"})
    seed = options.get("seed", mc.DEFAULT_SEED)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        errors.append({"field": "seed", "message": "a whole number from 0 to 2^32 - 1"})
    deployment = options.get("deployment", DEFAULT_DEPLOYMENT)
    if not isinstance(deployment, Mapping):
        errors.append({"field": "deployment", "message": "expected the inference section of "
                       "a profile (hardware, location, task, traffic...)"})
    if errors:
        raise ProfileError(errors)
    return {"indicator": indicator, "footprint": footprint, "target": target,
            "size_classes": sorted({float(b) for b in bounds}), "samples": samples, "seed": seed,
            "deployment": deployment}


def _score_name(options: Mapping, layout: Layout) -> str:
    score = options.get("score", "Average ⬆️" if "Average ⬆️" in layout.scores
                        else layout.scores[0])
    if score not in layout.scores:
        raise ProfileError([{"field": "score", "message": f"not a score column; one of "
                             f"{', '.join(layout.scores)}"}])
    return score


def _range(value: float, low: float | None, high: float | None) -> dict | None:
    if value is None or math.isnan(value):
        return None
    return {"value": value, "low": low, "high": high}


def _bounds(draws: np.ndarray | None, value: np.ndarray | float
            ) -> tuple[np.ndarray | float | None, np.ndarray | float | None]:
    """The 5th and 95th percentiles of ``draws`` over their first axis (widened to hold
    ``value``), or None without draws."""
    if draws is None:
        return None, None
    lo, hi = np.percentile(draws, [mc.LOW_PERCENTILE, mc.HIGH_PERCENTILE], axis=0)
    return np.fmin(lo, value), np.fmax(hi, value)


def _ranges(est: Estimates) -> dict[str, tuple]:
    """Low and high of every figure: per request (arrays over models) and per hour of the
    evaluation setup (a model's evaluation scales it by its hours, so its bounds too)."""
    out = {}
    for i in INDICATORS:
        out[f"request.{i}"] = _bounds(None if est.per_request_draws is None
                                      else est.per_request_draws[i], est.per_request[i])
        out[f"hour.{i}"] = _bounds(None if est.per_hour_draws is None
                                   else est.per_hour_draws[i], est.per_hour[i])
    return out


def _at(value: object, j: int | None = None, scale: float = 1.0) -> float | None:
    if value is None:
        return None
    return float((value if j is None else value[j]) * scale)


def _model(entry: Entry, est: Estimates, j: int, ranges: Mapping[str, tuple]) -> dict:
    """One model's row of the result."""
    seconds, recovered = entry.evaluation_seconds, False
    if seconds is None and entry.co2_kg is not None:
        seconds, recovered = openllm.evaluation_seconds(entry.co2_kg), True
    board: dict = {"co2_kg": entry.co2_kg, "evaluation_seconds": seconds,
                   "evaluation_time": None if seconds is None else
                   ("recovered" if recovered else "given"),
                   "co2_reproduced_kg": None if seconds is None else openllm.co2_kg(seconds)}
    evaluation = ratio = None
    if seconds is not None:
        hours = seconds / SECONDS_PER_HOUR
        evaluation = {i: _range(est.per_hour[i] * hours, _at(ranges[f"hour.{i}"][0], None, hours),
                                _at(ranges[f"hour.{i}"][1], None, hours)) for i in INDICATORS}
        theirs = board["co2_reproduced_kg"]
        if theirs:
            gwp = evaluation["gwp"]
            ratio = _range(gwp["value"] / theirs,
                           None if gwp["low"] is None else gwp["low"] / theirs,
                           None if gwp["high"] is None else gwp["high"] / theirs)
    per_request = {i: _range(float(est.per_request[i][j]), _at(ranges[f"request.{i}"][0], j),
                             _at(ranges[f"request.{i}"][1], j)) for i in INDICATORS}
    return {"line": entry.line, "name": entry.name, "parameters": entry.parameters,
            "active_parameters": entry.active_parameters, "precision": entry.precision,
            "moe": entry.moe, "type": entry.kind, "official": entry.official,
            "scores": entry.scores, "score_se": entry.score_se or None, "leaderboard": board,
            "evaluation": evaluation, "evaluation_gwp_ratio": ratio,
            "per_request": per_request, "notes": entry.notes}


def _footprint(models: list[dict], est: Estimates, kind: str, indicator: str
               ) -> tuple[np.ndarray, np.ndarray | None]:
    """The footprint the analysis ranks, per model, central and drawn ``(samples, models)``."""
    if kind == "per_request":
        drawn = None if est.per_request_draws is None else est.per_request_draws[indicator]
        return est.per_request[indicator], drawn
    hours = np.array([np.nan if m["leaderboard"]["evaluation_seconds"] is None
                      else m["leaderboard"]["evaluation_seconds"] / SECONDS_PER_HOUR
                      for m in models])
    drawn = (None if est.per_hour_draws is None
             else est.per_hour_draws[indicator][:, None] * hours[None, :])
    return est.per_hour[indicator] * hours, drawn


def _analysis(entries: list[Entry], models: list[dict], est: Estimates, score: str,
              settings: dict, layout: Layout, seed: int) -> dict:
    """The analysis section: per score point, front, size classes, target, groups."""
    indicator, kind = settings["indicator"], settings["footprint"]
    n = len(models)
    scores = np.array([np.nan if e.scores.get(score) is None else e.scores[score]
                       for e in entries])
    se = np.array([e.score_se.get(score, np.nan) for e in entries])
    footprint, drawn = _footprint(models, est, kind, indicator)
    points = analysis.per_point(footprint, scores)
    on_front = analysis.front_mask(scores, footprint) if n else np.zeros(0, dtype=bool)
    drawn_scores = None
    if drawn is not None and n:
        drawn_scores = analysis.score_draws(scores, se, drawn.shape[0], seed)
        holds = analysis.front_mask(drawn_scores, drawn).mean(axis=0)
    for j, m in enumerate(models):
        m["per_score_point"] = None if math.isnan(points[j]) else float(points[j])
        m["on_front"] = bool(on_front[j])
        m["front_probability"] = None if drawn_scores is None else float(holds[j])
    labels = analysis.size_labels(settings["size_classes"])
    classes = analysis.size_class(np.array([e.parameters for e in entries]),
                                  settings["size_classes"])
    for m, c in zip(models, classes, strict=True):
        m["size_class"] = c
    front = [int(i) for i in np.flatnonzero(on_front)]
    front.sort(key=lambda i: (-scores[i], footprint[i]))
    result: dict = {
        "score": score, "indicator": indicator, "footprint": kind,
        "unit": CANONICAL_UNITS[indicator] + (" per request" if kind == "per_request" else ""),
        "models": int((~np.isnan(scores) & ~np.isnan(footprint)).sum()),
        "pareto_front": [_named(i, models) for i in front],
        "size_classes": {label: {k: _named(v, models) if k != "models" else v
                                 for k, v in found.items()}
                         for label, found in analysis.best_per_class(
                             classes, labels, scores, footprint).items()},
        "target": None if settings["target"] is None else _target(
            scores, footprint, drawn_scores, drawn, settings["target"], models),
        "groups": _groups(entries, models, scores, footprint, points),
    }
    return result


def _named(index: int | None, models: list[dict]) -> dict | None:
    return None if index is None else {"index": index, "name": models[index]["name"]}


def _target(scores: np.ndarray, footprint: np.ndarray, drawn_scores: np.ndarray | None,
            drawn: np.ndarray | None, target: float, models: list[dict]) -> dict:
    """The cheapest model reaching ``target``, and how often each model is that choice over
    the draws (the models chosen in at least 1 % of them)."""
    chosen = int(analysis.cheapest_reaching(scores, footprint, target)[0]) if len(models) else -1
    out: dict = {"score": target, "reaching": int(np.nansum(scores >= target)),
                 "selected": _named(chosen, models) if chosen >= 0 else None,
                 "probability": None, "alternatives": None}
    if chosen < 0:
        out["message"] = "no model reaches the target score"
    if drawn is None or drawn_scores is None or not len(models):
        return out
    picks = analysis.cheapest_reaching(drawn_scores, drawn, target)
    counts = np.bincount(picks[picks >= 0], minlength=len(models)) / len(picks)
    if chosen >= 0:
        out["probability"] = float(counts[chosen])
    out["alternatives"] = [{**_named(int(i), models), "probability": float(counts[i])}
                           for i in np.argsort(-counts, kind="stable")
                           if counts[i] >= 0.01 and int(i) != chosen]
    return out


def _groups(entries: list[Entry], models: list[dict], scores: np.ndarray,
            footprint: np.ndarray, points: np.ndarray) -> dict:
    """The group comparisons of Hugging Face's analysis, as medians and quartiles."""
    co2 = np.array([np.nan if m["leaderboard"]["co2_reproduced_kg"] is None
                    else m["leaderboard"]["co2_reproduced_kg"] for m in models])
    columns = {"score": scores, "footprint": footprint, "per_score_point": points,
               "leaderboard_co2_kg": co2}
    official = np.array([e.official is True for e in entries], dtype=bool)
    community = np.array([e.official is False for e in entries], dtype=bool)
    base = np.array([e.kind in BASE_KINDS for e in entries], dtype=bool)
    instruct = np.array([e.kind in INSTRUCT_KINDS for e in entries], dtype=bool)
    moe = np.array([e.moe for e in entries], dtype=bool)
    return {
        "official_vs_community": analysis.group_statistics(
            {"official": official, "community": community}, columns),
        "base_vs_instruct": analysis.group_statistics(
            {"base": base, "instruct": instruct}, columns),
        "moe_vs_dense": analysis.group_statistics({"moe": moe, "dense": ~moe}, columns),
    }


def _assumptions(setup: Mapping, deployment: Mapping) -> list[str]:
    return [
        f"evaluation: the leaderboard's evaluation time on {setup['accelerators']} x "
        f"{setup['hardware']} in {setup['location']}, accounted as an evaluation job "
        "(training section, workload evaluation: eager-inference load factor with its range, "
        "host share, PUE, embodied share of the hours, water, ADPe, primary energy)",
        "evaluation time: given (total_evaluation_time_seconds), else recovered from the "
        "leaderboard's CO2 cost (5.6 kW x 269.8 gCO2/kWh, its published heuristic)",
        f"serving: each model's per-request footprint under the deployment {dict(deployment)}",
        "a MoE model without an active parameter count takes the share of a preset its name "
        "contains, else is served as dense (an upper bound; noted on the model)",
    ]
