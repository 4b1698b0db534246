"""Where factor sets are and how one is read: the folders that hold them, the manifest and the
CSV tables (long, wide regions, links), every number converted to its canonical unit and every
row checked for a source and a year, then the references between tables (lca.factors.checks).
This is the only place lca reads files; the grammar of the tables is ``factors/README.md``.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from lca.errors import FactorDataError, UnknownFactorSetError
from lca.factors.checks import check_host_shares, check_links, check_references
from lca.factors.sets import OPTIONAL_TABLES, Factor, FactorSet, Link, Region, Table
from lca.units import conversion_factor

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_YEAR = re.compile(r"^[12]\d{3}$")
LONG_COLUMNS = ["key", "label", "attribute", "value", "unit", "low", "high", "default",
                "source", "year", "note"]


def packaged_root() -> Path:
    """Folder of the factor sets that ship with lca: the copy an installed package carries
    (``lca/factor_data``, see setup.cfg), else ``factors/`` of this checkout."""
    here = Path(__file__).resolve().parents[1]  # the lca package
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
        raise UnknownFactorSetError(f"unknown factor set '{version}'; "
                                    f"available: {', '.join(versions)}")
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
    check_references(factor_set, folder)
    check_links(factor_set, manifest, folder)
    check_host_shares(factor_set, folder)
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
