"""This project's estimates for a leaderboard's models (docs/leaderboards.md, "What is estimated").

- **Evaluation**: the leaderboard's evaluation time on its setup (by default the Open LLM
  Leaderboard's: 8 H100 SXM in Northern Virginia) as a job of accelerator-hours, read as a
  training section with ``"workload": "evaluation"``: power of eager inference with its range,
  host share, PUE, the embodied share of the hours, water, ADPe and primary energy. That job's
  figures do not depend on the model: they are one estimate per wall-clock hour of the setup,
  times each model's hours.
- **Serving**: the per-request footprint of each model under a deployment (the inference
  section of a profile: hardware, location, task, traffic...), its size and precision from the
  row; rows of one precision (and with or without active parameters) are read once and
  calculated as columns (lca.reading.bind.bind_columns), as lca.engine.columns does.

With ``samples`` > 0 every input with a range is drawn once (the same quantile stream per
origin as a single estimate's Monte Carlo) and shared by every model and by the evaluation, so
that comparisons between models see factors they share move together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from lca.engine import montecarlo as mc
from lca.errors import ProfileError
from lca.estimator import Estimator
from lca.leaderboard import openllm
from lca.leaderboard.table import Entry, short_name
from lca.model.graph import calculate
from lca.quantities import FIELDS, INDICATORS
from lca.reading.bind import bind_columns

DEFAULT_DEPLOYMENT = {"hardware": openllm.HARDWARE, "location": openllm.LOCATION, "task": "chat"}
DEFAULT_EVALUATION = {"hardware": openllm.HARDWARE, "accelerators": openllm.ACCELERATORS,
                      "location": openllm.LOCATION}
PER_REQUEST = tuple(f"inference.per_request.{i}" for i in INDICATORS)
EVALUATION = tuple(f"training.impacts.{i}" for i in INDICATORS)
PLACEHOLDER = 1e9  # parameters of the profile read once per group (columns replace them)
MC_CELLS = 400_000  # draws x models calculated at once (bounds the memory of the draws)


@dataclass
class Estimates:
    """Per-request figures of the models (indicator -> array over models, NaN where a model
    could not be estimated) and the evaluation setup's figures per wall-clock hour; with
    draws, ``(samples, models)`` and ``(samples,)`` arrays of the same."""

    per_request: dict[str, np.ndarray]
    per_hour: dict[str, float]
    per_request_draws: dict[str, np.ndarray] | None = None
    per_hour_draws: dict[str, np.ndarray] | None = None


def _renamed(error: ProfileError, section: str, option: str) -> ProfileError:
    """A profile error on ``section.x`` as an error on the option ``option.x``."""
    return ProfileError([{**e, "field": option + e["field"][len(section):]
                          if e["field"].startswith(section) else f"{option}.{e['field']}"}
                         for e in error.errors])


def evaluation_setup(options: Mapping) -> dict:
    """The evaluation setup option with its defaults; ProfileError naming a wrong key."""
    given = options.get("evaluation") or {}
    if not isinstance(given, Mapping):
        raise ProfileError([{"field": "evaluation", "message": "expected an object: hardware, "
                             "accelerators, location"}])
    unknown = sorted(set(given) - set(DEFAULT_EVALUATION))
    if unknown:
        raise ProfileError([{"field": f"evaluation.{unknown[0]}", "message": "unknown field; "
                             "one of hardware, accelerators, location"}])
    return {**DEFAULT_EVALUATION, **given}


def per_hour(estimator: Estimator, setup: Mapping, version: str | None, samples: int,
             seed: int) -> tuple[dict[str, float], dict[str, np.ndarray] | None]:
    """The evaluation setup's figures for one wall-clock hour (all its accelerators), central
    and drawn."""
    accelerators = setup["accelerators"]
    if isinstance(accelerators, bool) or not isinstance(accelerators, int) or not (
            1 <= accelerators <= 100_000):
        raise ProfileError([{"field": "evaluation.accelerators",
                             "message": "expected a whole number from 1 to 100000"}])
    profile = {"factors_version": version, "model": {"parameters": 1e9},
               "training": {"workload": "evaluation", "hardware": setup["hardware"],
                            "location": setup["location"],
                            "accelerator_hours": float(accelerators)}}
    try:
        reading = estimator.read(profile)
    except ProfileError as error:
        raise _renamed(error, "training", "evaluation") from None
    with np.errstate(all="ignore"):
        out = calculate(reading.inputs)
    central = {i: float(out[k]) for i, k in zip(INDICATORS, EVALUATION, strict=True)}
    if not samples:
        return central, None
    inputs = {**reading.inputs, **mc.drawn_inputs(reading.spreads, samples, seed)}
    with np.errstate(all="ignore"):
        drawn = calculate(inputs)
    return central, {i: np.broadcast_to(np.asarray(drawn[k], dtype=float), (samples,))
                     for i, k in zip(INDICATORS, EVALUATION, strict=True)}


def active_from_preset(entry: Entry, estimator: Estimator, version: str | None) -> None:
    """A MoE row without active parameters: the share of a preset its name contains (the
    longest such preset id), else none (served as dense: an upper bound, noted)."""
    if not entry.moe or entry.active_parameters is not None:
        return
    fs = estimator.factor_set(version)
    name = short_name(entry.name)
    found = sorted((p for p in fs.tables["models"].rows if p in name), key=len, reverse=True)
    for preset in found:
        active, total = (fs.get("models", preset, a) for a in ("active_parameters",
                                                                 "parameters"))
        if active is not None and total is not None and active.value < total.value:
            entry.active_parameters = entry.parameters * active.value / total.value
            entry.notes.append(f"active parameters: the share of the preset {preset}")
            return
    entry.notes.append("MoE with no active parameter count: served as dense (an upper bound)")


def serve(entries: Sequence[Entry], estimator: Estimator, deployment: Mapping,
          version: str | None, samples: int, seed: int
          ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray] | None, dict[int, str]]:
    """Per-request figures of every entry served as ``deployment`` says, central and drawn,
    and the entries that could not be estimated (index -> reason)."""
    n = len(entries)
    central = {i: np.full(n, np.nan) for i in INDICATORS}
    drawn = {i: np.full((samples, n), np.nan) for i in INDICATORS} if samples else None
    errors: dict[int, str] = {}
    groups: dict[tuple[str, bool], list[int]] = {}
    for index, entry in enumerate(entries):
        groups.setdefault((entry.precision, entry.active_parameters is not None),
                          []).append(index)
    for (precision, has_active), members in groups.items():
        # read with valid placeholder sizes: each row's own numbers are checked as columns
        model: dict = {"parameters": PLACEHOLDER, "precision": precision}
        columns = {"model.parameters": [entries[m].parameters for m in members]}
        if has_active:
            model["active_parameters"] = PLACEHOLDER
            columns["model.active_parameters"] = [entries[m].active_parameters for m in members]
        try:
            reading = estimator.read({"factors_version": version, "model": model,
                                      "inference": dict(deployment)})
        except ProfileError as error:
            raise _renamed(error, "inference", "deployment") from None
        inputs, invalid, problems = bind_columns(reading.plan, reading.inputs, columns,
                                                 len(members))
        for k, found in problems.items():
            errors[members[k]] = "; ".join(_size_problem(e) for e in found)
        keep = np.flatnonzero(~invalid)
        at = np.asarray(members)[keep]
        with np.errstate(all="ignore"):
            out = calculate(inputs)
        for i, k in zip(INDICATORS, PER_REQUEST, strict=True):
            central[i][at] = np.broadcast_to(np.asarray(out[k], dtype=float),
                                             (len(members),))[keep]
        if drawn is not None:
            _drawn_group(reading, inputs, columns, keep, at, samples, seed, drawn)
    return central, drawn, errors


def _size_problem(error: Mapping[str, str]) -> str:
    """A row's size error in a leaderboard's terms (its column holds billions, the field
    counts parameters)."""
    field = FIELDS.get(error["field"])
    if field is None:
        return f"{error['field']}: {error['message']}"
    what = "active parameters" if error["field"].endswith("active_parameters") else "parameters"
    return (f"{what}: outside {field.spec.low:,.0f} to {field.spec.high:.0e} (the range a "
            "profile accepts)") if "within" in error["message"] else \
        f"{what}: {error['message']}"


def _drawn_group(reading, inputs: Mapping, columns: Mapping, keep: np.ndarray, at: np.ndarray,
                 samples: int, seed: int, drawn: dict[str, np.ndarray]) -> None:
    """One group's per-request figures at every draw: draws on the first axis, models on the
    second, in slices that bound the memory."""
    varied = set(columns) | {name for name, value in inputs.items()
                             if isinstance(value, np.ndarray) and value.ndim == 1
                             and value is not reading.inputs.get(name)}
    draws = {name: value[:, None]
             for name, value in mc.drawn_inputs(reading.spreads, samples, seed).items()}
    step = max(1, MC_CELLS // samples)
    for start in range(0, len(keep), step):
        part = keep[start:start + step]
        x = {name: value[part][None, :] if name in varied and isinstance(value, np.ndarray)
             else value for name, value in inputs.items()}
        x.update({k: v for k, v in draws.items() if k not in varied})
        with np.errstate(all="ignore"):
            out = calculate(x)
        for i, k in zip(INDICATORS, PER_REQUEST, strict=True):
            drawn[i][:, at[start:start + step]] = np.broadcast_to(
                np.asarray(out[k], dtype=float), (samples, len(part)))
