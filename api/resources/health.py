"""GET /healthz: liveness and readiness, with the factor-set versions loaded."""

from __future__ import annotations

from flask import current_app

from api.requests import Blueprint
from api.schemas import HealthSchema
from lca.method import METHOD_VERSION

blp = Blueprint("health", __name__, description="Liveness and readiness.")


@blp.route("/healthz")
@blp.response(200, HealthSchema)
def health() -> dict:
    """Service health.

    Ready once the factor sets are loaded and validated (the app is not created otherwise);
    names the default factor-set version and the method version.
    """
    sets = current_app.extensions["lca.factor_sets"]
    return {"status": "ok", "factors": current_app.extensions["lca.default_version"],
            "versions": sorted(sets), "method": METHOD_VERSION}
