"""Inputs the formulas take that the wiring derives from the resolved inputs, shared by both
phases (lca.model.graph) and the serving model (lca.model.serving): a phase's per-kWh grid
factors, its embodied impacts per accelerator, the active parameters. They are derived while
calculating, not while reading, so that the Monte Carlo varies the factors they come from.
"""

from __future__ import annotations

from collections.abc import Mapping

from lca import xp
from lca.model import grid
from lca.model.embodied import per_accelerator
from lca.quantities import EMBODIED_INDICATORS
from lca.xp import Array


def grid_factors(x: Mapping[str, Array], phase: str) -> dict[str, Array]:
    """The per-kWh factors of a phase's electricity, gwp location-based (lca.model.grid)."""
    return {"water": x[f"{phase}.grid.water"], "adpe": x[f"{phase}.grid.adpe"],
            "pe": x[f"{phase}.grid.pe"], "gwp": grid.location_gwp(x, phase)}


def per_accelerator_impacts(x: Mapping[str, Array], phase: str) -> dict[str, Array]:
    """Embodied impacts of one accelerator with its share of the host (lca.model.embodied)."""
    return {k: per_accelerator(x[f"{phase}.hardware.embodied_{k}"],
                               x[f"{phase}.hardware.host_embodied_{k}"])
            for k in EMBODIED_INDICATORS}


def active_parameters(x: Mapping[str, Array]) -> Array:
    """Active parameters, never above the total (sampled ranges of the two could cross)."""
    return xp.minimum(x["model.active_parameters"], x["model.parameters"])


def zero_if_absent(value: Array) -> Array:
    """A method constant a pinned older factor set lacks (NaN) as the neutral 0."""
    return xp.where(xp.isnan(value), 0.0, value)


def capped(value: Array, cap: Array) -> Array:
    """``value`` at most ``cap``, where a cap is given (NaN: none)."""
    return xp.where(xp.isnan(cap), value, xp.minimum(value, cap))
