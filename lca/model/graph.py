"""The model's wiring: every figure of an estimate from its inputs, by name.

``calculate`` takes the inputs that lca.reading makes (named as in lca.quantities: profile fields
by their path, factor inputs such as ``inference.hardware.tdp``) as floats, numpy arrays of any
shape (a table, Monte Carlo samples) or pint quantities (tests), and returns the figures of the
same shape, named by their path in the response (``inference.per_request.gwp``). Derived inputs
(power from TDP and load, hours from count and duration...) are computed here, not while
reading, so that the Monte Carlo varies the factors they come from. The formulas themselves are
the functions of lca.model.training, inference, operational, embodied and lifecycle.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lca import xp
from lca.model import boundary as bd
from lca.model import grid
from lca.model import inference as inf
from lca.model import lifecycle as lc
from lca.model import training as tr
from lca.model.embodied import embodied_impacts, per_accelerator
from lca.model.operational import operational_impacts
from lca.model.paths import (
    MEASURED_ENERGY_PER_REQUEST,
    MEASURED_ENERGY_PER_TOKEN,
    MEASURED_THROUGHPUT,
)
from lca.quantities import EMBODIED_INDICATORS, INDICATORS, dual
from lca.units import HOURS_PER_DAY, J_PER_KWH, SECONDS_PER_HOUR
from lca.xp import Array


def _grid(x: Mapping[str, Array], phase: str) -> dict[str, Array]:
    """The per-kWh factors of a phase's electricity, gwp location-based (lca.model.grid)."""
    return {**{k: x[f"{phase}.grid.{k}"] for k in ("water", "adpe", "pe")},
            "gwp": grid.location_gwp(x, phase)}


def _accounting(x: Mapping[str, Array], out: dict[str, Array], phase: str,
                op: dict[str, Array], location: Array) -> None:
    """GHG Protocol Scope 2 dual reporting of a phase (docs/accounting.md): the location- and
    market-based gwp of its total (NaN when no market data are given, so not shown), and its
    gwp figures on the basis the profile chose. Water, ADPe and PE stay location-based."""
    total = "impacts" if phase == "training" else "per_request"
    market_factor = grid.market_gwp(location, x[f"{phase}.grid.market_gwp"],
                                    x[f"{phase}.grid.residual_gwp"],
                                    x[f"{phase}.grid.renewable_share"])
    market_op = op["energy"] * market_factor
    # The data centre's networking and storage draw the same purchased electricity; the user's
    # device and the network transfer are other parties' electricity and stay location-based.
    network = out.get(f"{phase}.stages.network_storage.energy", 0.0)
    location_total = out[f"{phase}.{total}.gwp"]
    market_total = location_total + (op["energy"] + network) * (market_factor - location)
    location_path, market_path = _TOTAL_BASES[phase]
    out[location_path] = location_total
    out[market_path] = market_total
    is_market = x["accounting_is_market"] == 1.0
    out[f"{phase}.{total}.gwp"] = xp.where(is_market, market_total, location_total)
    out[f"{phase}.operational.gwp"] = xp.where(is_market, market_op, op["gwp"])


_BASES = ("location", "market")
_DUAL = {phase: tuple(dual(block, basis) for block in blocks for basis in _BASES)
         for phase, blocks in (("training", ("training.impacts",)),
                               ("inference", ("inference.per_request", "inference.total")),
                               ("lifecycle", ("lifecycle.total", "lifecycle.per_request")))}
_TOTAL_BASES = {"training": tuple(dual("training.impacts", b) for b in _BASES),
                "inference": tuple(dual("inference.per_request", b) for b in _BASES)}
_LIFECYCLE_BASES = tuple((dual("training.impacts", b), dual("inference.per_request", b),
                          dual("inference.total", b), dual("lifecycle.total", b),
                          dual("lifecycle.per_request", b)) for b in _BASES)


def _show_dual(x: Mapping[str, Array], out: dict[str, Array]) -> None:
    """The location- and market-based figures kept where market data are given (the lifecycle
    where either phase has them), NaN elsewhere (their ``when`` then hides them)."""
    shown = {phase: grid.market_data_given(x, phase) for phase in ("training", "inference")
             if f"{phase}.path" in x}
    if len(shown) == 2:
        shown["lifecycle"] = shown["training"] | shown["inference"]
    for phase, given in shown.items():
        for path in _DUAL[phase]:
            out[path] = xp.where(given, out[path], xp.nan)


def _phase(out: dict[str, Array], phase: str, op: dict[str, Array], emb: dict[str, Array],
           stages: dict[str, dict[str, Array]]) -> None:
    """Store a phase's operational, embodied, stage and total impacts with the water parts: the
    total is operational + embodied (chips) + every stage of the boundary."""
    total = "impacts" if phase == "training" else "per_request"
    for k in INDICATORS:
        out[f"{phase}.operational.{k}"] = op[k]
        value = op[k] + emb[k] if k in emb else op[k]
        if k in emb:
            out[f"{phase}.embodied.{k}"] = emb[k]
        for stage, figures in stages.items():
            if k in figures:
                out[f"{phase}.stages.{stage}.{k}"] = figures[k]
                value = value + figures[k]
        out[f"{phase}.{total}.{k}"] = value
    out[f"{phase}.water.onsite"] = op["water_onsite"]
    out[f"{phase}.water.offsite"] = op["water_offsite"]
    out[f"{phase}.water.manufacturing"] = emb["water"]


def _per_accelerator(x: Mapping[str, Array], phase: str) -> dict[str, Array]:
    return {k: per_accelerator(x[f"{phase}.hardware.embodied_{k}"],
                               x[f"{phase}.hardware.host_embodied_{k}"])
            for k in EMBODIED_INDICATORS}


def _datacenter_stages(x: Mapping[str, Array], phase: str, accelerator_hours: Array,
                       it_energy: Array, emb: dict[str, Array]) -> dict[str, dict[str, Array]]:
    """The data-centre building and the networking and storage equipment of a phase's use of
    ``accelerator_hours`` (lca.model.boundary); zero when the boundary leaves them out."""
    capacity = bd.it_capacity_hours(accelerator_hours, x[f"{phase}.hardware.tdp"],
                                    x[f"{phase}.hardware.host_power"])
    share = x["boundary.network_storage_share"]
    network = operational_impacts(bd.network_storage(it_energy, share),
                                  x[f"{phase}.datacenter.pue"], x[f"{phase}.datacenter.wue"],
                                  _grid(x, phase))
    for k in EMBODIED_INDICATORS:
        network[k] = network[k] + bd.network_storage(emb[k], share)
    return {"datacenter_building": {"gwp": bd.datacenter_building(
                capacity, x["boundary.datacenter_building_gwp"],
                x["boundary.datacenter_lifetime"])},
            "network_storage": network}


def _user_stages(x: Mapping[str, Array]) -> dict[str, dict[str, Array]]:
    """The end-user device and the network transfer of one request, on the inference grid."""
    factors = _grid(x, "inference")
    reading = bd.reading_seconds(x["inference.output_tokens"], x["boundary.reading_speed"])
    device = bd.end_user_device_energy(reading, x["boundary.end_user_device_power"])
    transfer = bd.network_transfer_energy(
        x["inference.input_tokens"] + x["inference.output_tokens"],
        x["boundary.bytes_per_token"], x["boundary.network_energy_per_byte"])
    return {"end_user_device": bd.grid_impacts(device, factors),
            "network_transfer": bd.grid_impacts(transfer, factors)}


def _active(x: Mapping[str, Array]) -> Array:
    """Active parameters, never above the total (sampled ranges of the two could cross)."""
    return xp.minimum(x["model.active_parameters"], x["model.parameters"])


def training_outputs(x: Mapping[str, Array]) -> dict[str, Array]:
    """Training accelerator-hours, IT energy and impacts (module doc)."""
    path, overhead, pue = x["training.path"], x["training.overhead"], x["training.datacenter.pue"]
    measured_power = x["training.power_per_accelerator"]
    power = xp.where(xp.isnan(measured_power),
                     tr.accelerator_power(x["training.hardware.tdp"], x["training.load_factor"],
                                          x["training.hardware.host_power"]),
                     measured_power)
    given_hours = x["training.accelerator_hours"]
    hours_given = xp.where(xp.isnan(given_hours),
                           x["training.accelerator_count"] * x["training.duration"], given_hours)
    energy = x["training.energy"]
    energy_given = xp.where(x["training.energy_is_facility"] == 1.0, energy / pue, energy)
    compute = xp.where(xp.isnan(x["training.compute"]),
                       tr.training_compute(_active(x), x["training.tokens"],
                                           x["training.flops_per_parameter_token"]),
                       x["training.compute"])
    achieved = x["training.achieved_flops"]
    sparse = xp.where(_active(x) < x["model.parameters"], x["training.sparse_mfu_factor"], 1.0)
    flops = xp.where(xp.isnan(achieved),
                     x["training.hardware.peak_flops"] * x["training.utilization"] * sparse,
                     achieved)
    hours = tr.accelerator_hours(path, hours_given, energy_given, compute, flops, power, overhead)
    it_energy = tr.it_energy(path, energy_given, hours, power, overhead)
    site = _grid(x, "training")
    op = operational_impacts(it_energy, pue, x["training.datacenter.wue"], site)
    emb = embodied_impacts(_per_accelerator(x, "training"), hours, x["hardware_lifetime"])
    out: dict[str, Array] = {"training.accelerator_hours": hours,
                             "training.it_energy": it_energy, "training.compute": compute}
    _phase(out, "training", op, emb, _datacenter_stages(x, "training", hours, it_energy, emb))
    _accounting(x, out, "training", op, site["gwp"])
    return out


def kv_cache_bytes_per_token(x: Mapping[str, Array]) -> Array:
    """KV-cache bytes per token: latent attention, grouped-query attention, or the estimate
    (from the active parameters: a mixture of experts' attention scales with its active
    size, not with the experts it holds)."""
    value_bytes, layers = x["model.kv_cache_bytes_per_value"], x["model.layers"]
    latent = inf.latent_kv_bytes_per_token(layers, x["model.kv_lora_rank"], x["model.head_dim"],
                                           value_bytes)
    grouped = inf.kv_bytes_per_token(layers, x["model.kv_heads"], x["model.head_dim"],
                                     value_bytes)
    estimated = inf.kv_bytes_per_token_estimate(_active(x), x["model.kv_bytes_coefficient"],
                                                value_bytes)
    return xp.where(xp.isnan(x["model.kv_bytes_coefficient"]),
                    xp.where(xp.isnan(x["model.kv_lora_rank"]), grouped, latent), estimated)


def _zero_if_absent(value: Array) -> Array:
    """A method constant a pinned older factor set lacks (NaN) as the neutral 0."""
    return xp.where(xp.isnan(value), 0.0, value)


def _capped(value: Array, cap: Array) -> Array:
    """``value`` at most ``cap``, where a cap is given (NaN: none)."""
    return xp.where(xp.isnan(cap), value, xp.minimum(value, cap))


def _accelerator_idle_power(x: Mapping[str, Array]) -> Array:
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
    sizing_batch = _capped(x["inference.batch_size"], server_cap)
    sized = inf.replica_accelerators(weights, x["inference.weight_memory_overhead"],
                                     sizing_batch * kv_per_token * context, memory, usable)
    n = xp.where(xp.isnan(x["inference.accelerators"]), sized, x["inference.accelerators"])
    cap = _capped(inf.max_batch(n, memory, usable, weights, kv_per_token, context), server_cap)
    active = _active(x)
    flops_pt = x["inference.flops_per_parameter_token"]
    width = inf.attention_width(active, x["model.layers"], x["inference.model_aspect_ratio"])
    attention = x["inference.attention_flops_coefficient"]
    prefill_flops_pt = flops_pt * active + _zero_if_absent(inf.attention_flops_per_token(
        width, inf.prefill_attention_context(input_tokens), attention))
    prefill = inf.prefill_seconds(prefill_flops_pt, input_tokens, 1.0, n, peak,
                                  prefill_efficiency)
    default_layers = x["inference.default_layers"]
    floor = _zero_if_absent(inf.step_floor(x["model.layers"], x["inference.step_floor_per_layer"],
                                           default_layers))
    comm = _zero_if_absent(inf.communication_seconds(n, x["model.layers"], default_layers,
                                                     x["inference.collective_latency"]))
    return {"n": n, "cap": cap, "weights": weights, "kv_per_token": kv_per_token,
            "context": context, "active": active, "prefill": prefill,
            "prefill_flops": prefill_flops_pt * input_tokens,
            "decode_flops_per_token": flops_pt * active + _zero_if_absent(
                inf.attention_flops_per_token(width, context, attention)),
            "floor": floor, "comm": comm, "memory": memory, "usable": usable}


def _step(x: Mapping[str, Array], s: Mapping[str, Array], batch: Array
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


def at_batch(x: Mapping[str, Array], s: Mapping[str, Array], batch: Array
              ) -> dict[str, Array]:
    """The decode step at ``batch`` (any shape that broadcasts with the inputs): its time, the
    replica time a request takes, and the accelerator and host power while busy."""
    n, peak = s["n"], x["inference.hardware.peak_flops"]
    bandwidth = x["inference.hardware.memory_bandwidth"]
    step, read, flops = _step(x, s, batch)
    output_tokens = x["inference.output_tokens"]
    busy = xp.where(x["inference.path"] == MEASURED_THROUGHPUT,
                    output_tokens / x["inference.output_throughput"],
                    inf.replica_seconds_per_request(s["prefill"], step, output_tokens, batch))
    decode_share = xp.minimum(xp.maximum((busy - s["prefill"]) / busy, 0.0), 1.0)
    # power: load-following where the factor set has the slopes, else the flat TDP x load
    idle, tdp = _accelerator_idle_power(x), x["inference.hardware.tdp"]
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


SECONDS_PER_DAY = HOURS_PER_DAY * SECONDS_PER_HOUR
CONVERGED = 1e-6  # relative change of the batch at which the iteration stops
TRAFFIC_ITERATIONS = 30  # at most: Newton steps of batch = rate x latency(batch)


def _hourly_rate(x: Mapping[str, Array]) -> np.ndarray:
    """Arrival rate (requests/s) in each hour of the day (last axis: 24 values, or 1 when the
    rate is the same all day): the hourly values, else the rate, else requests per day."""
    hourly = x["inference.hourly_requests_per_second"]
    flat = xp.where(xp.isnan(x["inference.requests_per_second"]),
                    x["inference.requests_per_day"] / SECONDS_PER_DAY,
                    x["inference.requests_per_second"])
    if np.ndim(hourly) and np.shape(hourly)[-1] == HOURS_PER_DAY:
        return np.where(np.isnan(hourly), xp.hours(flat), hourly)
    return xp.hours(flat)


def traffic_by_hour(x: Mapping[str, Array], s: Mapping[str, Array]) -> dict[str, Array]:
    """Deployment from traffic, hour by hour (docs/inference.md): replicas provisioned (given,
    or autoscaled to the load within the bounds), each replica's arrival rate, the decode batch
    that rate sustains (Little's law: batch = rate x latency(batch), solved by iteration from
    batch 1, capped by memory and max_batch_size), busy and idle replica time. Returns the
    per-request figures (request-weighted over the day) and the per-hour energy shares."""
    rate = _hourly_rate(x)
    h = {k: xp.hours(v) for k, v in s.items()}
    hx = _HourInputs(x)
    at_cap = at_batch(hx, h, h["cap"])
    capacity = inf.replica_capacity(at_cap["busy"])
    needed = inf.replicas_needed(rate, capacity)
    fixed = xp.hours(x["inference.replicas"])
    low = np.where(np.isnan(xp.hours(x["inference.min_replicas"])), 1.0,
                   xp.hours(x["inference.min_replicas"]))
    replicas = np.where(np.isnan(fixed),
                        inf.autoscaled_replicas(needed, low, xp.hours(x["inference.max_replicas"])),
                        fixed)
    per_replica = np.where(replicas > 0.0, rate / np.where(replicas > 0.0, replicas, 1.0), 0.0)
    batch = np.ones_like(per_replica * h["cap"])
    prefill, output_tokens = h["prefill"], hx["inference.output_tokens"]
    cap = h["cap"]
    for _ in range(TRAFFIC_ITERATIONS):  # Newton on rate x latency(b) - b = 0, from b = 1
        latency = prefill + output_tokens * _step(hx, h, batch)[0]
        nudged = batch * (1.0 + CONVERGED) + CONVERGED
        slope = (prefill + output_tokens * _step(hx, h, nudged)[0] - latency) / (nudged - batch)
        excess = inf.concurrency(per_replica, latency) - batch
        falling = per_replica * slope - 1.0  # < 0 while a replica keeps up with the rate
        newton = batch - excess / np.where(falling < 0.0, falling, -1.0)
        previous = batch
        batch = xp.clip(np.where(falling < 0.0, newton, cap), 1.0, cap)
        if np.all(np.abs(batch - previous) <= CONVERGED * batch):
            break
    at = at_batch(hx, h, batch)
    share = inf.busy_share(per_replica, at["busy"])
    served = replicas * share / at["busy"]  # requests/s actually served
    idle_replica = replicas * (1.0 - share)  # replicas idle on average in the hour
    n = h["n"]
    idle_power = n * (_accelerator_idle_power(hx) + hx["inference.hardware.host_power"]
                      * hx["inference.host_idle_fraction"])
    busy_accel = served * at["busy"] * n * at["accel_power"]  # W, averaged over the hour
    busy_host = served * at["busy"] * n * at["host_power"]
    idle_w = idle_replica * idle_power
    total_served = served.sum(axis=-1)
    hourly_energy = busy_accel + busy_host + idle_w
    per_request = {k: v.sum(axis=-1) / total_served / J_PER_KWH
                   for k, v in (("accelerators", busy_accel), ("host", busy_host),
                                ("idle", idle_w))}
    hours_in_axis = rate.shape[-1]
    day = HOURS_PER_DAY / hours_in_axis  # hours each value of the last axis stands for
    return {
        "inference.replica.batch_size": (served * batch).sum(axis=-1) / total_served,
        "inference.replica.decode_step_seconds": (served * at["step"]).sum(axis=-1)
        / total_served,
        "inference.replica.busy_seconds_per_request": (served * at["busy"]).sum(axis=-1)
        / total_served,
        "inference.replica.idle_seconds_per_request": idle_replica.sum(axis=-1) / total_served,
        "inference.replica.accelerator_power": (served * at["busy"] * at["accel_power"]).sum(
            axis=-1) / (served * at["busy"]).sum(axis=-1),
        "inference.traffic.replicas": replicas.mean(axis=-1),
        "inference.traffic.replicas_needed": needed.max(axis=-1),
        "inference.traffic.utilization": (replicas * share).sum(axis=-1) / replicas.sum(axis=-1),
        "inference.traffic.concurrency": (served * inf.concurrency(per_replica, at["latency"])
                                          ).sum(axis=-1) / total_served,
        "inference.traffic.capacity": capacity.mean(axis=-1),
        "inference.traffic.busy_replica_hours_per_day": (replicas * share).sum(axis=-1) * day,
        "inference.traffic.idle_replica_hours_per_day": idle_replica.sum(axis=-1) * day,
        "_parts": per_request,
        "inference.hourly_energy_share": hourly_energy / hourly_energy.sum(axis=-1,
                                                                           keepdims=True),
    }


class _HourInputs(Mapping[str, Array]):
    """The inputs with an hour axis appended, made when first read."""

    def __init__(self, x: Mapping[str, Array]) -> None:
        self._x = x
        self._made: dict[str, Array] = {}

    def __getitem__(self, key: str) -> Array:
        if key not in self._made:
            self._made[key] = xp.hours(self._x[key])
        return self._made[key]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._x)

    def __len__(self) -> int:
        return len(self._x)


def request_energy(x: Mapping[str, Array], r: Mapping[str, Array]
                   ) -> tuple[Array, dict[str, Array], Array]:
    """IT energy of one request (kWh), its parts (busy accelerators, busy hosts, idle capacity)
    and whether it was measured as a whole, from the replica ``r``."""
    n = r["inference.replica.accelerators"]
    busy = r["inference.replica.busy_seconds_per_request"]
    idle = r["inference.replica.idle_seconds_per_request"]
    host = x["inference.hardware.host_power"]
    idle_power = _accelerator_idle_power(x) + host * x["inference.host_idle_fraction"]
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


TRAFFIC_FIGURES = ("replicas", "replicas_needed", "utilization", "concurrency", "capacity",
                   "busy_replica_hours_per_day", "idle_replica_hours_per_day")
_FROM_TRAFFIC = ("inference.replica.batch_size", "inference.replica.decode_step_seconds",
                 "inference.replica.busy_seconds_per_request",
                 "inference.replica.idle_seconds_per_request",
                 "inference.replica.accelerator_power")


def inference_outputs(x: Mapping[str, Array]) -> dict[str, Array]:
    """Per-request inference impacts, replica sizing and roofline times (module doc); with
    traffic inputs, the deployment they describe (``traffic_by_hour``)."""
    out = replica(x)
    on = x["inference.traffic"] == 1.0
    hourly_share: Array = xp.nan  # per-hour energy shares (last axis), traffic mode only
    requests_per_day = x["inference.requests_per_day"]
    if xp.any_true(on):  # a shortcut only: every figure below is selected element-wise
        with np.errstate(divide="ignore", invalid="ignore"):  # a day without requests: NaN
            t = traffic_by_hour(x, serving(x))
        out["_parts"] = t.pop("_parts")
        hourly_share = t.pop("inference.hourly_energy_share")
        for name in _FROM_TRAFFIC:
            out[name] = xp.where(on, t[name], out[name])
        for name in TRAFFIC_FIGURES:
            out[f"inference.traffic.{name}"] = xp.where(on, t[f"inference.traffic.{name}"],
                                                        xp.nan)
    else:
        busy = out["inference.replica.busy_seconds_per_request"] * xp.nan
        count = out["inference.replica.batch_size"] * xp.nan  # NaN, of the outputs' shape
        for name in TRAFFIC_FIGURES:
            out[f"inference.traffic.{name}"] = (count if "hours" not in name else busy)
        out["inference.traffic.capacity"] = 1.0 / busy
    if xp.any_true(on) and not xp.all_nan(x["inference.grid.gwp_hourly"]):
        # an hourly grid profile is weighted by each hour's share of the energy (lca.model.grid)
        x = {**x, "inference.hourly_energy_share": hourly_share}
    if not (xp.all_nan(x["inference.requests_per_second"])
            and xp.all_nan(x["inference.hourly_requests_per_second"])):  # the volume of a rate
        requests_per_day = xp.where(xp.isnan(requests_per_day),
                                    _hourly_rate(x).mean(axis=-1) * SECONDS_PER_DAY,
                                    requests_per_day)
    it_energy, parts, measured = request_energy(x, out)
    out.pop("_parts", None)
    out.pop("_host_power")
    site = _grid(x, "inference")
    op = operational_impacts(it_energy, x["inference.datacenter.pue"],
                             x["inference.datacenter.wue"], site)
    replica_hours = out["inference.replica.accelerators"] * (
        out["inference.replica.busy_seconds_per_request"]
        + out["inference.replica.idle_seconds_per_request"]) / SECONDS_PER_HOUR
    emb = embodied_impacts(_per_accelerator(x, "inference"), replica_hours,
                           x["hardware_lifetime"])
    out["inference.it_energy"] = it_energy
    _phase(out, "inference", op, emb, {
        **_datacenter_stages(x, "inference", replica_hours, it_energy, emb), **_user_stages(x)})
    _accounting(x, out, "inference", op, site["gwp"])
    for name, part in parts.items():  # unknown when the energy was measured as a whole
        out[f"inference.energy_breakdown.{name}"] = xp.where(measured, xp.nan, part)
    out["inference.energy_breakdown.overhead"] = op["energy"] - it_energy
    requests = xp.where(xp.isnan(x["inference.requests"]),
                        lc.request_volume(requests_per_day, x["inference.duration"]),
                        x["inference.requests"])
    for k in INDICATORS:
        per_request = out[f"inference.per_request.{k}"]
        out[f"inference.per_output_token.{k}"] = per_request / x["inference.output_tokens"]
        out[f"inference.total.{k}"] = per_request * requests
    for _, per_request_path, total_path, _, _ in _LIFECYCLE_BASES:
        out[total_path] = out[per_request_path] * requests
    out["inference.requests"] = requests
    return out


def lifecycle_outputs(out: Mapping[str, Array]) -> dict[str, Array]:
    """Lifecycle totals, amortised per-request impacts, shares and breakeven (lca.lifecycle)."""
    requests = out["inference.requests"]
    result: dict[str, Array] = {"lifecycle.requests": requests}
    for k in INDICATORS:
        training, per_request = out[f"training.impacts.{k}"], out[f"inference.per_request.{k}"]
        total = lc.lifecycle_total(training, per_request, requests)
        result[f"lifecycle.total.{k}"] = total
        result[f"lifecycle.per_request.{k}"] = lc.amortised_per_request(training, per_request,
                                                                        requests)
        result[f"lifecycle.shares.training.{k}"], result[f"lifecycle.shares.inference.{k}"] = (
            lc.shares(training, total))
        result[f"lifecycle.breakeven_requests.{k}"] = lc.breakeven_requests(training, per_request)
    for training_path, per_request_path, _, total_path, amortised_path in _LIFECYCLE_BASES:
        training, per_request = out[training_path], out[per_request_path]
        result[total_path] = lc.lifecycle_total(training, per_request, requests)
        result[amortised_path] = lc.amortised_per_request(training, per_request, requests)
    return result


def calculate(x: Mapping[str, Array]) -> dict[str, Array]:
    """Every output figure from resolved inputs; the phases present follow the inputs present."""
    out: dict[str, Array] = {}
    if "training.path" in x:
        out.update(training_outputs(x))
    if "inference.path" in x:
        out.update(inference_outputs(x))
    if "training.path" in x and "inference.path" in x:
        out.update(lifecycle_outputs(out))
    _show_dual(x, out)
    return out
