"""How the training and inference sections of a shape are read: the path each one takes.

Training takes the most measured input given: measured energy, then accelerator-hours, then
accelerator count x duration, then compute (given, or 6 x active parameters x tokens).
Inference takes measured energy (per request or per output token), else a measured throughput,
else the roofline model. The numbers themselves are bound afterwards (lca.reading.bind).
"""

from __future__ import annotations

from collections.abc import Mapping

from lca.model import paths
from lca.quantities import DEFAULT_TASK, PRECISIONS, SERVING, TASKS, WORKLOADS
from lca.reading.planner import NAN, Planner
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
    workload = p.choice(t, "workload", WORKLOADS, phase) or "training"
    training_power(p, hardware, workload)
    if t.get("power_per_accelerator") is not GIVEN:
        p.assume("training.power_per_accelerator", f"TDP x {workload} load factor + host share",
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
        if name == "fleet_utilization" and _traffic_mode(s):
            p.inputs["inference.fleet_utilization"] = NAN  # idle time follows from the traffic
            continue
        if f"inference.{name}" not in p.inputs:
            p.field_or_default(s, f"inference.{name}")
    given_fields(p, s, phase, _INFERENCE_GIVEN)
    inference_hardware(p, hardware, precision or DEFAULT_PRECISION)
    code = paths.ROOFLINE
    p.inputs["inference.energy_is_facility"] = 0.0
    p.inputs["inference.hour_mean_busy_ratio"] = NAN  # a usage log's hour gives them
    p.inputs["inference.hour_mean_busy_seconds"] = NAN  # (lca.usage)
    if s.get("energy_per_request") is GIVEN or s.get("energy_per_output_token") is GIVEN:
        code = (paths.MEASURED_ENERGY_PER_REQUEST if s.get("energy_per_request") is GIVEN
                else paths.MEASURED_ENERGY_PER_TOKEN)
        energy_scope(p, s, phase)
    elif s.get("output_throughput") is GIVEN:
        code = paths.MEASURED_THROUGHPUT
    p.inputs["inference.path"] = code
    traffic = _read_traffic(p, s, code)
    _serving_constants(p, s, hardware)
    p.remaining(s, phase)
    requests, per_day, duration = (s.get(k) is GIVEN for k in ("requests", "requests_per_day",
                                                               "duration"))
    if traffic:
        return paths.INFERENCE_PATHS[code]
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


# Traffic mode starts with one of these; requests_per_day with duration stays a volume.
_TRAFFIC_STARTS = ("requests_per_second", "hourly_requests_per_second", "replicas",
                   "min_replicas")
_RATES = ("requests_per_second", "hourly_requests_per_second", "requests_per_day")
_OPTIONAL_CONSTANTS = {  # input -> constant of 2026.2; absent from older sets: old formula
    "inference.power_bandwidth_slope": "power_bandwidth_slope",
    "inference.power_compute_slope": "power_compute_slope",
    "inference.default_layers": "default_layers",
    "inference.attention_flops_coefficient": "attention_flops_per_layer_width_token",
    "inference.model_aspect_ratio": "model_aspect_ratio",
    "inference.collective_latency": "collective_latency",
}


def _traffic_mode(s: Mapping) -> bool:
    """Whether the section describes a deployment by its traffic (docs/inference.md)."""
    return any(s.get(k) is GIVEN for k in _TRAFFIC_STARTS)


def _read_traffic(p: Planner, s: Mapping, code: float) -> bool:
    """Traffic mode: the input flag and the contradictions that make it a 422."""
    on = _traffic_mode(s)
    p.inputs["inference.traffic"] = 1.0 if on else 0.0
    if not on:
        if s.get("max_replicas") is GIVEN:
            p.error("inference.max_replicas", "bounds an autoscaled deployment: give its rate "
                    "(requests_per_second or hourly_requests_per_second) or min_replicas")
        return False
    given = {k: s.get(k) is GIVEN for k in (*_RATES, "replicas", "min_replicas",
                                             "max_replicas", "batch_size",
                                             "fleet_utilization")}
    if not any(given[k] for k in _RATES):
        p.error("inference.requests_per_second", "traffic mode (replicas or min_replicas "
                "given) needs a rate: requests_per_second, hourly_requests_per_second or "
                "requests_per_day")
    if given["requests_per_second"] and given["hourly_requests_per_second"]:
        p.error("inference.hourly_requests_per_second", "give either requests_per_second or "
                "hourly_requests_per_second, not both")
    if given["requests_per_day"] and (given["requests_per_second"]
                                      or given["hourly_requests_per_second"]):
        p.error("inference.requests_per_day", "give the rate once: requests_per_second (or "
                "hourly_requests_per_second) or requests_per_day; the deployment's volume "
                "follows from the rate and duration")
    if given["replicas"] and (given["min_replicas"] or given["max_replicas"]):
        p.error("inference.replicas", "give either replicas (always on) or min_replicas/"
                "max_replicas (autoscaled), not both")
    if given["batch_size"]:
        p.error("inference.batch_size", "with a request rate the batch follows from the "
                "traffic (an output); give max_batch_size to cap it")
    if given["fleet_utilization"]:
        p.error("inference.fleet_utilization", "with a request rate the idle time follows "
                "from the traffic and the replicas; leave fleet_utilization out")
    if code in (paths.MEASURED_ENERGY_PER_REQUEST, paths.MEASURED_ENERGY_PER_TOKEN):
        p.inputs["inference.traffic"] = 0.0
        p.assume("inference.replicas", "not used", "a measured energy per request already "
                 "includes how the service ran: the rate only gives the volume (with duration)")
        # the embodied share of a request still needs the fleet's idle time, as without a rate
        p.field_or_default(s, "inference.fleet_utilization")
        return True
    if not given["replicas"]:
        if s.get("min_replicas") is None:
            p.assume("inference.min_replicas", 1, "autoscaled to the load, at least one "
                     "replica kept on")
        p.assume("inference.replicas", "autoscaled", "replicas needed each hour, within "
                 "min_replicas and max_replicas")
    p.assume("inference.batch_size", "from the traffic", "batch = arrival rate x latency "
             "(Little's law), capped by memory and max_batch_size")
    return True


def _serving_constants(p: Planner, s: Mapping, hardware: str) -> None:
    """The per-step floor of the serving stack and the load-following power and attention
    constants: present in factor sets from 2026.2; absent, the older formulas (NaN/0)."""
    serving = p.choice(s, "serving", SERVING, "inference")
    if serving is None and s.get("serving") is None:
        serving = "optimized"
        p.assume("inference.serving", serving, "default serving stack: an inference server "
                 "running decode steps as CUDA graphs")
    floor = p.fs.get("constants", f"decode_step_floor_{serving or 'optimized'}", "value")
    if floor is None:
        p.inputs["inference.step_floor_per_layer"] = NAN
        p.assume("inference.serving", "no per-step floor", f"factor set {p.fs.version} has no "
                 "decode-step floor (from 2026.2)")
    else:
        p.put_factor("inference.step_floor_per_layer", floor)
    missing = False
    for name, constant in _OPTIONAL_CONSTANTS.items():
        found = p.fs.get("constants", constant, "value")
        if found is None:
            p.inputs[name] = NAN
            missing = True
        else:
            p.put_factor(name, found)
    if missing:
        p.assume("inference.power", "TDP x load factor, no attention FLOPs, no communication",
                 f"factor set {p.fs.version} predates the load-following power model (2026.2)")
    idle = p.factor("hardware", hardware, "idle_power")
    if idle is None:
        p.inputs["inference.hardware.idle_power"] = NAN
    else:
        p.put_factor("inference.hardware.idle_power", idle)
