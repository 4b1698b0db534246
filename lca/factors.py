"""Factor sets: the versioned tables of emission, water, resource and hardware factors.

This module is the only place lca reads files. A factor set is a folder ``factors/<version>/``
holding a ``manifest.json`` (the version string and the schema of each table) and one CSV per
table. Every value is converted to its canonical unit once, here, and carries its source and year.
The grammar of the tables is documented in ``factors/README.md``.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from lca.errors import FactorDataError, UnknownFactorSetError
from lca.units import conversion_factor

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_YEAR = re.compile(r"^[12]\d{3}$")
LONG_COLUMNS = ["key", "label", "attribute", "value", "unit", "low", "high", "default",
                "source", "year", "note"]


@dataclass(frozen=True)
class Factor:
    """One value of a table in its canonical unit, with provenance and alternatives."""

    table: str
    key: str
    attribute: str
    value: float
    unit: str
    source: str
    year: int
    low: float | None = None
    high: float | None = None
    note: str = ""
    alternatives: tuple[Factor, ...] = ()
    ref: str = field(init=False, compare=False)
    record: dict[str, object] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Precomputed once at load: estimates list these records on every request.
        ref = (f"constants.{self.key}" if self.table == "constants"
               else f"{self.table}.{self.key}.{self.attribute}")
        object.__setattr__(self, "ref", ref)
        record = {"key": ref, "value": self.value, "unit": self.unit, "source": self.source,
                  "year": self.year}
        if self.low is not None or self.alternatives:
            record["low"], record["high"] = self.spread
        object.__setattr__(self, "record", record)  # copied (dict.copy) wherever it escapes

    @property
    def spread(self) -> tuple[float, float]:
        """Low and high bounds: explicit ones, else the span of the candidates, else the value."""
        values = [self.value] + [a.value for a in self.alternatives]
        low = self.low if self.low is not None else min(values)
        high = self.high if self.high is not None else max(values)
        return low, high


@dataclass(frozen=True)
class Region:
    """A cloud region mapped to a grid zone and a data-centre profile."""

    region: str
    provider: str
    label: str
    zone: str
    datacenter: str
    source: str
    year: int
    note: str = ""


@dataclass(frozen=True)
class Link:
    """A row of a link table: the row ``key`` of one table belongs to the row ``target`` of
    another (an accelerator to its server class)."""

    key: str
    target: str
    source: str
    year: int
    note: str = ""


@dataclass(frozen=True)
class Table:
    """A long-format table: key -> attribute -> Factor, plus display labels."""

    name: str
    describes: str
    rows: Mapping[str, Mapping[str, Factor]]
    labels: Mapping[str, str]


@dataclass(frozen=True)
class FactorSet:
    """A released, immutable set of factor tables identified by ``version``."""

    version: str
    released: str
    description: str
    tables: Mapping[str, Table]
    regions: Mapping[str, Region]
    defaults: Mapping[str, str] = field(default_factory=dict)
    links: Mapping[str, Mapping[str, Link]] = field(default_factory=dict)

    def linked(self, table: str, key: str) -> str | None:
        """The target of ``key`` in the link table ``table`` (e.g. an accelerator's server
        class in ``hardware_servers``), or None when the set has no such table or row."""
        found = self.links.get(table, {}).get(key)
        return found.target if found is not None else None

    def get(self, table: str, key: str, attribute: str) -> Factor | None:
        """The factor at (table, key, attribute), or None when the table has no such value."""
        return self.tables[table].rows.get(key, {}).get(attribute)

    def constant(self, name: str) -> Factor:
        """The method constant ``name`` (KeyError if the set lacks it, which the loader forbids)."""
        return self.tables["constants"].rows[name]["value"]

    def items(self, table: str) -> int:
        """How many items (zones, regions, accelerators, links...) ``table`` holds; 0 when the
        set has no such table. The one count the API and the command line report."""
        if table == "regions":
            return len(self.regions)
        if table in self.links:
            return len(self.links[table])
        return len(self.tables[table].rows) if table in self.tables else 0

    def holds(self, table: str) -> bool:
        """Whether this set has the table ``table`` (long, link, or the regions table)."""
        return table == "regions" or table in self.tables or table in self.links

    def has(self, table: str, key: str) -> bool:
        """Whether ``key`` is a row of ``table`` (zones, hardware, datacenters, models)."""
        return key in self.tables[table].rows


TABLES = ("zones", "regions", "hardware", "datacenters", "models", "constants", "servers",
          "hardware_servers", "tasks")
"""The factor tables a set may hold, as listed to users (servers, hardware_servers and tasks
from 2026.2; FactorSet.holds says whether a set has one)."""
OPTIONAL_TABLES = ("tasks",)
"""Tables a set may lack (sets released before them): such a set holds them empty, and the
reader falls back on what the set had instead (tasks: the constants default_input_tokens and
default_output_tokens)."""


class FactorRepository:
    """The factor sets an estimator may use: every version under one folder, loaded and
    validated once, at construction (the only disk reads of a calculation's lifetime).

    Built by the shell (the API from its configuration, the command line from its options) and
    handed to lca.Estimator. ``get(version)`` pins a version; None gives the newest.
    """

    def __init__(self, root: Path | str | None = None,
                 sets: Mapping[str, FactorSet] | None = None) -> None:
        self.root = Path(root) if root is not None else packaged_root()
        self.sets: dict[str, FactorSet] = dict(sets) if sets is not None else load_all(self.root)
        if not self.sets:
            raise FactorDataError(f"no factor set under {self.root}")
        self.default = list(self.sets)[-1]

    @classmethod
    def of(cls, *sets: FactorSet) -> FactorRepository:
        """A repository of the sets given, newest last (for tests and library callers)."""
        return cls(sets={s.version: s for s in sets})

    @property
    def versions(self) -> list[str]:
        """The versions held, oldest first."""
        return list(self.sets)

    def get(self, version: str | None = None) -> FactorSet:
        """The factor set ``version`` (the newest when None); UnknownFactorSetError if absent."""
        if version is None:
            return self.sets[self.default]
        found = self.sets.get(version) if isinstance(version, str) else None
        if found is None:
            raise UnknownFactorSetError(f"unknown factor set {version!r}; available: "
                                        f"{self.versions}")
        return found


def packaged_root() -> Path:
    """Folder of the factor sets that ship with lca: the copy an installed package carries
    (``lca/factor_data``, see setup.cfg), else ``factors/`` of this checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "factor_data"
    return installed if installed.is_dir() else here.parent / "factors"


def default_root() -> Path:
    """$LCA_FACTORS_DIR if set, else the packaged factor sets: the command line's choice of
    folder (the API reads it through its config). The core itself never reads the environment."""
    env = os.environ.get("LCA_FACTORS_DIR")
    return Path(env) if env else packaged_root()


def available_versions(root: Path | None = None) -> list[str]:
    """Versions found under ``root``, oldest first (folder names sort as release order)."""
    root = root or packaged_root()
    if not root.is_dir():
        raise FactorDataError(f"factor folder {root} does not exist")
    return sorted((p.parent.name for p in root.glob("*/manifest.json")), key=_release_order)


def _release_order(version: str) -> list[tuple[int, object]]:
    """Sort key that orders 2026.9 before 2026.10 (numbers compare as numbers)."""
    return [(0, int(part)) if part.isdigit() else (1, part)
            for part in re.split(r"(\d+)", version) if part]


@lru_cache(maxsize=8)
def load_factor_set(root: Path | None = None, version: str | None = None) -> FactorSet:
    """Load and validate one factor set, the newest when ``version`` is None (cached)."""
    root = root or packaged_root()
    versions = available_versions(root)
    if not versions:
        raise FactorDataError(f"no factor set (no */manifest.json) under {root}")
    version = version or versions[-1]
    if version not in versions:
        raise UnknownFactorSetError(f"unknown factor set '{version}'; available: {versions}")
    folder = root / version
    manifest = _read_manifest(folder)
    tables: dict[str, Table] = {}
    regions: dict[str, Region] = {}
    links: dict[str, Mapping[str, Link]] = {}
    for name, spec in manifest["tables"].items():
        path = folder / spec["file"]
        if spec.get("format") == "wide":
            regions = _read_regions(path, spec)
        elif spec.get("format") == "link":
            links[name] = MappingProxyType(_read_links(path))
        else:
            tables[name] = _read_long(path, name, spec)
    for name in OPTIONAL_TABLES:
        if name not in tables:
            tables[name] = Table(name=name, describes="", rows=MappingProxyType({}),
                                 labels=MappingProxyType({}))
    factor_set = FactorSet(
        version=manifest["version"], released=manifest.get("released", ""),
        description=manifest.get("description", ""),
        tables=MappingProxyType(tables), regions=MappingProxyType(regions),
        defaults=MappingProxyType(dict(manifest.get("defaults", {}))),
        links=MappingProxyType(links),
    )
    _check_references(factor_set, folder)
    _check_links(factor_set, manifest, folder)
    _check_host_shares(factor_set, folder)
    return factor_set


def load_all(root: Path | None = None) -> dict[str, FactorSet]:
    """Every factor set under ``root`` by version, each validated."""
    return {v: load_factor_set(root, v) for v in available_versions(root)}


def _read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise FactorDataError(f"{folder}/manifest.json: {exc}") from exc
    if manifest.get("version") != folder.name:
        raise FactorDataError(
            f"{folder}/manifest.json: version {manifest.get('version')!r} != folder name")
    for required in ("zones", "hardware", "datacenters", "models", "constants", "regions"):
        if required not in manifest.get("tables", {}):
            raise FactorDataError(f"{folder}/manifest.json: table '{required}' missing")
    return manifest


def _rows(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames != columns:
                raise FactorDataError(f"{path}: header {reader.fieldnames} != {columns}")
            rows = []
            for row in reader:
                if None in row or None in row.values():
                    raise FactorDataError(f"{path.name}:{reader.line_num}: row has "
                                          f"{'more' if None in row else 'fewer'} fields than "
                                          "the header")
                rows.append((reader.line_num, row))
            return rows
    except OSError as exc:
        raise FactorDataError(f"{path}: {exc}") from exc


def _number(text: str, where: str, column: str) -> float:
    text = text.strip()
    if text.lower() in ("nan", "inf", "-inf", "+inf", "infinity"):
        raise FactorDataError(f"{where}: {column} '{text}' is not finite")
    if not _NUMBER.match(text):
        raise FactorDataError(f"{where}: {column} '{text}' is not a number")
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise FactorDataError(f"{where}: {column} '{text}' is not a finite, non-negative number")
    return value


# A zone key as the profile's location names it (read in upper case): a country, or a state or
# province of it (USA-CA, CAN-QC, AUS-NSW: the country's alpha-3 code, then ISO 3166-2's).
_ZONE_KEY = re.compile(r"^[A-Z]{3}(?:-[A-Z0-9]{1,3})?$")


def _year(text: str, where: str) -> int:
    if not _YEAR.match(text) or not 1900 <= int(text) <= 2100:
        raise FactorDataError(f"{where}: year '{text}' is not a year")
    return int(text)


def _read_long(path: Path, name: str, spec: dict) -> Table:
    """A long-format table: each row read and checked (_read_row), then the table's rules (one
    default per key and attribute, sources unique, required attributes and constants present)."""
    attributes: dict[str, dict] = spec["attributes"]
    constant_units: dict[str, str] = spec.get("keys", {})
    candidates: dict[tuple[str, str], list[tuple[bool, Factor]]] = {}
    labels: dict[str, str] = {}
    for line, row in _rows(path, LONG_COLUMNS):
        where = f"{path.name}:{line}"
        is_default, factor = _read_row(row, where, name, attributes, constant_units)
        if labels.setdefault(factor.key, row["label"].strip()) != row["label"].strip():
            raise FactorDataError(f"{where}: label differs from the first row of '{factor.key}'")
        options = candidates.setdefault((factor.key, factor.attribute), [])
        if any(f.source == factor.source for _, f in options):
            raise FactorDataError(f"{where}: {factor.key}.{factor.attribute} repeats the source "
                                  "of another row")
        options.append((is_default, factor))
    return _long_table(path, name, spec, candidates, labels)


def _read_row(row: dict[str, str], where: str, name: str, attributes: dict[str, dict],
              constant_units: dict[str, str]) -> tuple[bool, Factor]:
    """One row of a long table as a Factor in its canonical unit, and whether it is the
    default; FactorDataError naming the file and line for anything wrong."""
    key, attribute = row["key"].strip(), row["attribute"].strip()
    if not key:
        raise FactorDataError(f"{where}: empty key")
    if name == "zones" and not _ZONE_KEY.match(key):
        raise FactorDataError(f"{where}: zone '{key}' is neither an ISO 3166-1 alpha-3 code (WOR "
                              "for the world) nor one followed by '-' and an ISO 3166-2 "
                              "subdivision code (USA-CA)")
    if attribute not in attributes:
        raise FactorDataError(f"{where}: unknown attribute '{attribute}' for table {name}")
    canonical = attributes[attribute]["unit"]
    if canonical == "from-row":
        if key not in constant_units:
            raise FactorDataError(f"{where}: constant '{key}' is not declared in the manifest")
        canonical = constant_units[key]
    if not row["source"].strip():
        raise FactorDataError(f"{where}: source is empty")
    if not row["label"].strip():
        raise FactorDataError(f"{where}: label is empty")
    try:
        scale = conversion_factor(row["unit"].strip() or "dimensionless", canonical)
    except ValueError as exc:
        raise FactorDataError(f"{where}: unit '{row['unit']}': {exc}") from None
    value = _number(row["value"], where, "value") * scale
    low = _number(row["low"], where, "low") * scale if row["low"].strip() else None
    high = _number(row["high"], where, "high") * scale if row["high"].strip() else None
    if (low is None) != (high is None):  # a one-sided range: the value is the other bound
        low = value if low is None else low
        high = value if high is None else high
    if low is not None and not low <= value <= high:
        raise FactorDataError(f"{where}: low <= value <= high does not hold")
    default = row["default"].strip().lower()
    if default not in ("yes", "no"):
        raise FactorDataError(f"{where}: default must be yes or no, got '{row['default']}'")
    return default == "yes", Factor(
        table=name, key=key, attribute=attribute, value=value, unit=canonical,
        source=row["source"].strip(), year=_year(row["year"].strip(), where), low=low,
        high=high, note=row["note"].strip())


def _long_table(path: Path, name: str, spec: dict,
                candidates: dict[tuple[str, str], list[tuple[bool, Factor]]],
                labels: dict[str, str]) -> Table:
    """The table of the rows read, once the table's rules hold."""
    attributes: dict[str, dict] = spec["attributes"]
    constant_units: dict[str, str] = spec.get("keys", {})
    rows: dict[str, dict[str, Factor]] = {}
    for (key, attribute), options in candidates.items():
        chosen = [f for is_default, f in options if is_default]
        if len(chosen) != 1:
            raise FactorDataError(
                f"{path.name}: {key}.{attribute} has {len(chosen)} rows marked default=yes, need 1")
        others = tuple(f for is_default, f in options if not is_default)
        rows.setdefault(key, {})[attribute] = _with_alternatives(chosen[0], others)
    for key, values in rows.items():
        missing = [a for a, s in attributes.items() if s.get("required") and a not in values]
        if missing:
            raise FactorDataError(f"{path.name}: '{key}' lacks required {missing}")
    missing_constants = sorted(set(constant_units) - set(rows))
    if missing_constants:
        raise FactorDataError(f"{path.name}: constants missing: {missing_constants}")
    return Table(name=name, describes=spec.get("describes", ""),
                 rows=MappingProxyType({k: MappingProxyType(v) for k, v in rows.items()}),
                 labels=MappingProxyType(labels))


def _with_alternatives(chosen: Factor, others: tuple[Factor, ...]) -> Factor:
    return dataclasses.replace(chosen, alternatives=others)


def _read_regions(path: Path, spec: dict) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for line, row in _rows(path, spec["columns"]):
        where = f"{path.name}:{line}"
        region = row["region"].strip()
        if region in regions:
            raise FactorDataError(f"{where}: duplicate region '{region}'")
        if ":" not in region or not row["source"].strip():
            raise FactorDataError(f"{where}: region must be provider:name and have a source")
        if region.split(":", 1)[0] != row["provider"].strip():
            raise FactorDataError(f"{where}: provider '{row['provider']}' does not match "
                                  f"'{region}'")
        regions[region] = Region(
            region=region, provider=row["provider"].strip(), label=row["label"].strip(),
            zone=row["zone"].strip(), datacenter=row["datacenter"].strip(),
            source=row["source"].strip(), year=_year(row["year"].strip(), where),
            note=row["note"].strip())
    return regions


LINK_COLUMNS = ["key", "target", "source", "year", "note"]


def _read_links(path: Path) -> dict[str, Link]:
    """A link table: each key once, with a target, a source and a year."""
    links: dict[str, Link] = {}
    for line, row in _rows(path, LINK_COLUMNS):
        where = f"{path.name}:{line}"
        key, target = row["key"].strip(), row["target"].strip()
        if not key or not target or not row["source"].strip():
            raise FactorDataError(f"{where}: key, target and source are required")
        if key in links:
            raise FactorDataError(f"{where}: duplicate key '{key}'")
        links[key] = Link(key=key, target=target, source=row["source"].strip(),
                          year=_year(row["year"].strip(), where), note=row["note"].strip())
    return links


def _check_links(fs: FactorSet, manifest: dict, folder: Path) -> None:
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


def _check_host_shares(fs: FactorSet, folder: Path) -> None:
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


def _check_references(fs: FactorSet, folder: Path) -> None:
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
