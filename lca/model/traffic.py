"""The deployment from traffic, hour by hour (docs/inference.md, "Deployment from traffic"):
replicas provisioned or autoscaled to each hour's arrival rate, the decode batch that rate
sustains (Little's law), busy and idle replica time and the per-request figures they give, with
the idle time of an hour shared among its requests by busy time (docs/usage.md); and the
``deployment`` that lca.model.graph takes: the replica of lca.model.serving, replaced by these
figures where the profile gives its traffic.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lca import xp
from lca.model import inference as inf
from lca.model.serving import (
    accelerator_idle_power,
    at_batch,
    busy_at,
    decode_step,
    replica,
    serving,
)
from lca.units import HOURS_PER_DAY, J_PER_KWH, SECONDS_PER_HOUR
from lca.xp import Array

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
        latency = prefill + output_tokens * decode_step(hx, h, batch)[0]
        nudged = batch * (1.0 + CONVERGED) + CONVERGED
        nudged_latency = prefill + output_tokens * decode_step(hx, h, nudged)[0]
        slope = (nudged_latency - latency) / (nudged - batch)
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
    capacity = inf.replica_capacity(busy_at(hx, h, h["cap"])[3])
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
        busy = busy_at(hx, h, batch)[3]
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
