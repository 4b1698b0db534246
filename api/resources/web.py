"""GET /: the web calculator (package ``web``), with its assets under /web/, outside the OpenAPI
document (registered on the Flask app, not on the Api)."""

from __future__ import annotations

from dataclasses import asdict

from flask import Response, jsonify, send_from_directory

from api.requests import Blueprint
from lca.leaderboard.table import DEFAULT_COLUMNS, DEFAULT_SCORES, SE_SUFFIX
from lca.report.equivalences import EQUIVALENCES, ILLUSTRATED, ILLUSTRATION
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


@blp.route("/web/equivalences.json")
def equivalences() -> Response:
    """The everyday items the page illustrates its figures with (lca.report.equivalences):
    each with its amount per item (``per_item``, in the indicator's canonical unit, as the
    estimate's figures are), source and year, as data; the page does the arithmetic."""
    return jsonify({"note": ILLUSTRATION, "indicators": list(ILLUSTRATED),
                    "items": [asdict(e) | {"one": e.one or e.label, "per_item": e.per_item}
                              for e in EQUIVALENCES]})


@blp.route("/web/leaderboard-columns.json")
def leaderboard_columns() -> Response:
    """The columns a leaderboard table is read by (lca.leaderboard.table): each role's default
    column, the default score columns and the suffix of a score's standard-error column. The
    page's leaderboard view sends only these columns (and those its request names), so that a
    whole published table (some forty columns) stays under the request body limit."""
    return jsonify({"columns": DEFAULT_COLUMNS, "scores": list(DEFAULT_SCORES),
                    "se_suffix": SE_SUFFIX})


@blp.after_request
def _page_policy(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = WEB_CSP
    return response
