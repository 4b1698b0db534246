"""The data of a factor set, immutable once loaded: a Factor (one value in its canonical unit
with its source, year, range and alternatives), the tables and regions that hold them, the links
between tables, and the FactorSet with its lookups. Loading and validation: lca.factors.loader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


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
