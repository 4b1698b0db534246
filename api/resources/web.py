"""GET /: the web calculator (package ``web``), with its assets under /web/, outside the OpenAPI
document (registered on the Flask app, not on the Api)."""

from __future__ import annotations

from flask import Response, send_from_directory

from api.requests import Blueprint
from web import STATIC

# The page loads its own script, style sheet and vendored chart library, and talks to this API.
WEB_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
           "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
           "frame-ancestors 'none'")

blp = Blueprint("web", __name__, static_folder=str(STATIC), static_url_path="/web",
                description="The web calculator.")


@blp.route("/")
def index() -> Response:
    """The calculator page."""
    return send_from_directory(STATIC, "index.html", max_age=0)


@blp.after_request
def _page_policy(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = WEB_CSP
    return response
