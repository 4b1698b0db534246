"""One estimate: resolve a profile, calculate, add the Monte Carlo ranges, render the result.

``render`` turns one set of flat outputs (lca.calculate) into the response of design/api.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from lca.calculate import WATER_PARTS, calculate
from lca.errors import ProfileError
from lca.factors import FactorSet
from lca.profile import Resolved, resolve
from lca.types import CANONICAL_UNITS, EMBODIED_INDICATORS, INDICATORS, Array
from lca.units import convert

if TYPE_CHECKING:
    from lca.uncertainty import MonteCarlo

METHOD_VERSION = "1.0"


_REPLICA = (("prefill_seconds", "s"), ("decode_step_seconds", "s"),
            ("busy_seconds_per_request", "s"), ("idle_seconds_per_request", "s"),
            ("weight_bytes", "byte"), ("usable_memory_bytes", "byte"),
            ("kv_cache_bytes_per_token", "byte/token"))
_BREAKDOWN = ("accelerators", "host", "idle", "overhead")
_CANONICAL_SCALES = {k: (unit, 1.0) for k, unit in CANONICAL_UNITS.items()}


def _finite(value: Array) -> float | None:
    value = float(value)
    return value if value - value == 0.0 else None  # False for NaN and infinities


@lru_cache(maxsize=64)
def _keys(prefix: str, names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(name, flat output key) pairs of a block, built once."""
    return tuple((name, f"{prefix}.{name}") for name in names)


def render(resolved: Resolved, out: Mapping[str, Array],
           bounds: Mapping[str, tuple[Array, Array]] | None = None,
           provenance: bool = True) -> dict:
    """The estimate response (design/api.md) for one profile's outputs.

    ``bounds`` maps output keys to (low, high) from the Monte Carlo, when it ran. Quantities are
    expressed in the profile's display units, if it asked for any. Without ``provenance`` (a
    batch's summary view) ``factors_used`` and ``assumptions`` are left out.
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
        if bounds is None and scales is _CANONICAL_SCALES:  # the common case, kept lean
            return {k: {"value": v if (v := float(out[key])) - v == 0.0 else None,
                        "unit": CANONICAL_UNITS[k]}
                    for k, key in _keys(prefix, indicators)}
        return {k: quantity(key, k) for k, key in _keys(prefix, indicators)}

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
        if float(out["inference.replica.weight_bytes"]) > float(
                out["inference.replica.usable_memory_bytes"]):
            warnings.append({"code": "replica-too-small", "message": "inference: the weights do "
                             "not fit in the usable memory of the accelerators given; the "
                             "estimate assumes they run anyway"})
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
    if provenance:
        result["factors_used"] = [f.copy() for f in resolved.factors_used.values()]
        result["assumptions"] = [a.copy() for a in resolved.assumptions]
    result["warnings"] = warnings
    return result


def estimate(profile: Mapping, factors: FactorSet | None = None, *,
             uncertainty_by_default: bool = True) -> dict:
    """Estimate one profile (design/api.md shape) and return the response as plain data.

    The Monte Carlo runs unless the profile says ``"uncertainty": false`` (or, with
    ``uncertainty_by_default=False``, unless it asks for it). Raises lca.errors.ProfileError
    listing every wrong field.
    """
    resolved = resolve(profile, factors)
    try:
        out = calculate(resolved.inputs)
    except ArithmeticError:
        raise ProfileError([{"field": "", "message": "the values given take the arithmetic "
                             "beyond floating-point range (a quantity vanishingly small or "
                             "immense); check the magnitudes"}]) from None
    return render_with_uncertainty(resolved, out, uncertainty_by_default)


def render_with_uncertainty(resolved: Resolved, out: Mapping[str, Array],
                            by_default: bool = True, provenance: bool = True) -> dict:
    """render(), with low/high on every quantity and the drivers when the Monte Carlo runs."""
    options = resolved.uncertainty
    if options is None or (not by_default and not resolved.uncertainty_explicit):
        return render(resolved, out, provenance=provenance)
    from lca import uncertainty as mc

    run = mc.simulate(resolved, options.get("samples", mc.DEFAULT_SAMPLES),
                      options.get("seed", mc.DEFAULT_SEED))
    return render_monte_carlo(resolved, out, run, provenance)


def render_monte_carlo(resolved: Resolved, out: Mapping[str, Array], run: MonteCarlo,
                       provenance: bool = True) -> dict:
    """render() with the bounds and drivers of a finished Monte Carlo ``run``."""
    from lca import uncertainty as mc

    result = render(resolved, out, mc.bounds(run, out), provenance)
    result["uncertainty"] = {"samples": run.samples, "seed": run.seed,
                             "percentiles": [mc.LOW_PERCENTILE, mc.HIGH_PERCENTILE],
                             "inputs": len(run.quantiles), "drivers": mc.drivers(run, resolved)}
    return result
