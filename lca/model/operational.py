"""Operational impacts of electricity drawn by IT equipment in a data centre.

Method: docs/method.md, section "Operational impacts of IT energy"; water after Li et al. 2023
("Making AI Less Thirsty"): on-site WUE applies to IT energy, the grid's water intensity to
facility energy. All functions take floats or numpy arrays in canonical units.
"""

from __future__ import annotations

from lca.xp import Array, Grid


def facility_energy(it_energy: Array, pue: Array) -> Array:
    """Electricity drawn by the facility (kWh) for ``it_energy`` kWh of IT load at ``pue``."""
    return it_energy * pue


def onsite_water(it_energy: Array, wue: Array) -> Array:
    """Water evaporated on site by cooling (L): IT energy (kWh) x on-site WUE (L/kWh)."""
    return it_energy * wue


def offsite_water(energy: Array, grid_water: Array) -> Array:
    """Water consumed generating the electricity (L): facility kWh x grid water intensity."""
    return energy * grid_water


def operational_impacts(it_energy: Array, pue: Array, wue: Array, grid: Grid) -> dict[str, Array]:
    """Energy (kWh), gwp (kgCO2e), water (L, with its on-/off-site parts), adpe (kg Sb eq) and
    pe (MJ) of ``it_energy`` kWh of IT energy at a site with ``pue``/``wue`` on ``grid``."""
    energy = facility_energy(it_energy, pue)
    water_onsite = onsite_water(it_energy, wue)
    water_offsite = offsite_water(energy, grid["water"])
    return {
        "energy": energy,
        "gwp": energy * grid["gwp"],
        "water": water_onsite + water_offsite,
        "water_onsite": water_onsite,
        "water_offsite": water_offsite,
        "adpe": energy * grid["adpe"],
        "pe": energy * grid["pe"],
    }
