"""The one place that turns errors into application/problem+json responses (RFC 9457).

Every error body has ``type``, ``title``, ``status`` and ``detail``; validation errors add
``errors``, a list of ``{"field": "training.duration", "message": "..."}``. Nothing of the
server's internals (stack traces, paths, versions) ever reaches a response.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Mapping

from flask import Flask, Response, current_app, g, has_request_context, json, request
from werkzeug.exceptions import HTTPException

from lca.errors import LcaError, ProfileError

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:lca:problem:"
log = logging.getLogger("lca.api")


def problem(status: int, title: str, detail: str, errors: list[dict] | None = None,
            kind: str | None = None, headers: Mapping[str, str] | None = None) -> Response:
    """A problem+json response."""
    body: dict = {"type": TYPE_PREFIX + (kind or title.lower().replace(" ", "-")),
                  "title": title, "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_messages(messages: object, prefix: str = "") -> list[dict]:
    """marshmallow's nested error messages as a flat list of {field, message}."""
    if isinstance(messages, Mapping):
        out = []
        for key, value in messages.items():
            path = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
            out.extend(flatten_messages(value, path))
        return out
    if isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            return [{"field": prefix, "message": m} for m in messages]
        out = []
        for item in messages:
            out.extend(flatten_messages(item, prefix))
        return out
    return [{"field": prefix, "message": str(messages)}]


def invalid_profile(errors: list[dict], detail: str | None = None) -> Response:
    """422 for a profile with wrong fields."""
    return problem(422, "Invalid profile",
                   detail or f"{len(errors)} field(s) of the request are invalid; see errors",
                   errors=errors, kind="invalid-profile")


def http_error(error: HTTPException) -> Response:
    """Problem for a werkzeug HTTP error, including flask-smorest's validation aborts."""
    data = getattr(error, "data", None) or {}
    if error.code == 422 and "messages" in data:
        messages = data["messages"]
        if isinstance(messages, Mapping) and set(messages) <= {"json", "query", "view_args"}:
            messages = {k: v for loc in messages.values() for k, v in _items(loc)}
        return invalid_profile([_explained(e, data.get("schema"))
                                for e in flatten_messages(messages)])
    headers = {}
    detail = data.get("message") or error.description or error.name
    if error.code == 404 and "message" not in data and has_request_context():
        detail = _no_such_path(request.path)
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
        usable = sorted(set(error.valid_methods) - {"HEAD", "OPTIONS"})
        if usable and has_request_context():
            detail = (f"{request.method} is not allowed on {request.path}; "
                      f"use {' or '.join(usable)}")
    return problem(error.code or 500, error.name, detail, headers=headers,
                   errors=data.get("errors"))


def _no_such_path(path: str) -> str:
    """A routing 404's detail: the path, and the served paths it most likely meant (a trailing
    slash dropped, a close spelling), else where they are listed."""
    rules = sorted({rule.rule for rule in current_app.url_map.iter_rules()
                    if not rule.rule.startswith("/static")})
    stripped = path.rstrip("/")
    meant = [stripped] if stripped and stripped != path and _routed(stripped) else (
        difflib.get_close_matches(path[:200], [r for r in rules if "<" not in r and r != path],
                                  n=3, cutoff=0.8))
    hint = (f"did you mean {' or '.join(meant)}?" if meant
            else "the operations are listed at /openapi.json")
    return f"no such path: {path[:200]}; {hint}"


def _routed(path: str) -> bool:
    """Whether ``path`` is served (by any method)."""
    try:
        current_app.url_map.bind("").match(path, method="GET")
    except HTTPException as exc:
        return exc.code == 405
    return True


def _explained(error: dict, schema: object) -> dict:
    """marshmallow's "Invalid input type." for a whole body that is not an object (a list, a
    number) as what the operation reads: its fields, the required ones named."""
    if error["field"] or error["message"] != "Invalid input type." or schema is None:
        return error
    declared = {field.data_key or name: field
                for name, field in getattr(schema, "fields", {}).items() if not field.dump_only}
    required = [name for name, field in declared.items() if field.required]
    listed = ", ".join(declared)
    needs = f" (required: {', '.join(required)})" if required else ""
    return {"field": "", "message": f"expected a JSON object with the fields {listed}{needs}"}


def _items(loc: object) -> list[tuple[str, object]]:
    if isinstance(loc, Mapping):
        return list(loc.items())
    return [("", loc)]


def register(app: Flask) -> None:
    """Install the handlers on ``app`` (flask-smorest's HTTP handler is replaced in api.Api)."""

    @app.errorhandler(ProfileError)
    def _profile_error(error: ProfileError) -> Response:
        return invalid_profile(error.errors)

    @app.errorhandler(LcaError)
    def _lca_error(error: LcaError) -> Response:
        log.warning("lca error: %s", error)
        return problem(422, "Unprocessable request", str(error), kind="unprocessable")

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unexpected error", extra={"request_id": g.get("request_id", "")})
        return problem(500, "Internal Server Error", "the server failed to handle this request; "
                       "it has been logged", kind="internal-error")
