"""How a deployment serves requests, wired from the inputs by name (docs/inference.md): the
replica (its accelerators, memory cap, prefill), the decode step at a batch (roofline, per-step
floor, collectives) and the power it draws, and the IT energy of one request; the deployment
from traffic hour by hour is lca.model.traffic. lca.model.graph takes these into the inference
phase; the formulas themselves are the functions of lca.model.inference.
"""

from __future__ import annotations

from collections.abc import Mapping

from lca import xp
from lca.model import inference as inf
from lca.model import training as tr
from lca.model.derived import active_parameters, capped, zero_if_absent
from lca.model.paths import (
    MEASURED_ENERGY_PER_REQUEST,
    MEASURED_ENERGY_PER_TOKEN,
    MEASURED_THROUGHPUT,
)
from lca.xp import Array


def kv_cache_bytes_per_token(x: Mapping[str, Array]) -> Array:
    """KV-cache bytes per token: latent attention, grouped-query attention, or the estimate
    (from the active parameters: a mixture of experts' attention scales with its active
    size, not with the experts it holds)."""
    value_bytes, layers = x["model.kv_cache_bytes_per_value"], x["model.layers"]
    latent = inf.latent_kv_bytes_per_token(layers, x["model.kv_lora_rank"], x["model.head_dim"],
                                           value_bytes)
    grouped = inf.kv_bytes_per_token(layers, x["model.kv_heads"], x["model.head_dim"],
                                     value_bytes)
    estimated = inf.kv_bytes_per_token_estimate(active_parameters(x),
                                                x["model.kv_bytes_coefficient"], value_bytes)
    return xp.where(xp.isnan(x["model.kv_bytes_coefficient"]),
                    xp.where(xp.isnan(x["model.kv_lora_rank"]), grouped, latent), estimated)


def accelerator_idle_power(x: Mapping[str, Array]) -> Array:
    """Idle power (W) of one accelerator: the hardware's own figure, else TDP x idle share."""
    measured = x["inference.hardware.idle_power"]
    return xp.where(xp.isnan(measured),
                    x["inference.hardware.tdp"] * x["inference.idle_power_fraction"], measured)


def serving(x: Mapping[str, Array]) -> dict[str, Array]:
    """What does not depend on the batch: the replica, its memory cap and the prefill."""
    kv_per_token = kv_cache_bytes_per_token(x)
    weights = inf.weight_bytes(x["model.parameters"], x["model.bytes_per_parameter"])
    input_tokens, output_tokens = x["inference.input_tokens"], x["inference.output_tokens"]
    context = inf.mean_context(input_tokens, output_tokens)
    memory, usable = x["inference.hardware.memory"], x["inference.memory_usable_fraction"]
    peak, prefill_efficiency = x["inference.hardware.peak_flops"], x["inference.prefill_efficiency"]
    server_cap = x["inference.max_batch_size"]
    sizing_batch = capped(x["inference.batch_size"], server_cap)
    sized = inf.replica_accelerators(weights, x["inference.weight_memory_overhead"],
                                     sizing_batch * kv_per_token * context, memory, usable)
    n = xp.where(xp.isnan(x["inference.accelerators"]), sized, x["inference.accelerators"])
    cap = capped(inf.max_batch(n, memory, usable, weights, kv_per_token, context), server_cap)
    active = active_parameters(x)
    flops_pt = x["inference.flops_per_parameter_token"]
    width = inf.attention_width(active, x["model.layers"], x["inference.model_aspect_ratio"])
    attention = x["inference.attention_flops_coefficient"]
    prefill_flops_pt = flops_pt * active + zero_if_absent(inf.attention_flops_per_token(
        width, inf.prefill_attention_context(input_tokens), attention))
    prefill = inf.prefill_seconds(prefill_flops_pt, input_tokens, 1.0, n, peak,
                                  prefill_efficiency)
    default_layers = x["inference.default_layers"]
    floor = zero_if_absent(inf.step_floor(x["model.layers"], x["inference.step_floor_per_layer"],
                                           default_layers))
    comm = zero_if_absent(inf.communication_seconds(n, x["model.layers"], default_layers,
                                                     x["inference.collective_latency"]))
    s = {"n": n, "cap": cap, "weights": weights, "kv_per_token": kv_per_token,
         "context": context, "active": active, "prefill": prefill,
         "prefill_flops": prefill_flops_pt * input_tokens,
         "decode_flops_per_token": flops_pt * active + zero_if_absent(
             inf.attention_flops_per_token(width, context, attention)),
         "floor": floor, "comm": comm, "memory": memory, "usable": usable}
    target = x["inference.max_token_latency"]
    if not xp.all_nan(target):  # a shortcut only: a NaN target caps nothing
        s["cap"] = capped(cap, _latency_batch(x, s, target))
    return s


LATENCY_BISECTIONS = 40  # halvings of the batch interval: 2^-40 of the memory cap


def _latency_batch(x: Mapping[str, Array], s: Mapping[str, Array], target: Array) -> Array:
    """The largest batch whose decode step takes at most ``target`` seconds (a latency target
    between output tokens), by bisection between 1 and the memory cap (the step grows with the
    batch); 1 when even one request's step is slower (a warning says so), NaN without a
    target."""
    low, high = 1.0 + 0.0 * target, s["cap"] + 0.0 * target
    fits = decode_step(x, s, high)[0] <= target
    for _ in range(LATENCY_BISECTIONS):
        middle = (low + high) / 2.0
        within = decode_step(x, s, middle)[0] <= target
        low, high = xp.where(within, middle, low), xp.where(within, high, middle)
    return xp.where(fits, s["cap"], low)


def decode_step(x: Mapping[str, Array], s: Mapping[str, Array], batch: Array
          ) -> tuple[Array, Array, Array]:
    """The decode step at ``batch``: its time (roofline, floor, collectives), bytes and FLOP."""
    read = (s["weights"] * inf.weight_read_fraction(x["model.parameters"], s["active"], batch)
            + batch * s["kv_per_token"] * s["context"])
    flops = s["decode_flops_per_token"] * batch
    bandwidth = x["inference.hardware.memory_bandwidth"]
    roofline = inf.decode_step_seconds(read, flops, s["n"], bandwidth,
                                       x["inference.decode_bandwidth_efficiency"],
                                       x["inference.hardware.peak_flops"],
                                       x["inference.prefill_efficiency"])
    return xp.maximum(roofline, s["floor"]) + s["comm"], read, flops


def busy_at(x: Mapping[str, Array], s: Mapping[str, Array], batch: Array
             ) -> tuple[Array, Array, Array, Array]:
    """The decode step at ``batch`` (time, bytes, FLOP) and the replica time a request takes."""
    step, read, flops = decode_step(x, s, batch)
    output_tokens = x["inference.output_tokens"]
    busy = xp.where(x["inference.path"] == MEASURED_THROUGHPUT,
                    output_tokens / x["inference.output_throughput"],
                    inf.replica_seconds_per_request(s["prefill"], step, output_tokens, batch))
    return step, read, flops, busy


def at_batch(x: Mapping[str, Array], s: Mapping[str, Array], batch: Array
              ) -> dict[str, Array]:
    """The decode step at ``batch`` (any shape that broadcasts with the inputs): its time, the
    replica time a request takes, and the accelerator and host power while busy."""
    n, peak = s["n"], x["inference.hardware.peak_flops"]
    bandwidth = x["inference.hardware.memory_bandwidth"]
    step, read, flops, busy = busy_at(x, s, batch)
    output_tokens = x["inference.output_tokens"]
    decode_share = xp.minimum(xp.maximum((busy - s["prefill"]) / busy, 0.0), 1.0)
    # power: load-following where the factor set has the slopes, else the flat TDP x load
    idle, tdp = accelerator_idle_power(x), x["inference.hardware.tdp"]
    slope_b, slope_c = x["inference.power_bandwidth_slope"], x["inference.power_compute_slope"]
    decode_power = inf.load_power(idle, tdp, inf.utilization(read, step, n, bandwidth),
                                  inf.utilization(flops, step, n, peak), slope_b, slope_c)
    prefill_power = inf.load_power(idle, tdp, 0.0, x["inference.prefill_efficiency"], slope_b,
                                   slope_c)
    following = prefill_power * (1.0 - decode_share) + decode_power * decode_share
    measured_power = x["inference.power_per_accelerator"]
    unmeasured = xp.isnan(measured_power)
    flat = tr.accelerator_power(tdp, x["inference.load_factor"], 0.0)
    accel_power = xp.where(unmeasured, xp.where(xp.isnan(slope_b), flat, following),
                           measured_power)
    return {"step": step, "busy": busy, "latency": s["prefill"] + output_tokens * step,
            "accel_power": accel_power,
            "host_power": xp.where(unmeasured, x["inference.hardware.host_power"], 0.0)}


def replica(x: Mapping[str, Array]) -> dict[str, Array]:
    """How one replica serves at the given batch and fleet utilization: its size, batch and
    roofline times per request (module doc); ``traffic_by_hour`` replaces batch and idle time where
    the profile gives its traffic."""
    s = serving(x)
    batch = xp.minimum(x["inference.batch_size"], s["cap"])
    b = at_batch(x, s, batch)
    idle = inf.idle_seconds(b["busy"], x["inference.fleet_utilization"])
    return {
        "inference.replica.accelerators": s["n"], "inference.replica.batch_size": batch,
        "inference.replica.max_batch_size": s["cap"],
        "inference.replica.prefill_seconds": s["prefill"],
        "inference.replica.decode_step_seconds": b["step"],
        "inference.replica.busy_seconds_per_request": b["busy"],
        "inference.replica.idle_seconds_per_request": idle,
        "inference.replica.weight_bytes": s["weights"],
        "inference.replica.usable_memory_bytes": s["n"] * s["memory"] * s["usable"],
        "inference.replica.kv_cache_bytes_per_token": s["kv_per_token"],
        "inference.replica.accelerator_power": b["accel_power"],
        "_host_power": b["host_power"],
    }


def request_energy(x: Mapping[str, Array], r: Mapping[str, Array]
                   ) -> tuple[Array, dict[str, Array], Array]:
    """IT energy of one request (kWh), its parts (busy accelerators, busy hosts, idle capacity)
    and whether it was measured as a whole, from the replica ``r``."""
    n = r["inference.replica.accelerators"]
    busy = r["inference.replica.busy_seconds_per_request"]
    idle = r["inference.replica.idle_seconds_per_request"]
    host = x["inference.hardware.host_power"]
    idle_power = accelerator_idle_power(x) + host * x["inference.host_idle_fraction"]
    parts = {
        "accelerators": inf.energy_kwh(busy, inf.replica_power(
            n, r["inference.replica.accelerator_power"])),
        "host": inf.energy_kwh(busy, inf.replica_power(n, r["_host_power"])),
        "idle": inf.energy_kwh(idle, inf.replica_power(n, idle_power)),
    }
    traffic = r.get("_parts")
    if traffic is not None:
        on = x["inference.traffic"] == 1.0
        parts = {k: xp.where(on, traffic[k], v) for k, v in parts.items()}
    path = x["inference.path"]
    measured = (path == MEASURED_ENERGY_PER_REQUEST) | (path == MEASURED_ENERGY_PER_TOKEN)
    given = xp.where(path == MEASURED_ENERGY_PER_TOKEN,
                     x["inference.energy_per_output_token"] * x["inference.output_tokens"],
                     x["inference.energy_per_request"])
    given = xp.where(x["inference.energy_is_facility"] == 1.0,
                     given / x["inference.datacenter.pue"], given)
    it_energy = xp.where(measured, given, parts["accelerators"] + parts["host"] + parts["idle"])
    return it_energy, parts, measured
