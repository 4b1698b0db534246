"""GET /healthz: liveness and readiness, with the factor-set versions loaded."""

from __future__ import annotations

from api.extensions import default_version, versions
from api.requests import Blueprint
from api.schemas import HealthSchema
from lca.method import METHOD_VERSION

blp = Blueprint("health", __name__, description="Liveness and readiness.")


@blp.route("/healthz")
@blp.response(200, HealthSchema)
def health() -> dict:
    """Service health.

    Ready once the factor sets are loaded and validated (the app is not created otherwise);
    names the default factor-set version, every version in release order, and the method
    version.
    """
    return {"status": "ok", "factors": default_version(), "versions": versions(),
            "method": METHOD_VERSION}
