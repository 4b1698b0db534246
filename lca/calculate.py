"""The numeric core: every output figure from the flat inputs that lca.profile.resolve makes.

``calculate`` takes those inputs as floats or as numpy arrays of any shape (a batch, Monte Carlo
samples) and returns flat outputs of the same shape, keyed like ``inference.impacts.gwp``.
Derived inputs (power from TDP and load, hours from count and duration...) are computed here, not
in resolve, so that the Monte Carlo varies the factors they come from.
"""

from __future__ import annotations

from collections.abc import Mapping

from lca import inference as inf
from lca import lifecycle as lc
from lca import training as tr
from lca import xp
from lca.embodied import embodied_impacts, per_accelerator
from lca.operational import operational_impacts
from lca.types import EMBODIED_INDICATORS, INDICATORS, Array

WATER_PARTS = ("water_onsite", "water_offsite", "water_manufacturing")


# Output keys are built once: formatting them per estimate would cost more than the arithmetic.
_GRID_KEYS = {p: tuple((k, f"{p}grid_{k}") for k in ("gwp", "water", "adpe", "pe"))
              for p in ("t_", "i_")}
_PHASE_KEYS = {phase: tuple((k, f"{phase}.operational.{k}", f"{phase}.impacts.{k}",
                             f"{phase}.embodied.{k}" if k in EMBODIED_INDICATORS else None)
                            for k in INDICATORS)
               for phase in ("training", "inference")}
_LIFECYCLE_KEYS = tuple((k, f"training.impacts.{k}", f"inference.impacts.{k}",
                         f"lifecycle.total.{k}", f"lifecycle.per_request.{k}",
                         f"lifecycle.shares.training.{k}", f"lifecycle.shares.inference.{k}",
                         f"lifecycle.breakeven_requests.{k}") for k in INDICATORS)
_INFERENCE_VOLUME_KEYS = tuple((f"inference.impacts.{k}", f"inference.per_output_token.{k}",
                                f"inference.total.{k}") for k in INDICATORS)


def _grid(x: Mapping[str, Array], prefix: str) -> dict[str, Array]:
    return {k: x[key] for k, key in _GRID_KEYS[prefix]}


def _phase(out: dict[str, Array], phase: str, op: dict[str, Array], emb: dict[str, Array]
           ) -> None:
    """Store a phase's operational, embodied and total impacts with the water parts."""
    for k, operational, impacts, embodied in _PHASE_KEYS[phase]:
        out[operational] = op[k]
        if embodied is None:
            out[impacts] = op[k]
        else:
            out[impacts] = op[k] + emb[k]
            out[embodied] = emb[k]
    out[f"{phase}.water.water_onsite"] = op["water_onsite"]
    out[f"{phase}.water.water_offsite"] = op["water_offsite"]
    out[f"{phase}.water.water_manufacturing"] = emb["water"]


def _per_accelerator(x: Mapping[str, Array], prefix: str) -> dict[str, Array]:
    return {k: per_accelerator(x[f"{prefix}emb_card_{k}"], x[f"{prefix}emb_host_{k}"])
            for k in EMBODIED_INDICATORS}


def _active(x: Mapping[str, Array]) -> Array:
    """Active parameters, never above the total (sampled ranges of the two could cross)."""
    return xp.minimum(x["active"], x["params"])


def training_outputs(x: Mapping[str, Array]) -> dict[str, Array]:
    """Training accelerator-hours, IT energy and impacts from resolved inputs (module doc)."""
    path = x["t_path"]
    measured_power = x["t_power_measured"]
    power = xp.where(xp.isnan(measured_power),
                     tr.accelerator_power(x["t_tdp"], x["t_load"], x["t_host_power"]),
                     measured_power)
    hours_given = xp.where(xp.isnan(x["t_hours"]), x["t_count"] * x["t_duration"], x["t_hours"])
    energy_given = xp.where(x["t_energy_facility"] == 1.0, x["t_energy"] / x["t_pue"],
                            x["t_energy"])
    compute = xp.where(xp.isnan(x["t_compute"]),
                       tr.training_compute(_active(x), x["t_tokens"], x["t_flops_pt"]),
                       x["t_compute"])
    flops = xp.where(xp.isnan(x["t_achieved"]), x["t_peak"] * x["t_util"], x["t_achieved"])
    hours = tr.accelerator_hours(path, hours_given, energy_given, compute, flops, power,
                                 x["t_overhead"])
    it_energy = tr.it_energy(path, energy_given, hours, power, x["t_overhead"])
    op = operational_impacts(it_energy, x["t_pue"], x["t_wue"], _grid(x, "t_"))
    emb = embodied_impacts(_per_accelerator(x, "t_"), hours, x["lifetime_h"])
    out: dict[str, Array] = {"training.accelerator_hours": hours,
                             "training.it_energy": it_energy, "training.compute": compute}
    _phase(out, "training", op, emb)
    return out


def kv_cache_bytes_per_token(x: Mapping[str, Array]) -> Array:
    """KV-cache bytes per token: latent attention, grouped-query attention, or the estimate."""
    value_bytes = x["kv_value_bytes"]
    latent = inf.latent_kv_bytes_per_token(x["layers"], x["kv_latent"], x["head_dim"],
                                           value_bytes)
    grouped = inf.kv_bytes_per_token(x["layers"], x["kv_heads"], x["head_dim"], value_bytes)
    estimated = inf.kv_bytes_per_token_estimate(x["params"], x["kv_coefficient"], value_bytes)
    return xp.where(xp.isnan(x["kv_coefficient"]),
                    xp.where(xp.isnan(x["kv_latent"]), grouped, latent), estimated)


def inference_outputs(x: Mapping[str, Array]) -> dict[str, Array]:
    """Per-request inference impacts, replica sizing and roofline times (module doc)."""
    kv_per_token = kv_cache_bytes_per_token(x)
    weights = inf.weight_bytes(x["params"], x["bytes_per_param"])
    context = inf.mean_context(x["i_input"], x["i_output"])
    overhead = x["i_weight_memory_overhead"]
    sized = inf.replica_accelerators(weights, overhead, x["i_batch"] * kv_per_token * context,
                                     x["i_memory"], x["i_memory_usable_fraction"])
    n = xp.where(xp.isnan(x["i_accelerators"]), sized, x["i_accelerators"])
    cap = inf.max_batch(n, x["i_memory"], x["i_memory_usable_fraction"], weights,
                        kv_per_token, context)
    batch = xp.minimum(x["i_batch"], cap)
    flops_pt = x["i_flops_pt"]
    active = _active(x)
    prefill = inf.prefill_seconds(active, x["i_input"], flops_pt, n, x["i_peak"],
                                  x["i_prefill_efficiency"])
    read = (weights * inf.weight_read_fraction(x["params"], active, batch)
            + batch * kv_per_token * context)
    step = inf.decode_step_seconds(read, flops_pt * active * batch, n, x["i_bandwidth"],
                                   x["i_decode_bandwidth_efficiency"], x["i_peak"],
                                   x["i_prefill_efficiency"])
    path = x["i_path"]
    busy = xp.where(path == inf.MEASURED_THROUGHPUT, x["i_output"] / x["i_throughput"],
                    inf.replica_seconds_per_request(prefill, step, x["i_output"], batch))
    idle = inf.idle_seconds(busy, x["i_fleet_util"])
    measured_power = x["i_power_measured"]
    unmeasured = xp.isnan(measured_power)
    accel_power = xp.where(unmeasured, tr.accelerator_power(
        x["i_tdp"], x["i_load_factor_inference"], 0.0), measured_power)
    host_power = xp.where(unmeasured, x["i_host_power"], 0.0)
    idle_power = tr.accelerator_power(x["i_tdp"], x["i_idle_power_fraction"],
                                      x["i_host_power"] * x["i_host_idle_fraction"])
    parts = {
        "accelerators": inf.energy_kwh(busy, inf.replica_power(n, accel_power)),
        "host": inf.energy_kwh(busy, inf.replica_power(n, host_power)),
        "idle": inf.energy_kwh(idle, inf.replica_power(n, idle_power)),
    }
    measured = (path == inf.MEASURED_ENERGY_PER_REQUEST) | (path == inf.MEASURED_ENERGY_PER_TOKEN)
    given = xp.where(path == inf.MEASURED_ENERGY_PER_TOKEN,
                     x["i_energy_token"] * x["i_output"], x["i_energy_request"])
    given = xp.where(x["i_energy_facility"] == 1.0, given / x["i_pue"], given)
    it_energy = xp.where(measured, given, parts["accelerators"] + parts["host"] + parts["idle"])
    op = operational_impacts(it_energy, x["i_pue"], x["i_wue"], _grid(x, "i_"))
    emb = embodied_impacts(_per_accelerator(x, "i_"), n * (busy + idle) / 3600.0,
                           x["lifetime_h"])
    out: dict[str, Array] = {
        "inference.replica.accelerators": n, "inference.replica.batch_size": batch,
        "inference.replica.max_batch_size": cap,
        "inference.replica.prefill_seconds": prefill,
        "inference.replica.decode_step_seconds": step,
        "inference.replica.busy_seconds_per_request": busy,
        "inference.replica.idle_seconds_per_request": idle,
        "inference.replica.weight_bytes": weights,
        "inference.replica.usable_memory_bytes": n * x["i_memory"] * x["i_memory_usable_fraction"],
        "inference.replica.kv_cache_bytes_per_token": kv_per_token,
        "inference.it_energy": it_energy,
    }
    _phase(out, "inference", op, emb)
    for name, part in parts.items():  # unknown when the energy was measured as a whole
        out[f"inference.energy_breakdown.{name}"] = xp.where(measured, xp.nan, part)
    out["inference.energy_breakdown.overhead"] = op["energy"] - it_energy
    requests = xp.where(xp.isnan(x["i_requests"]),
                        lc.request_volume(x["i_requests_per_day"], x["i_duration"]),
                        x["i_requests"])
    output_tokens = x["i_output"]
    for impacts, per_token, total in _INFERENCE_VOLUME_KEYS:
        per_request = out[impacts]
        out[per_token] = per_request / output_tokens
        out[total] = per_request * requests
    out["inference.requests"] = requests
    return out


def lifecycle_outputs(out: Mapping[str, Array]) -> dict[str, Array]:
    """Lifecycle totals, amortised per-request impacts, shares and breakeven (lca.lifecycle)."""
    requests = out["inference.requests"]
    result: dict[str, Array] = {"lifecycle.requests": requests}
    for _, training_key, request_key, total_key, amortised, share_t, share_i, breakeven in (
            _LIFECYCLE_KEYS):
        training, per_request = out[training_key], out[request_key]
        total = lc.lifecycle_total(training, per_request, requests)
        result[total_key] = total
        result[amortised] = lc.amortised_per_request(training, per_request, requests)
        result[share_t], result[share_i] = lc.shares(training, total)
        result[breakeven] = lc.breakeven_requests(training, per_request)
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
