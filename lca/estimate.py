"""One estimate: resolve a profile, calculate, add the Monte Carlo ranges, render the result.

``render`` turns one set of flat outputs (lca.calculate) into the response of design/api.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from lca.errors import out_of_range
from lca.factors import FactorSet
from lca.kernel import calculate_floats
from lca.layout import compile_renderer
from lca.profile import Resolved, resolve
from lca.types import CANONICAL_UNITS, Array
from lca.units import convert

if TYPE_CHECKING:
    from lca.uncertainty import MonteCarlo

METHOD_VERSION = "1.0"


_CANONICAL_SCALES = dict.fromkeys(CANONICAL_UNITS, 1.0)


def render(resolved: Resolved, out: Mapping[str, Array],
           bounds: Mapping[str, tuple[Array, Array]] | None = None,
           provenance: bool = True) -> dict:
    """The estimate response (design/api.md) for one profile's outputs.

    ``bounds`` maps output keys to (low, high) from the Monte Carlo, when it ran. Quantities are
    expressed in the profile's display units, if it asked for any. Without ``provenance`` (a
    batch's summary view) ``factors_used`` and ``assumptions`` are left out. Where each figure
    goes is lca.layout's.
    """
    units, scales = CANONICAL_UNITS, _CANONICAL_SCALES
    if resolved.units:
        units = {**CANONICAL_UNITS, **resolved.units}
        scales = {k: convert(1.0, unit, units[k]) for k, unit in CANONICAL_UNITS.items()}
    figures = compile_renderer(resolved.training_path if resolved.has_training else None,
                               resolved.inference_path if resolved.has_inference else None,
                               bounds is not None, bool(resolved.units))(out, bounds, units, scales)
    result: dict = {"name": resolved.name,
                    "versions": {"method": METHOD_VERSION, "factors": resolved.factors.version},
                    **figures}
    warnings = list(resolved.warnings)
    if resolved.has_inference:
        if "total" not in figures["inference"]:
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
        out = calculate_floats(resolved.inputs)
    except ArithmeticError:
        raise out_of_range() from None
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
