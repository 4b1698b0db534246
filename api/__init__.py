"""The Flask shell around lca: parse and validate requests, call the core, render responses.

``create_app(config=None)`` builds the app; nothing is built at import time. The factor sets are
loaded and validated once, when the app is created.
"""

from __future__ import annotations

import http
from collections.abc import Mapping

import flask_smorest
import orjson
from flask import Flask, Response
from flask.json.provider import DefaultJSONProvider
from flask_smorest.spec import prepare_response
from swagger_ui_bundle import swagger_ui_path
from werkzeug.exceptions import HTTPException

from api import errors
from api.document import SchemaRules, attributes
from api.schemas import ProblemSchema

DEFAULTS: Mapping[str, object] = {
    "API_TITLE": "lca — life-cycle footprint of large language models",
    "API_VERSION": "1.0",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
    "LCA_FACTORS_DIR": None,
}


class OrjsonProvider(DefaultJSONProvider):
    """JSON responses written by orjson (a tenth of the stdlib's time for an estimate's 10 kB).

    Request bodies are still read by the stdlib (api.requests), which accepts NaN and Infinity
    so that they come back as field errors rather than as unreadable JSON.
    """

    def dumps(self, obj: object, **kwargs: object) -> str:
        return orjson.dumps(obj, default=self.default).decode()


class Api(flask_smorest.Api):
    """flask-smorest's Api with problem+json errors, documented as such."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        return errors.http_error(error)

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, errors.PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, errors.PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    """Build the Flask app: config, factor sets, blueprints, error handlers, docs assets."""
    from api import extensions, logs
    from api.resources import (
        comparisons,
        docs,
        estimates,
        factors,
        health,
        imports,
        leaderboards,
        performance,
        usage,
        web,
    )

    app = Flask(__name__, static_folder=str(swagger_ui_path), static_url_path="/docs/assets")
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("LCA")  # LCA_FACTORS_DIR=... reaches config["FACTORS_DIR"]
    if "FACTORS_DIR" in app.config:
        app.config["LCA_FACTORS_DIR"] = app.config.pop("FACTORS_DIR")
    app.config.update(config or {})
    app.json = OrjsonProvider(app)
    extensions.init_app(app)
    api = Api(app, spec_kwargs={"info": {"description": DESCRIPTION},
                                "extra_plugins": [SchemaRules()]})
    # the document enumerates the ids of this app's factor sets
    api.ma_plugin.converter.add_attribute_function(
        attributes(app.extensions[extensions.ESTIMATOR].repository))
    for module in (estimates, comparisons, factors, health, imports, usage, leaderboards,
                   performance):
        api.register_blueprint(module.blp)
    app.register_blueprint(docs.blp)
    app.register_blueprint(web.blp)  # the calculator at /, kept out of /openapi.json
    install_hooks(app)
    logs.configure(app)
    errors.register(app)
    return app


def install_hooks(app: Flask) -> None:
    """The request pipeline, in the order it runs: the clock first (so that the access log's
    time covers reading the body, and a request rejected there logs its real time), the request
    id, the body; after the view, the headers, then the access line (Flask runs after_request
    hooks last registered first)."""
    from api import logs, requests

    for before in (logs.start_clock, requests.assign_request_id, requests.read_body):
        app.before_request(before)
    for after in (logs.log_request, requests.security_headers):
        app.after_request(after)


DESCRIPTION = """What does a large language model cost the planet — to train, per request, and
over its whole life? Post a model profile; get energy (kWh), greenhouse gases (kgCO2e), water
consumption (L), abiotic resource depletion (kg Sb eq) and primary energy (MJ), with every factor's
source and year, every default applied, and coded warnings. Errors are application/problem+json."""
