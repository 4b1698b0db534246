"""How a deployment serves requests, wired from the inputs by name (docs/inference.md): the
replica (its accelerators, memory cap, prefill), the decode step at a batch (roofline, per-step
floor, collectives) and the power it draws, the deployment from traffic hour by hour (replicas
provisioned or autoscaled, the batch the arrival rate sustains, busy and idle replica time), and
the IT energy of one request. lca.model.graph takes these into the inference phase; the formulas
themselves are the functions of lca.model.inference.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lca import xp
from lca.model import inference as inf
from lca.model import training as tr
from lca.model.derived import active_parameters, capped, zero_if_absent
from lca.model.paths import (
    MEASURED_ENERGY_PER_REQUEST,
    MEASURED_ENERGY_PER_TOKEN,
    MEASURED_THROUGHPUT,
)
from lca.units import HOURS_PER_DAY, J_PER_KWH, SECONDS_PER_HOUR
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
    fits = _step(x, s, high)[0] <= target
    for _ in range(LATENCY_BISECTIONS):
        middle = (low + high) / 2.0
        within = _step(x, s, middle)[0] <= target
        low, high = xp.where(within, middle, low), xp.where(within, high, middle)
    return xp.where(fits, s["cap"], low)


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


def _busy_at(x: Mapping[str, Array], s: Mapping[str, Array], batch: Array
             ) -> tuple[Array, Array, Array, Array]:
    """The decode step at ``batch`` (time, bytes, FLOP) and the replica time a request takes."""
    step, read, flops = _step(x, s, batch)
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
    step, read, flops, busy = _busy_at(x, s, batch)
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


def _replicas_by_hour(x: Mapping[str, Array], needed: np.ndarray) -> np.ndarray:
    """Replicas provisioned in each hour: the given count, else autoscaled to ``needed`` within
    min_replicas (1 when not given) and max_replicas."""
    fixed = xp.hours(x["inference.replicas"])
    low = np.where(np.isnan(xp.hours(x["inference.min_replicas"])), 1.0,
                   xp.hours(x["inference.min_replicas"]))
    return np.where(np.isnan(fixed),
                    inf.autoscaled_replicas(needed, low, xp.hours(x["inference.max_replicas"])),
                    fixed)


def _sustained_batch(hx: Mapping[str, Array], h: Mapping[str, Array], per_replica: np.ndarray
                     ) -> np.ndarray:
    """The decode batch a replica's arrival rate sustains (Little's law: batch = rate x
    latency(batch)), by Newton's method from batch 1, within 1 and the replica's cap; the cap
    where the replica cannot keep up with the rate."""
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
    return batch


def _traffic_load(x: Mapping[str, Array], s: Mapping[str, Array]
                  ) -> tuple[Mapping[str, Array], dict[str, Array], tuple[np.ndarray, ...]]:
    """The inputs and serving figures with an hour axis, and per hour: the arrival rate, a
    replica's capacity, the replicas needed and provisioned, each replica's arrival rate and
    the decode batch it sustains (traffic_by_hour)."""
    rate = _hourly_rate(x)
    h = {k: xp.hours(v) for k, v in s.items()}
    hx = _HourInputs(x)
    capacity = inf.replica_capacity(_busy_at(hx, h, h["cap"])[3])
    needed = inf.replicas_needed(rate, capacity)
    replicas = _replicas_by_hour(x, needed)
    per_replica = np.where(replicas > 0.0, rate / np.where(replicas > 0.0, replicas, 1.0), 0.0)
    batch = _sustained_batch(hx, h, per_replica)
    return hx, h, (rate, capacity, needed, replicas, per_replica, batch)


def _hour_share(hx: Mapping[str, Array], busy: np.ndarray, replicas: np.ndarray,
                per_replica: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per hour: the hour's mean busy time over the request's ``busy`` (hour_mean_busy_ratio),
    the share of the replicas' time busy, and the requests served per second."""
    # the hour's mean busy time: this request's x the ratio a log gives (usage logs), else its
    # own (the request stands for its hour's others); x 1.0 leaves the single estimate exact
    ratio = hour_mean_busy_ratio(hx, busy)
    mean_busy = busy * ratio
    share = inf.busy_share(per_replica, mean_busy)  # of the hour's replica time, busy
    served = replicas * share / mean_busy  # requests/s actually served
    return ratio, share, served


def traffic_by_hour(x: Mapping[str, Array], s: Mapping[str, Array]) -> dict[str, Array]:
    """Deployment from traffic, hour by hour (docs/inference.md): replicas provisioned (given,
    or autoscaled to the load within the bounds), each replica's arrival rate, the decode batch
    that rate sustains (Little's law: batch = rate x latency(batch), solved by iteration from
    batch 1, capped by memory and max_batch_size), busy and idle replica time. Returns the
    per-request figures (request-weighted over the day) and the per-hour energy shares."""
    hx, h, load = _traffic_load(x, s)
    rate, capacity, needed, replicas, per_replica, batch = load
    at = at_batch(hx, h, batch)
    ratio, share, served = _hour_share(hx, at["busy"], replicas, per_replica)
    idle_replica = replicas * (1.0 - share)  # replicas idle on average in the hour
    n = h["n"]
    idle_power = n * (accelerator_idle_power(hx) + hx["inference.hardware.host_power"]
                      * hx["inference.host_idle_fraction"])
    busy_accel = served * at["busy"] * n * at["accel_power"]  # W, averaged over the hour
    busy_host = served * at["busy"] * n * at["host_power"]
    idle_w = idle_replica * idle_power / ratio  # shared by busy time: this request's busy/mean
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
        "inference.replica.idle_seconds_per_request": (idle_replica / ratio).sum(axis=-1)
        / total_served,
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


def hour_mean_busy_ratio(x: Mapping[str, Array], busy: Array) -> Array:
    """The mean busy replica time of the requests of a request's hour over the request's own
    ``busy`` time: ``inference.hour_mean_busy_ratio`` where given, else the hour's mean
    ``inference.hour_mean_busy_seconds`` / ``busy`` where given, else 1 (the request is like
    its hour's others). The hour's idle replica time is shared among its requests by busy
    time, so a request carries ``1 / ratio`` times the hour's mean idle time per request
    (docs/usage.md)."""
    given, mean = x["inference.hour_mean_busy_ratio"], x["inference.hour_mean_busy_seconds"]
    return np.where(np.isnan(given), np.where(np.isnan(mean), 1.0, mean / busy), given)


def busy_seconds_per_request(x: Mapping[str, Array]) -> Array:
    """Busy replica-seconds of a request (``inference.replica.busy_seconds_per_request`` of
    ``deployment``), from the serving figures alone (no power): what a usage log's hour
    shares its idle time by."""
    with np.errstate(divide="ignore", invalid="ignore"):
        s = serving(x)
        on = x["inference.traffic"] == 1.0
        if not xp.any_true(on):
            return replica(x)["inference.replica.busy_seconds_per_request"]
        hx, h, (_, _, _, replicas, per_replica, batch) = _traffic_load(x, s)
        busy = _busy_at(hx, h, batch)[3]
        served = _hour_share(hx, busy, replicas, per_replica)[2]
        traffic = (served * busy).sum(axis=-1) / served.sum(axis=-1)
        if np.all(on):
            return traffic
        return xp.where(on, traffic, replica(x)["inference.replica.busy_seconds_per_request"])


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


TRAFFIC_FIGURES = ("replicas", "replicas_needed", "utilization", "concurrency", "capacity",
                   "busy_replica_hours_per_day", "idle_replica_hours_per_day")
_FROM_TRAFFIC = ("inference.replica.batch_size", "inference.replica.decode_step_seconds",
                 "inference.replica.busy_seconds_per_request",
                 "inference.replica.idle_seconds_per_request",
                 "inference.replica.accelerator_power")


def deployment(x: Mapping[str, Array]) -> tuple[dict[str, Array], Array]:
    """The replica's figures (``replica``), replaced by the deployment the traffic describes
    where the profile gives its traffic (``traffic_by_hour``; traffic figures NaN elsewhere),
    and the per-hour energy shares (last axis; NaN without traffic)."""
    out = replica(x)
    on = x["inference.traffic"] == 1.0
    hourly_share: Array = xp.nan  # per-hour energy shares (last axis), traffic mode only
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
    return out, hourly_share


def requests_per_day(x: Mapping[str, Array]) -> Array:
    """Requests per day: as given, else the volume of the given rate (or hourly rates)."""
    given = x["inference.requests_per_day"]
    if xp.all_nan(x["inference.requests_per_second"]) and xp.all_nan(
            x["inference.hourly_requests_per_second"]):
        return given
    return xp.where(xp.isnan(given), _hourly_rate(x).mean(axis=-1) * SECONDS_PER_DAY, given)
