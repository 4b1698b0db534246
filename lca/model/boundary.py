"""The stages of the boundary beyond electricity and chips: the data-centre building, the
networking and storage equipment, the end-user device and the network transfer of a request.

Method: docs/boundary.md. Each stage is zero when the profile's boundary leaves it out (its scale
input is then 0), so that the totals are always operational + chips + the stages' figures.
"""

from __future__ import annotations

from lca.units import J_PER_KWH, W_PER_KW
from lca.xp import Array


def it_capacity_hours(accelerator_hours: Array, tdp: Array, host_power: Array) -> Array:
    """IT capacity reserved (kW x h): the accelerators' hours at their rated power with their
    host-server share, the quantity a data-centre building is sized and allocated by."""
    return accelerator_hours * (tdp + host_power) / W_PER_KW


def datacenter_building(capacity_hours: Array, impact_per_kw: Array, lifetime_hours: Array
                        ) -> Array:
    """Share of the building and its infrastructure (power, cooling) made for ``impact_per_kw``
    per kW of IT capacity and used ``lifetime_hours``, taken by ``capacity_hours`` kW x h."""
    return capacity_hours * impact_per_kw / lifetime_hours


def network_storage(servers: Array, share: Array) -> Array:
    """Networking and storage equipment as a ``share`` of the servers' figure (energy or
    embodied), the same share for both (docs/boundary.md)."""
    return servers * share


def reading_seconds(output_tokens: Array, reading_speed: Array) -> Array:
    """Time a user spends reading the answer (s) at ``reading_speed`` tokens per second."""
    return output_tokens / reading_speed


def end_user_device_energy(seconds: Array, power: Array) -> Array:
    """Electricity of the user's device (kWh) drawing ``power`` W for ``seconds``."""
    return seconds * power / J_PER_KWH


def network_transfer_energy(tokens: Array, bytes_per_token: Array, energy_per_byte: Array
                            ) -> Array:
    """Electricity of the networks (kWh) carrying ``tokens`` of prompt and answer."""
    return tokens * bytes_per_token * energy_per_byte


def grid_impacts(energy: Array, grid: dict[str, Array]) -> dict[str, Array]:
    """Energy (kWh) and its gwp, water, adpe and pe on ``grid`` (no PUE, no on-site water: the
    device and the networks are outside the data centre)."""
    return {"energy": energy, "gwp": energy * grid["gwp"], "water": energy * grid["water"],
            "adpe": energy * grid["adpe"], "pe": energy * grid["pe"]}
