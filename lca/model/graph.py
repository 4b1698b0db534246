"""The model's wiring: every figure of an estimate from its inputs, by name.

``calculate`` takes the inputs that lca.reading makes (named as in lca.quantities: profile fields
by their path, factor inputs such as ``inference.hardware.tdp``) as floats, numpy arrays of any
shape (a table, Monte Carlo samples) or pint quantities (tests), and returns the figures of the
same shape, named by their path in the response (``inference.per_request.gwp``). Derived inputs
(power from TDP and load, hours from count and duration...) are computed here, not while
reading, so that the Monte Carlo varies the factors they come from.

This module wires the phases: training, inference and lifecycle, each as operational + embodied
+ the boundary's stages. Their parts are wired in lca.model.serving (the replica, the decode
step and the energy of a request), lca.model.traffic (the deployment from traffic, hour by
hour), lca.model.stages (the stages beyond electricity and
chips), lca.model.accounting (location- and market-based gwp) and lca.model.derived (inputs both
phases derive). The formulas themselves are the functions of lca.model.training, inference,
operational, embodied, boundary, grid and lifecycle.
"""

from __future__ import annotations

from collections.abc import Mapping

from lca import xp
from lca.model import lifecycle as lc
from lca.model import serving as sv
from lca.model import traffic as tf
from lca.model import training as tr
from lca.model.accounting import LIFECYCLE_BASES, dual_accounting, show_dual
from lca.model.derived import active_parameters, grid_factors, per_accelerator_impacts
from lca.model.embodied import embodied_impacts
from lca.model.operational import operational_impacts
from lca.model.stages import datacenter_stages, user_stages
from lca.quantities import INDICATORS, STAGE_INDICATORS
from lca.units import SECONDS_PER_HOUR
from lca.xp import Array


def _paths(prefix: str) -> dict[str, str]:
    """The path of each indicator's figure in a block: {"gwp": "training.operational.gwp", ...}."""
    return {k: f"{prefix}.{k}" for k in INDICATORS}


# The blocks' figure paths, spelled once rather than on every calculation
_BLOCKS = {prefix: _paths(prefix) for prefix in (
    *(f"{phase}.{block}" for phase in ("training", "inference")
      for block in ("operational", "embodied", *(f"stages.{s}" for s in STAGE_INDICATORS))),
    "training.impacts", "inference.per_request", "inference.per_output_token", "inference.total",
    "lifecycle.total", "lifecycle.per_request", "lifecycle.shares.training",
    "lifecycle.shares.inference", "lifecycle.breakeven_requests")}


def _phase(out: dict[str, Array], phase: str, op: dict[str, Array], emb: dict[str, Array],
           stages: dict[str, dict[str, Array]]) -> None:
    """Store a phase's operational, embodied, stage and total impacts with the water parts: the
    total is operational + embodied (chips) + every stage of the boundary."""
    operational, embodied = _BLOCKS[f"{phase}.operational"], _BLOCKS[f"{phase}.embodied"]
    totals = _BLOCKS["training.impacts" if phase == "training" else "inference.per_request"]
    by_stage = [(_BLOCKS[f"{phase}.stages.{stage}"], figures) for stage, figures in stages.items()]
    for k in INDICATORS:
        out[operational[k]] = op[k]
        value = op[k] + emb[k] if k in emb else op[k]
        if k in emb:
            out[embodied[k]] = emb[k]
        for paths, figures in by_stage:
            if k in figures:
                out[paths[k]] = figures[k]
                value = value + figures[k]
        out[totals[k]] = value
    out[f"{phase}.water.onsite"] = op["water_onsite"]
    out[f"{phase}.water.offsite"] = op["water_offsite"]
    out[f"{phase}.water.manufacturing"] = emb["water"]


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
                       tr.training_compute(active_parameters(x), x["training.tokens"],
                                           x["training.flops_per_parameter_token"]),
                       x["training.compute"])
    achieved = x["training.achieved_flops"]
    sparse = xp.where(active_parameters(x) < x["model.parameters"],
                      x["training.sparse_mfu_factor"], 1.0)
    flops = xp.where(xp.isnan(achieved),
                     x["training.hardware.peak_flops"] * x["training.utilization"] * sparse,
                     achieved)
    hours = tr.accelerator_hours(path, hours_given, energy_given, compute, flops, power, overhead)
    it_energy = tr.it_energy(path, energy_given, hours, power, overhead)
    site = grid_factors(x, "training")
    op = operational_impacts(it_energy, pue, x["training.datacenter.wue"], site)
    emb = embodied_impacts(per_accelerator_impacts(x, "training"), hours, x["hardware_lifetime"])
    out: dict[str, Array] = {"training.accelerator_hours": hours,
                             "training.it_energy": it_energy, "training.compute": compute}
    _phase(out, "training", op, emb, datacenter_stages(x, "training", hours, it_energy, emb, site))
    dual_accounting(x, out, "training", op, site["gwp"])
    return out


def inference_outputs(x: Mapping[str, Array]) -> dict[str, Array]:
    """Per-request inference impacts, replica sizing and roofline times (module doc); with
    traffic inputs, the deployment they describe (lca.model.serving)."""
    out, hourly_share = tf.deployment(x)
    if xp.any_true(x["inference.traffic"] == 1.0) and not xp.all_nan(
            x["inference.grid.gwp_hourly"]):
        # an hourly grid profile is weighted by each hour's share of the energy (lca.model.grid)
        x = {**x, "inference.hourly_energy_share": hourly_share}
    requests_per_day = tf.requests_per_day(x)
    it_energy, parts, measured = sv.request_energy(x, out)
    out.pop("_parts", None)
    out.pop("_host_power")
    site = grid_factors(x, "inference")
    op = operational_impacts(it_energy, x["inference.datacenter.pue"],
                             x["inference.datacenter.wue"], site)
    replica_hours = out["inference.replica.accelerators"] * (
        out["inference.replica.busy_seconds_per_request"]
        + out["inference.replica.idle_seconds_per_request"]) / SECONDS_PER_HOUR
    emb = embodied_impacts(per_accelerator_impacts(x, "inference"), replica_hours,
                           x["hardware_lifetime"])
    out["inference.it_energy"] = it_energy
    _phase(out, "inference", op, emb, {
        **datacenter_stages(x, "inference", replica_hours, it_energy, emb, site),
        **user_stages(x, site)})
    dual_accounting(x, out, "inference", op, site["gwp"])
    for name, part in parts.items():  # unknown when the energy was measured as a whole
        out[f"inference.energy_breakdown.{name}"] = xp.where(measured, xp.nan, part)
    out["inference.energy_breakdown.overhead"] = op["energy"] - it_energy
    requests = xp.where(xp.isnan(x["inference.requests"]),
                        lc.request_volume(requests_per_day, x["inference.duration"]),
                        x["inference.requests"])
    per_output_token, total = _BLOCKS["inference.per_output_token"], _BLOCKS["inference.total"]
    for k, per_request_path in _BLOCKS["inference.per_request"].items():
        per_request = out[per_request_path]
        out[per_output_token[k]] = per_request / x["inference.output_tokens"]
        out[total[k]] = per_request * requests
    for _, per_request_path, total_path, _, _ in LIFECYCLE_BASES:
        out[total_path] = out[per_request_path] * requests
    out["inference.requests"] = requests
    return out


# per indicator: the training and per-request paths in, the lifecycle total, amortised per
# request, training and inference shares and breakeven paths out
_LIFECYCLE_PATHS = tuple(tuple(_BLOCKS[block][k] for block in (
    "training.impacts", "inference.per_request", "lifecycle.total", "lifecycle.per_request",
    "lifecycle.shares.training", "lifecycle.shares.inference", "lifecycle.breakeven_requests"))
    for k in INDICATORS)


def lifecycle_outputs(out: Mapping[str, Array]) -> dict[str, Array]:
    """Lifecycle totals, amortised per-request impacts, shares and breakeven (lca.lifecycle)."""
    requests = out["inference.requests"]
    result: dict[str, Array] = {"lifecycle.requests": requests}
    for (training_path, per_request_path, total_path, amortised_path, training_share,
         inference_share, breakeven) in _LIFECYCLE_PATHS:
        training, per_request = out[training_path], out[per_request_path]
        total = lc.lifecycle_total(training, per_request, requests)
        result[total_path] = total
        result[amortised_path] = lc.amortised_per_request(training, per_request, requests)
        result[training_share], result[inference_share] = lc.shares(training, total)
        result[breakeven] = lc.breakeven_requests(training, per_request)
    for training_path, per_request_path, _, total_path, amortised_path in LIFECYCLE_BASES:
        training, per_request = out[training_path], out[per_request_path]
        result[total_path] = lc.lifecycle_total(training, per_request, requests)
        result[amortised_path] = lc.amortised_per_request(training, per_request, requests)
    return result


def calculate(x: Mapping[str, Array]) -> dict[str, Array]:
    """Every output figure from resolved inputs; the phases present follow the inputs present."""
    out = training_outputs(x) if "training.path" in x else {}
    if "inference.path" in x:
        out.update(inference_outputs(x))
    if "training.path" in x and "inference.path" in x:
        out.update(lifecycle_outputs(out))
    show_dual(x, out)
    return out
