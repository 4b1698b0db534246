"""Factor sets: the versioned tables of emission, water, resource and hardware factors.

A factor set is a folder ``factors/<version>/`` holding a ``manifest.json`` (the version string
and the schema of each table) and one CSV per table. Every value is converted to its canonical
unit once, when loaded (lca.factors.loader, the only place lca reads files), and carries its
source and year. The grammar of the tables is documented in ``factors/README.md``.

The package holds lca.factors.sets (Factor, FactorSet and the tables: the data, immutable),
lca.factors.loader (the folders, reading and converting the tables), lca.factors.checks (the
checks across tables) and lca.factors.repository (FactorRepository); every public name is
re-exported here.
"""

from lca.factors.loader import (
    LONG_COLUMNS,
    available_versions,
    default_root,
    load_all,
    load_factor_set,
    packaged_root,
)
from lca.factors.repository import FactorRepository
from lca.factors.sets import (
    OPTIONAL_TABLES,
    TABLES,
    Factor,
    FactorSet,
    Link,
    Region,
    Table,
)

__all__ = [
    "LONG_COLUMNS", "OPTIONAL_TABLES", "TABLES", "Factor", "FactorRepository", "FactorSet", "Link",
    "Region", "Table", "available_versions", "default_root", "load_all", "load_factor_set",
    "packaged_root",
]
