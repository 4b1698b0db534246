"""The model's wiring: every figure of an estimate from its inputs, by name.

``calculate`` takes the inputs that lca.reading makes (named as in lca.quantities: profile fields
by their path, factor inputs such as ``inference.hardware.tdp``) as floats, numpy arrays of any
shape (a table, Monte Carlo samples) or pint quantities (tests), and returns the figures of the
same shape, named by their path in the response (``inference.per_request.gwp``). Derived inputs
(power from TDP and load, hours from count and duration...) are computed here, not while
reading, so that the Monte Carlo varies the factors they come from.

This module wires the phases: training, inference and lifecycle, each as operational + embodied
+ the boundary's stages. Their parts are wired in lca.model.serving (the replica, the decode
step, traffic and the energy of a request), lca.model.stages (the stages beyond electricity and
chips), lca.model.accounting (location- and market-based gwp) and lca.model.derived (inputs both
phases derive). The formulas themselves are the functions of lca.model.training, inference,
operational, embodied, boundary, grid and lifecycle.
"""

from __future__ import annotations

from collections.abc import Mapping

from lca import xp
from lca.model import lifecycle as lc
from lca.model import serving as sv
from lca.model import training as tr
from lca.model.accounting import LIFECYCLE_BASES, dual_accounting, show_dual
from lca.model.derived import active_parameters, grid_factors, per_accelerator_impacts
from lca.model.embodied import embodied_impacts
from lca.model.operational import operational_impacts
from lca.model.stages import datacenter_stages, user_stages
from lca.quantities import INDICATORS
from lca.units import SECONDS_PER_HOUR
from lca.xp import Array


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
    _phase(out, "training", op, emb, datacenter_stages(x, "training", hours, it_energy, emb))
    dual_accounting(x, out, "training", op, site["gwp"])
    return out


def inference_outputs(x: Mapping[str, Array]) -> dict[str, Array]:
    """Per-request inference impacts, replica sizing and roofline times (module doc); with
    traffic inputs, the deployment they describe (lca.model.serving)."""
    out, hourly_share = sv.deployment(x)
    if xp.any_true(x["inference.traffic"] == 1.0) and not xp.all_nan(
            x["inference.grid.gwp_hourly"]):
        # an hourly grid profile is weighted by each hour's share of the energy (lca.model.grid)
        x = {**x, "inference.hourly_energy_share": hourly_share}
    requests_per_day = sv.requests_per_day(x)
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
        **datacenter_stages(x, "inference", replica_hours, it_energy, emb), **user_stages(x)})
    dual_accounting(x, out, "inference", op, site["gwp"])
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
    for _, per_request_path, total_path, _, _ in LIFECYCLE_BASES:
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
    for training_path, per_request_path, _, total_path, amortised_path in LIFECYCLE_BASES:
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
    show_dual(x, out)
    return out
