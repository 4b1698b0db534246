"""lca: life-cycle footprint of large language models — training, inference and lifecycle.

A pure calculation core: plain data in, plain data out. ``estimate(profile)`` returns the same
estimate as ``POST /v1/estimates`` with no web framework involved; an ``Estimator`` built on a
``FactorRepository`` does the same against factor sets of your choosing, and keeps its caches.
"""

from lca.compare import compare
from lca.engine.batch import estimate_batch
from lca.engine.columns import estimate_columns
from lca.engine.table import estimate_table
from lca.errors import FactorDataError, FieldError, LcaError, ProfileError
from lca.estimator import Estimator, estimate, read
from lca.factors import FactorRepository, FactorSet, available_versions, load_factor_set
from lca.method import METHOD_VERSION
from lca.model.graph import calculate
from lca.usage import usage, usage_stream

__all__ = [
    "METHOD_VERSION", "Estimator", "FactorDataError", "FactorRepository", "FactorSet",
    "FieldError", "LcaError", "ProfileError", "available_versions", "calculate", "compare",
    "estimate", "estimate_batch", "estimate_columns", "estimate_table", "load_factor_set", "read",
    "usage", "usage_stream",
]
