"""The checks across a factor set's tables, once it is read (lca.factors.loader): links join
existing rows, every accelerator has a host share, regions and defaults name existing rows, no
model has more active than total parameters. Each failure is a FactorDataError naming the file.
"""

from __future__ import annotations

from pathlib import Path

from lca.errors import FactorDataError
from lca.factors.sets import FactorSet


def check_links(fs: FactorSet, manifest: dict, folder: Path) -> None:
    """Every link joins two existing rows, and every row of its ``from`` table has one."""
    for name, links in fs.links.items():
        spec = manifest["tables"][name]
        source, target = spec.get("from"), spec.get("to")
        if source not in fs.tables or target not in fs.tables:
            raise FactorDataError(f"{folder.name}/manifest.json: link table {name} needs "
                                  "'from' and 'to' naming long tables")
        bad = [k for k, link in links.items()
               if not fs.has(source, k) or not fs.has(target, link.target)]
        missing = sorted(set(fs.tables[source].rows) - set(links))
        if bad or missing:
            raise FactorDataError(f"{folder.name}/{spec['file']}: unknown rows {bad}, "
                                  f"{source} rows without a link {missing}")


HOST_EMBODIED = ("host_embodied_gwp", "host_embodied_water", "host_embodied_adpe",
                 "host_embodied_pe")


def check_host_shares(fs: FactorSet, folder: Path) -> None:
    """Each accelerator has a host share: its own rows (sets before 2026.2) or a server class
    holding as many accelerators as the accelerator's row says."""
    for key, values in fs.tables["hardware"].rows.items():
        server = fs.linked("hardware_servers", key)
        if server is None:
            if not all(a in values for a in HOST_EMBODIED):
                raise FactorDataError(f"{folder.name}/hardware.csv: '{key}' has neither "
                                      "host_embodied_* rows nor a server class")
            continue
        n = fs.get("servers", server, "accelerators_per_server")
        if n is None or n.value != values["accelerators_per_server"].value:
            raise FactorDataError(f"{folder.name}/servers.csv: class '{server}' of '{key}' "
                                  "does not hold its accelerators_per_server")


def check_references(fs: FactorSet, folder: Path) -> None:
    """Regions name existing zones and data centres, the manifest's defaults existing rows, and
    no model has more active than total parameters."""
    for region in fs.regions.values():
        if not fs.has("zones", region.zone):
            raise FactorDataError(f"{folder.name}/regions.csv: {region.region} -> unknown zone "
                                  f"'{region.zone}'")
        if not fs.has("datacenters", region.datacenter):
            raise FactorDataError(f"{folder.name}/regions.csv: {region.region} -> unknown "
                                  f"datacenter '{region.datacenter}'")
    for table, name in (("hardware", "hardware"), ("datacenters", "datacenter"),
                        ("zones", "zone")):
        key = fs.defaults.get(name)
        if not key or not fs.has(table, key):
            raise FactorDataError(f"{folder.name}/manifest.json: default {name} '{key}' unknown")
    for key, values in fs.tables["models"].rows.items():
        if values["active_parameters"].value > values["parameters"].value:
            raise FactorDataError(f"models.csv: {key} has more active than total parameters")
