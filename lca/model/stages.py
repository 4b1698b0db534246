"""The boundary stages beyond electricity and chips, wired for a phase: the data-centre
building and the networking and storage equipment (both phases), the end-user device and the
network transfer (one request). The formulas are in lca.model.boundary; which stages count is
the profile's boundary (docs/boundary.md): a stage left out has its scale input at 0.
"""

from __future__ import annotations

from collections.abc import Mapping

from lca.model import boundary as bd
from lca.model.operational import operational_impacts
from lca.quantities import EMBODIED_INDICATORS
from lca.xp import Array


def datacenter_stages(x: Mapping[str, Array], phase: str, accelerator_hours: Array,
                      it_energy: Array, emb: dict[str, Array], grid: Mapping[str, Array]
                      ) -> dict[str, dict[str, Array]]:
    """The data-centre building and the networking and storage equipment of a phase's use of
    ``accelerator_hours`` on the phase's ``grid`` (lca.model.derived.grid_factors) (lca.model.
    boundary); zero when the boundary leaves them out."""
    capacity = bd.it_capacity_hours(accelerator_hours, x[f"{phase}.hardware.tdp"],
                                    x[f"{phase}.hardware.host_power"])
    share = x["boundary.network_storage_share"]
    network = operational_impacts(bd.network_storage(it_energy, share),
                                  x[f"{phase}.datacenter.pue"], x[f"{phase}.datacenter.wue"],
                                  grid)
    for k in EMBODIED_INDICATORS:
        network[k] = network[k] + bd.network_storage(emb[k], share)
    return {"datacenter_building": {"gwp": bd.datacenter_building(
                capacity, x["boundary.datacenter_building_gwp"],
                x["boundary.datacenter_lifetime"])},
            "network_storage": network}


def user_stages(x: Mapping[str, Array], grid: Mapping[str, Array]) -> dict[str, dict[str, Array]]:
    """The end-user device and the network transfer of one request, on the inference ``grid``
    (lca.model.derived.grid_factors)."""
    reading = bd.reading_seconds(x["inference.output_tokens"], x["boundary.reading_speed"])
    device = bd.end_user_device_energy(reading, x["boundary.end_user_device_power"])
    transfer = bd.network_transfer_energy(
        x["inference.input_tokens"] + x["inference.output_tokens"],
        x["boundary.bytes_per_token"], x["boundary.network_energy_per_byte"])
    return {"end_user_device": bd.grid_impacts(device, grid),
            "network_transfer": bd.grid_impacts(transfer, grid)}
