"""GET /docs: Swagger UI over /openapi.json, from packaged assets, with no inline script."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

PAGES = Path(__file__).resolve().parent.parent / "docs"
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'")

blp = Blueprint("docs", __name__)


@blp.route("/docs")
def docs() -> Response:
    """The browsable API documentation."""
    response = send_from_directory(PAGES, "index.html")
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@blp.route("/docs/init.js")
def init() -> Response:
    """The script that starts Swagger UI."""
    return send_from_directory(PAGES, "init.js")


@blp.after_app_request
def _docs_policy(response: Response) -> Response:
    from flask import request

    if request.path.startswith("/docs"):
        response.headers["Content-Security-Policy"] = DOCS_CSP
    return response
