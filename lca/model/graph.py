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
from lca.units import SECONDS_PER_HOUR
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
    """KV-cache bytes per token: latent attention, grouped-query attention, or the estimate."""
    value_bytes, layers = x["model.kv_cache_bytes_per_value"], x["model.layers"]
    latent = inf.latent_kv_bytes_per_token(layers, x["model.kv_lora_rank"], x["model.head_dim"],
                                           value_bytes)
    grouped = inf.kv_bytes_per_token(layers, x["model.kv_heads"], x["model.head_dim"],
                                     value_bytes)
    estimated = inf.kv_bytes_per_token_estimate(x["model.parameters"],
                                                x["model.kv_bytes_coefficient"], value_bytes)
    return xp.where(xp.isnan(x["model.kv_bytes_coefficient"]),
                    xp.where(xp.isnan(x["model.kv_lora_rank"]), grouped, latent), estimated)


def replica(x: Mapping[str, Array]) -> dict[str, Array]:
    """How one replica serves: its size, batch and roofline times per request (module doc)."""
    kv_per_token = kv_cache_bytes_per_token(x)
    weights = inf.weight_bytes(x["model.parameters"], x["model.bytes_per_parameter"])
    input_tokens, output_tokens = x["inference.input_tokens"], x["inference.output_tokens"]
    context = inf.mean_context(input_tokens, output_tokens)
    memory, usable = x["inference.hardware.memory"], x["inference.memory_usable_fraction"]
    peak, prefill_efficiency = x["inference.hardware.peak_flops"], x["inference.prefill_efficiency"]
    sized = inf.replica_accelerators(weights, x["inference.weight_memory_overhead"],
                                     x["inference.batch_size"] * kv_per_token * context,
                                     memory, usable)
    n = xp.where(xp.isnan(x["inference.accelerators"]), sized, x["inference.accelerators"])
    cap = inf.max_batch(n, memory, usable, weights, kv_per_token, context)
    batch = xp.minimum(x["inference.batch_size"], cap)
    flops_pt = x["inference.flops_per_parameter_token"]
    active = _active(x)
    prefill = inf.prefill_seconds(active, input_tokens, flops_pt, n, peak, prefill_efficiency)
    read = (weights * inf.weight_read_fraction(x["model.parameters"], active, batch)
            + batch * kv_per_token * context)
    step = inf.decode_step_seconds(read, flops_pt * active * batch, n,
                                   x["inference.hardware.memory_bandwidth"],
                                   x["inference.decode_bandwidth_efficiency"], peak,
                                   prefill_efficiency)
    busy = xp.where(x["inference.path"] == MEASURED_THROUGHPUT,
                    output_tokens / x["inference.output_throughput"],
                    inf.replica_seconds_per_request(prefill, step, output_tokens, batch))
    idle = inf.idle_seconds(busy, x["inference.fleet_utilization"])
    return {
        "inference.replica.accelerators": n, "inference.replica.batch_size": batch,
        "inference.replica.max_batch_size": cap,
        "inference.replica.prefill_seconds": prefill,
        "inference.replica.decode_step_seconds": step,
        "inference.replica.busy_seconds_per_request": busy,
        "inference.replica.idle_seconds_per_request": idle,
        "inference.replica.weight_bytes": weights,
        "inference.replica.usable_memory_bytes": n * memory * usable,
        "inference.replica.kv_cache_bytes_per_token": kv_per_token,
    }


def request_energy(x: Mapping[str, Array], r: Mapping[str, Array]
                   ) -> tuple[Array, dict[str, Array], Array]:
    """IT energy of one request (kWh), its parts (busy accelerators, busy hosts, idle capacity)
    and whether it was measured as a whole, from the replica ``r``."""
    n = r["inference.replica.accelerators"]
    busy = r["inference.replica.busy_seconds_per_request"]
    idle = r["inference.replica.idle_seconds_per_request"]
    tdp, host = x["inference.hardware.tdp"], x["inference.hardware.host_power"]
    measured_power = x["inference.power_per_accelerator"]
    unmeasured = xp.isnan(measured_power)
    accel_power = xp.where(unmeasured, tr.accelerator_power(tdp, x["inference.load_factor"], 0.0),
                           measured_power)
    host_power = xp.where(unmeasured, host, 0.0)
    idle_power = tr.accelerator_power(tdp, x["inference.idle_power_fraction"],
                                      host * x["inference.host_idle_fraction"])
    parts = {
        "accelerators": inf.energy_kwh(busy, inf.replica_power(n, accel_power)),
        "host": inf.energy_kwh(busy, inf.replica_power(n, host_power)),
        "idle": inf.energy_kwh(idle, inf.replica_power(n, idle_power)),
    }
    path = x["inference.path"]
    measured = (path == MEASURED_ENERGY_PER_REQUEST) | (path == MEASURED_ENERGY_PER_TOKEN)
    given = xp.where(path == MEASURED_ENERGY_PER_TOKEN,
                     x["inference.energy_per_output_token"] * x["inference.output_tokens"],
                     x["inference.energy_per_request"])
    given = xp.where(x["inference.energy_is_facility"] == 1.0,
                     given / x["inference.datacenter.pue"], given)
    it_energy = xp.where(measured, given, parts["accelerators"] + parts["host"] + parts["idle"])
    return it_energy, parts, measured


def inference_outputs(x: Mapping[str, Array]) -> dict[str, Array]:
    """Per-request inference impacts, replica sizing and roofline times (module doc)."""
    out = replica(x)
    it_energy, parts, measured = request_energy(x, out)
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
                        lc.request_volume(x["inference.requests_per_day"],
                                          x["inference.duration"]),
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
