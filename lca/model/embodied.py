"""Embodied (manufacturing) impacts allocated to a use of hardware by time share.

Method: docs/method.md, section "Embodied impacts"; the allocation is the one of EcoLogits and
LLMCarbon: impacts per accelerator (card plus its share of the host server) x hours used / service
life.
"""

from __future__ import annotations

from lca.quantities import EMBODIED_INDICATORS
from lca.xp import Array


def per_accelerator(card: Array, host_share: Array) -> Array:
    """Manufacturing impact of one accelerator with its share of the host server."""
    return card + host_share


def time_share(accelerator_hours: Array, lifetime_hours: Array) -> Array:
    """Share of the hardware's service life used by ``accelerator_hours`` (dimensionless)."""
    return accelerator_hours / lifetime_hours


def embodied_impacts(per_accel: dict[str, Array], accelerator_hours: Array,
                     lifetime_hours: Array) -> dict[str, Array]:
    """Embodied gwp (kgCO2e), water (L), adpe (kg Sb eq) and pe (MJ) of ``accelerator_hours``."""
    share = time_share(accelerator_hours, lifetime_hours)
    return {k: per_accel[k] * share for k in EMBODIED_INDICATORS}
