"""lca: life-cycle footprint of large language models — training, inference and lifecycle.

A pure calculation core: plain data in, plain data out. ``estimate(profile)`` returns the same
estimate as ``POST /v1/estimates`` with no web framework involved.
"""

from lca.calculate import calculate
from lca.errors import FactorDataError, FieldError, LcaError, ProfileError
from lca.estimate import METHOD_VERSION, estimate, render
from lca.factors import FactorSet, available_versions, load_factor_set
from lca.profile import Resolved, resolve

__all__ = [
    "METHOD_VERSION", "FactorDataError", "FactorSet", "FieldError", "LcaError", "ProfileError",
    "Resolved", "available_versions", "calculate", "estimate", "load_factor_set", "render",
    "resolve",
]
