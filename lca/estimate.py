"""One estimate: resolve a profile, run the formulas on canonical floats, render the result.

``calculate`` is the numeric core: it takes the flat inputs ``lca.profile.resolve`` produces, as
floats or as numpy arrays of any shape (a batch, Monte Carlo samples), and returns flat outputs of
the same shape. ``render`` turns one set of outputs into the response of design/api.md.
"""

from __future__ import annotations

from collections.abc import Mapping

from lca import inference as inf
from lca import lifecycle as lc
from lca import training as tr
from lca import xp
from lca.embodied import embodied_impacts
from lca.factors import FactorSet
from lca.operational import operational_impacts
from lca.profile import Resolved, resolve
from lca.types import CANONICAL_UNITS, EMBODIED_INDICATORS, INDICATORS, Array
from lca.units import convert

METHOD_VERSION = "1.0"
WATER_PARTS = ("water_onsite", "water_offsite", "water_manufacturing")


def _grid(x: Mapping[str, Array], prefix: str) -> dict[str, Array]:
    return {k: x[f"{prefix}grid_{k}"] for k in ("gwp", "water", "adpe", "pe")}


def _phase(out: dict[str, Array], phase: str, op: dict[str, Array], emb: dict[str, Array]
           ) -> None:
    """Store a phase's operational, embodied and total impacts with the water parts."""
    for k in INDICATORS:
        out[f"{phase}.operational.{k}"] = op[k]
        out[f"{phase}.impacts.{k}"] = op[k] + emb[k] if k in emb else op[k]
    for k in EMBODIED_INDICATORS:
        out[f"{phase}.embodied.{k}"] = emb[k]
    out[f"{phase}.water.water_onsite"] = op["water_onsite"]
    out[f"{phase}.water.water_offsite"] = op["water_offsite"]
    out[f"{phase}.water.water_manufacturing"] = emb["water"]


def training_outputs(x: Mapping[str, Array]) -> dict[str, Array]:
    """Training accelerator-hours, IT energy and impacts from resolved inputs (module doc)."""
    path = x["t_path"]
    compute = xp.where(xp.isnan(x["t_compute"]),
                       tr.training_compute(x["active"], x["t_tokens"],
                                           x["t_flops_per_param_token"]),
                       x["t_compute"])
    hours = tr.accelerator_hours(path, x["t_hours_given"], x["t_energy_given"], compute,
                                 x["t_flops_per_accel"], x["t_power"], x["t_overhead"])
    it_energy = tr.it_energy(path, x["t_energy_given"], hours, x["t_power"], x["t_overhead"])
    op = operational_impacts(it_energy, x["t_pue"], x["t_wue"], _grid(x, "t_"))
    per_accel = {k: x[f"t_emb_{k}"] for k in EMBODIED_INDICATORS}
    emb = embodied_impacts(per_accel, hours, x["lifetime_h"])
    out: dict[str, Array] = {"training.accelerator_hours": hours,
                             "training.it_energy": it_energy, "training.compute": compute}
    _phase(out, "training", op, emb)
    return out


def inference_outputs(x: Mapping[str, Array]) -> dict[str, Array]:
    """Per-request inference impacts, replica sizing and roofline times (module doc)."""
    weights = inf.weight_bytes(x["params"], x["bytes_per_param"])
    sized = inf.replica_accelerators(weights, x["i_weight_memory_overhead"], x["i_memory"],
                                     x["i_memory_usable_fraction"])
    n = xp.where(xp.isnan(x["i_accelerators"]), sized, x["i_accelerators"])
    context = inf.mean_context(x["i_input"], x["i_output"])
    cap = inf.max_batch(n, x["i_memory"], x["i_memory_usable_fraction"], weights,
                        x["kv_per_token"], context)
    batch = xp.minimum(x["i_batch"], cap)
    flops_pt = x["i_inference_flops_per_parameter_token"]
    prefill = inf.prefill_seconds(x["active"], x["i_input"], flops_pt, n, x["i_peak"],
                                  x["i_prefill_efficiency"])
    read = (weights * inf.weight_read_fraction(x["params"], x["active"], batch)
            + batch * x["kv_per_token"] * context)
    step = inf.decode_step_seconds(read, flops_pt * x["active"] * batch, n, x["i_bandwidth"],
                                   x["i_decode_bandwidth_efficiency"], x["i_peak"],
                                   x["i_prefill_efficiency"])
    path = x["i_path"]
    busy = xp.where(path == inf.MEASURED_THROUGHPUT, x["i_output"] / x["i_throughput"],
                    inf.replica_seconds_per_request(prefill, step, x["i_output"], batch))
    idle = inf.idle_seconds(busy, x["i_fleet_util"])
    parts = {
        "accelerators": inf.energy_kwh(busy, inf.replica_power(n, x["i_accel_power"])),
        "host": inf.energy_kwh(busy, inf.replica_power(n, x["i_host_power"])),
        "idle": inf.energy_kwh(idle, inf.replica_power(n, x["i_idle_power"])),
    }
    measured = (path == inf.MEASURED_ENERGY_PER_REQUEST) | (path == inf.MEASURED_ENERGY_PER_TOKEN)
    it_energy = xp.where(measured, x["i_energy_given"],
                         parts["accelerators"] + parts["host"] + parts["idle"])
    op = operational_impacts(it_energy, x["i_pue"], x["i_wue"], _grid(x, "i_"))
    per_accel = {k: x[f"i_emb_{k}"] for k in EMBODIED_INDICATORS}
    emb = embodied_impacts(per_accel, n * (busy + idle) / 3600.0, x["lifetime_h"])
    out: dict[str, Array] = {
        "inference.replica.accelerators": n, "inference.replica.batch_size": batch,
        "inference.replica.max_batch_size": cap,
        "inference.replica.prefill_seconds": prefill,
        "inference.replica.decode_step_seconds": step,
        "inference.replica.busy_seconds_per_request": busy,
        "inference.replica.idle_seconds_per_request": idle,
        "inference.replica.weight_bytes": weights,
        "inference.replica.kv_cache_bytes_per_token": x["kv_per_token"],
        "inference.it_energy": it_energy,
    }
    _phase(out, "inference", op, emb)
    for name, part in parts.items():  # unknown when the energy was measured as a whole
        out[f"inference.energy_breakdown.{name}"] = xp.where(measured, xp.nan, part)
    out["inference.energy_breakdown.overhead"] = op["energy"] - it_energy
    requests = x["i_requests"]
    for k in INDICATORS:
        per_request = out[f"inference.impacts.{k}"]
        out[f"inference.per_output_token.{k}"] = per_request / x["i_output"]
        out[f"inference.total.{k}"] = per_request * requests
    out["inference.requests"] = requests
    return out


def lifecycle_outputs(out: Mapping[str, Array]) -> dict[str, Array]:
    """Lifecycle totals, amortised per-request impacts, shares and breakeven (lca.lifecycle)."""
    requests = out["inference.requests"]
    result: dict[str, Array] = {"lifecycle.requests": requests}
    for k in INDICATORS:
        training, per_request = out[f"training.impacts.{k}"], out[f"inference.impacts.{k}"]
        total = lc.lifecycle_total(training, per_request, requests)
        result[f"lifecycle.total.{k}"] = total
        result[f"lifecycle.per_request.{k}"] = lc.amortised_per_request(training, per_request,
                                                                        requests)
        result[f"lifecycle.shares.training.{k}"], result[f"lifecycle.shares.inference.{k}"] = (
            lc.shares(training, total))
        result[f"lifecycle.breakeven_requests.{k}"] = lc.breakeven_requests(training, per_request)
    return result


def calculate(x: Mapping[str, Array]) -> dict[str, Array]:
    """Every output figure from resolved inputs; the phases present follow the inputs present."""
    out: dict[str, Array] = {}
    if "t_path" in x:
        out.update(training_outputs(x))
    if "i_path" in x:
        out.update(inference_outputs(x))
    if "t_path" in x and "i_path" in x:
        out.update(lifecycle_outputs(out))
    return out


_REPLICA = (("prefill_seconds", "s"), ("decode_step_seconds", "s"),
            ("busy_seconds_per_request", "s"), ("idle_seconds_per_request", "s"),
            ("weight_bytes", "byte"), ("kv_cache_bytes_per_token", "byte/token"))
_BREAKDOWN = ("accelerators", "host", "idle", "overhead")
_CANONICAL_SCALES = {k: (unit, 1.0) for k, unit in CANONICAL_UNITS.items()}


def _finite(value: Array) -> float | None:
    value = float(value)
    return value if value - value == 0.0 else None  # False for NaN and infinities


def render(resolved: Resolved, out: Mapping[str, Array],
           bounds: Mapping[str, tuple[Array, Array]] | None = None) -> dict:
    """The estimate response (design/api.md) for one profile's outputs.

    ``bounds`` maps output keys to (low, high) from the Monte Carlo, when it ran. Quantities are
    expressed in the profile's display units, if it asked for any.
    """
    scales = _CANONICAL_SCALES
    if resolved.units:
        scales = {k: (u, 1.0) if k not in resolved.units
                  else (resolved.units[k], convert(1.0, u, resolved.units[k]))
                  for k, u in CANONICAL_UNITS.items()}
    warnings = list(resolved.warnings)

    def quantity(key: str, indicator: str) -> dict:
        unit, scale = scales[indicator]
        value = _finite(out[key])
        q = {"value": None if value is None else value * scale, "unit": unit}
        if bounds is not None and key in bounds:
            low, high = _finite(bounds[key][0]), _finite(bounds[key][1])
            q["low"] = None if low is None else low * scale
            q["high"] = None if high is None else high * scale
        return q

    def plain(key: str, unit: str) -> dict:
        q = {"value": _finite(out[key]), "unit": unit}
        if bounds is not None and key in bounds:
            q["low"], q["high"] = _finite(bounds[key][0]), _finite(bounds[key][1])
        return q

    def block(prefix: str, indicators: tuple[str, ...] = INDICATORS) -> dict:
        return {k: quantity(f"{prefix}.{k}", k) for k in indicators}

    def water(phase: str) -> dict:
        return {p.removeprefix("water_"): quantity(f"{phase}.water.{p}", "water")
                for p in WATER_PARTS}

    result: dict = {"name": resolved.name,
                    "versions": {"method": METHOD_VERSION, "factors": resolved.factors.version}}
    if resolved.has_training:
        training = {
            "path": resolved.training_path,
            "accelerator_hours": plain("training.accelerator_hours", "h"),
            "it_energy": quantity("training.it_energy", "energy"),
            "impacts": block("training.impacts"),
            "operational": block("training.operational"),
            "embodied": block("training.embodied", EMBODIED_INDICATORS),
            "water": water("training"),
        }
        if resolved.training_path == "compute":
            training["compute"] = plain("training.compute", "FLOP")
        result["training"] = training
    if resolved.has_inference:
        replica: dict = {k: _finite(out[f"inference.replica.{k}"])
                         for k in ("accelerators", "batch_size", "max_batch_size")}
        replica.update((k, plain(f"inference.replica.{k}", unit)) for k, unit in _REPLICA)
        inference = {
            "path": resolved.inference_path,
            "replica": replica,
            "per_request": block("inference.impacts"),
            "per_output_token": block("inference.per_output_token"),
            "operational": block("inference.operational"),
            "embodied": block("inference.embodied", EMBODIED_INDICATORS),
            "water": water("inference"),
            "energy_breakdown": {p: quantity(f"inference.energy_breakdown.{p}", "energy")
                                 for p in _BREAKDOWN},
        }
        requests = _finite(out["inference.requests"])
        if requests is not None:
            inference["requests"] = requests
            inference["total"] = block("inference.total")
        else:
            warnings.append({"code": "no-volume", "message": "inference: no requests (or "
                             "requests_per_day with duration) given, so no deployment total"})
        if float(out["inference.replica.batch_size"]) < resolved.inputs["i_batch"]:
            warnings.append({"code": "batch-capped", "message": "inference: the batch size was "
                             "lowered to what the replica's memory holds beside the weights"})
        result["inference"] = inference
    if resolved.has_training and resolved.has_inference:
        life: dict = {"breakeven_requests": {
            k: _finite(out[f"lifecycle.breakeven_requests.{k}"]) for k in INDICATORS}}
        if _finite(out["lifecycle.requests"]) is not None:
            life["total"] = block("lifecycle.total")
            life["per_request"] = block("lifecycle.per_request")
            life["shares"] = {
                phase: {k: _finite(out[f"lifecycle.shares.{phase}.{k}"]) for k in INDICATORS}
                for phase in ("training", "inference")}
        result["lifecycle"] = life
    # copies: the records are shared with the section cache of lca.profile
    result["factors_used"] = [dict(f) for f in resolved.factors_used.values()]
    result["assumptions"] = [dict(a) for a in resolved.assumptions]
    result["warnings"] = warnings
    return result


def estimate(profile: Mapping, factors: FactorSet | None = None) -> dict:
    """Estimate one profile (design/api.md shape) and return the response as plain data.

    Raises lca.errors.ProfileError listing every wrong field.
    """
    resolved = resolve(profile, factors)
    out = calculate(resolved.inputs)
    return render(resolved, out)
