"""How the training and inference sections of a shape are read: the path each one takes.

Training takes the most measured input given: measured energy, then accelerator-hours, then
accelerator count x duration, then compute (given, or 6 x active parameters x tokens).
Inference takes measured energy (per request or per output token), else a measured throughput,
else the roofline model. The numbers themselves are bound afterwards (lca.reading.bind).
"""

from __future__ import annotations

from collections.abc import Mapping

from lca.model import paths
from lca.quantities import DEFAULT_TASK, PRECISIONS, TASKS
from lca.reading.planner import Planner
from lca.reading.sections import (
    DEFAULT_PRECISION,
    energy_scope,
    given_fields,
    inference_hardware,
    peak_flops,
    read_hardware,
    read_site,
    training_power,
    training_utilization,
)
from lca.reading.shape import GIVEN

_TRAINING_GIVEN = ("accelerator_hours", "accelerator_count", "duration", "energy", "compute",
                   "tokens", "achieved_flops", "power_per_accelerator")
_INFERENCE_GIVEN = ("accelerators", "power_per_accelerator", "energy_per_request",
                    "energy_per_output_token", "output_throughput", "requests",
                    "requests_per_day", "duration")
_INFERENCE_DEFAULTS = ("input_tokens", "output_tokens", "batch_size", "fleet_utilization")
_TRAINING_INPUTS = ("energy", "accelerator_hours", "accelerator_count", "duration", "compute",
                    "tokens")


def _training_path(p: Planner, t: Mapping, preset: str | None) -> float | None:
    """The training path the given fields select, or None (with an error if one is due). A
    section that gives no activity trains the model preset's tokens (_preset_tokens)."""
    given = {k: t.get(k) is GIVEN for k in (*_TRAINING_INPUTS, "achieved_flops")}
    if given["energy"]:
        return paths.MEASURED_ENERGY
    if given["accelerator_hours"]:
        return paths.ACCELERATOR_HOURS
    if given["accelerator_count"] and given["duration"]:
        return paths.COUNT_X_DURATION
    if given["compute"] or given["tokens"]:
        return paths.COMPUTE
    if given["accelerator_count"] or given["duration"]:
        missing, other = (("duration", "accelerator_count") if not given["duration"]
                          else ("accelerator_count", "duration"))
        if t.get(missing) is None:
            p.error(f"training.{missing}", f"needed with {other}")
        return None
    if not any(t.get(k) is not None for k in _TRAINING_INPUTS):
        if preset is not None and _tokens_known(p, preset):
            return paths.COMPUTE
        why = "" if preset is None else (
            f" ({preset} publishes no training tokens and factor set {p.fs.version} has no "
            "stand-in for them)")
        p.error("training", "give one of energy, accelerator_hours, accelerator_count with "
                f"duration, compute, or tokens{why}")
    return None


def gives_no_activity(raw: object) -> bool:
    """Whether a training section (as read from the shape) names none of the activity inputs,
    so that the model preset's training tokens decide its path."""
    return isinstance(raw, Mapping) and not any(raw.get(k) is not None
                                                for k in _TRAINING_INPUTS)


def _tokens_known(p: Planner, preset: str) -> bool:
    """Whether the preset publishes its training tokens or the factor set has the constant that
    stands in for unpublished ones (factor sets before 2026.2 do not)."""
    return (p.fs.get("models", preset, "training_tokens") is not None
            or "training_tokens_unpublished" in p.fs.tables["constants"].rows)


def _preset_tokens(p: Planner, preset: str) -> None:
    """Input ``training.tokens`` for a section without activity: the preset's published
    pre-training tokens, else the stand-in constant for unpublished ones (flagged)."""
    published = p.factor("models", preset, "training_tokens")
    if published is not None:
        p.put_factor("training.tokens", published)
        p.assume("training.tokens", published.value, f"no training activity given: the "
                 f"published pre-training tokens of the preset {preset}")
        return
    stand_in = p.fs.constant("training_tokens_unpublished")
    p.put_factor("training.tokens", stand_in)
    p.assume("training.tokens", stand_in.value, f"no training activity given and {preset} "
             "publishes no training tokens: the median of contemporary presets' published "
             "tokens (constants.training_tokens_unpublished), with their range")
    p.warn("training-tokens-unpublished", preset=preset)


def read_training(p: Planner, raw: object, preset: str | None = None) -> str | None:
    """Plan the training section: its path, power, compute and overhead inputs; ``preset`` is
    the model preset, whose training tokens serve when the section gives no activity."""
    phase = "training"
    t = p.section(raw, phase, "training")
    hardware = read_hardware(p, t, phase)
    read_site(p, t, phase)
    code = _training_path(p, t, preset)
    precision = p.choice(t, "precision", PRECISIONS, phase)
    if precision is None and t.get("precision") is None:
        precision = DEFAULT_PRECISION
        if code == paths.COMPUTE or t.get("compute") is GIVEN or t.get("tokens") is GIVEN:
            p.assume("training.precision", precision, "default training precision (mixed "
                     "precision); model.precision is the serving precision")
    if hardware is None or precision is None or code is None:
        return None
    p.inputs["training.path"] = code
    given_fields(p, t, phase, _TRAINING_GIVEN)
    if code == paths.COMPUTE and t.get("compute") is not GIVEN and t.get("tokens") is not GIVEN:
        _preset_tokens(p, preset)  # type: ignore[arg-type]  # the path implies a preset
    training_power(p, hardware)
    if t.get("power_per_accelerator") is not GIVEN:
        p.assume("training.power_per_accelerator", "TDP x training load factor + host share",
                 "no measured power given")
    p.inputs["training.energy_is_facility"] = 0.0
    if code == paths.MEASURED_ENERGY:
        energy_scope(p, t, phase)
        if t.get("accelerator_hours") is not GIVEN and not (
                t.get("accelerator_count") is GIVEN and t.get("duration") is GIVEN):
            p.warn("hours-from-energy")
    _training_compute(p, t, hardware, precision, code)
    p.field_or_default(t, "training.overhead")
    if t.get("overhead") is not GIVEN:
        # Counting experiments is a choice of scope, not an uncertainty: not sampled.
        p.spreads.pop("training.overhead", None)
    p.remaining(t, phase)
    return paths.TRAINING_PATHS[code]


def _training_compute(p: Planner, t: Mapping, hardware: str, precision: str, code: float
                      ) -> None:
    """On the compute path: FLOP per parameter-token, peak FLOP/s and utilization."""
    for name in ("flops_per_parameter_token", "hardware.peak_flops", "utilization",
                 "sparse_mfu_factor"):
        p.inputs[f"training.{name}"] = float("nan")
    if code != paths.COMPUTE:
        return
    if t.get("compute") is not GIVEN:
        p.put_factor("training.flops_per_parameter_token",
                     p.fs.constant("training_flops_per_parameter_token"))
        p.assume("training.compute", "6 x active parameters x tokens",
                 "compute not given (Kaplan et al. 2020)")
    if t.get("achieved_flops") is not GIVEN:
        p.put_factor("training.hardware.peak_flops", peak_flops(p, hardware, precision,
                                                                "training"))
        training_utilization(p, t, hardware)


def read_inference(p: Planner, raw: object, precision: str | None) -> str | None:
    """Plan the inference section: its path, request shape and serving hardware."""
    phase = "inference"
    s = p.section(raw, phase, "inference")
    hardware = read_hardware(p, s, phase)
    read_site(p, s, phase)
    if hardware is None:
        return None
    _task_lengths(p, s)
    for name in _INFERENCE_DEFAULTS:
        if f"inference.{name}" not in p.inputs:
            p.field_or_default(s, f"inference.{name}")
    given_fields(p, s, phase, _INFERENCE_GIVEN)
    inference_hardware(p, hardware, precision or DEFAULT_PRECISION)
    code = paths.ROOFLINE
    p.inputs["inference.energy_is_facility"] = 0.0
    if s.get("energy_per_request") is GIVEN or s.get("energy_per_output_token") is GIVEN:
        code = (paths.MEASURED_ENERGY_PER_REQUEST if s.get("energy_per_request") is GIVEN
                else paths.MEASURED_ENERGY_PER_TOKEN)
        energy_scope(p, s, phase)
    elif s.get("output_throughput") is GIVEN:
        code = paths.MEASURED_THROUGHPUT
    p.inputs["inference.path"] = code
    p.remaining(s, phase)
    requests, per_day, duration = (s.get(k) is GIVEN for k in ("requests", "requests_per_day",
                                                               "duration"))
    if not requests and per_day and not duration:
        if s.get("duration") is None:
            p.error("inference.duration", "needed with requests_per_day")
        return None
    if not requests and not per_day and duration:
        p.error("inference.requests_per_day", "needed with duration (or give requests)")
    return paths.INFERENCE_PATHS[code]


_LENGTHS = ("input_tokens", "output_tokens")


def _task_lengths(p: Planner, s: Mapping) -> None:
    """Prompt and answer lengths not given: the task's (``chat`` by default), each the median of
    its distribution with its range (factor table tasks). A factor set without that table (2026.1)
    keeps its default constants; a task asked of it is an error, unless both lengths are given."""
    raw = s.get("task")
    task = p.choice(s, "task", TASKS, "inference")
    if raw is not None and task is None:
        return  # an error already
    missing = [name for name in _LENGTHS if s.get(name) is None]
    if not p.fs.tables["tasks"].rows:
        if task is not None and missing:
            p.error("inference.task", f"factor set {p.fs.version} has no task table; pin a "
                    "later factors_version, or give input_tokens and output_tokens")
        return
    if task is None:
        task = DEFAULT_TASK
        if missing:
            p.assume("inference.task", task, "default task: prompt and answer lengths of "
                     "conversational use")
    for name in missing:
        factor = p.factor("tasks", task, name)
        if factor is None:  # a set listing the task without this length: the constant
            continue
        p.put_factor(f"inference.{name}", factor)
        p.assume(f"inference.{name}", factor.value, f"median {name.replace('_', ' ')} of the "
                 f"'{task}' task (tasks.{task}.{name})")
