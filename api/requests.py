"""Request hygiene: JSON content type, strict JSON parsing once per request, nesting depth,
request ids and security headers."""

from __future__ import annotations

import functools
import json
import re
import uuid
from collections.abc import Callable

import flask_smorest
from flask import Request, Response, current_app, g, request
from webargs.flaskparser import FlaskParser

from api.errors import PROBLEM_JSON, problem
from api.schemas import ProblemSchema

_JSON_TYPES = ("application/json",)
MAX_DEPTH = 32
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# JSON responses never need to load anything; pages get their own policy in their blueprint.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}


_SCALARS = frozenset({str, int, float, bool, type(None)})


def depth(value: object) -> int:
    """Nesting depth of a parsed JSON value (a scalar is 0), without recursion.

    A list or object whose members are all scalars (a column of 100,000 numbers) ends there:
    the types of its members are checked in one C-level pass, and none is visited.
    """
    if not isinstance(value, (dict, list)):
        return 0
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, level = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        level += 1
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level
        if _SCALARS.issuperset(map(type, children)):
            continue
        stack.extend((child, level) for child in children if isinstance(child, (dict, list)))
    return deepest


def is_json(mimetype: str) -> bool:
    """Whether a request's media type is JSON (application/json or any +json)."""
    return mimetype in _JSON_TYPES or mimetype.endswith("+json")


class Parser(FlaskParser):
    """webargs parser that reuses the body parsed (and checked) in before_request."""

    def _raw_load_json(self, req: Request) -> object:
        return g.get("lca_body")


PROBLEMS = {
    400: "Unreadable JSON (syntax, encoding or nesting depth)",
    404: "No such resource",
    413: "Body over the size limit",
    415: "Body of a media type the operation does not read (see its request body)",
    422: "Invalid input: every wrong field is listed in `errors`",
}


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest Blueprint whose arguments come from the body parsed in before_request."""

    ARGUMENTS_PARSER = Parser()

    def body(self, schema: type, example: object = None) -> Callable:
        """Document ``schema`` as the JSON request body and pass the parsed body to the view.

        For profiles: lca validates them itself (it must, as a library), field by field with
        the same messages, so validating them again with marshmallow would only cost time.
        """
        content: dict = {"schema": schema}
        if example is not None:
            content["example"] = example
        document = self.doc(requestBody={"required": True,
                                         "content": {"application/json": content}})

        def decorate(view: Callable) -> Callable:
            @functools.wraps(view)
            def with_body(*args: object, **kwargs: object) -> object:
                return view(*args, g.get("lca_body"), **kwargs)
            return document(with_body)
        return decorate

    def accepts(self, media_type: str, reader: BodyReader, schema: dict,
                example: object = None) -> Callable:
        """The view also reads bodies of ``media_type`` (besides JSON), with ``reader``, which
        turns the raw bytes into the JSON body the view's arguments take; the request body's
        document lists the type with ``schema``. Put it above the view's other decorators."""
        content: dict = {"schema": schema}
        if example is not None:
            content["example"] = example
        document = self.doc(requestBody={"content": {media_type: content}})

        def decorate(view: Callable) -> Callable:
            view = document(view)
            readers = dict(getattr(view, VIEW_READERS, {}))
            readers[media_type] = reader
            setattr(view, VIEW_READERS, readers)
            return view
        return decorate

    def problems(self, *codes: int) -> Callable:
        """Document the problem+json responses ``codes`` of a view."""
        def decorate(view: Callable) -> Callable:
            for code in codes:
                view = self.alt_response(code, schema=ProblemSchema, description=PROBLEMS[code],
                                         content_type=PROBLEM_JSON, success=False)(view)
            return view
        return decorate


def assign_request_id() -> None:
    """before_request: the caller's X-Request-ID when it is a plain token, else a new one."""
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex


class UnreadableBodyError(ValueError):
    """A body its reader cannot read: ``detail`` says where and why (a 400)."""

    def __init__(self, detail: str, kind: str = "unreadable-body") -> None:
        super().__init__(detail)
        self.detail, self.kind = detail, kind


def read_json(raw: bytes) -> object:
    """A JSON body, parsed strictly (NaN and Infinity come back as field errors later) and
    within MAX_DEPTH levels of nesting."""
    if not raw.strip():
        raise UnreadableBodyError("the body is empty; send the request as a JSON object",
                                  "unreadable-json")
    try:
        body = json.loads(raw)
    except RecursionError:
        raise UnreadableBodyError("JSON nested too deeply", "unreadable-json") from None
    except (ValueError, UnicodeDecodeError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
        raise UnreadableBodyError(f"the body is not valid JSON{where}", "unreadable-json") from None
    if depth(body) > MAX_DEPTH:
        raise UnreadableBodyError(f"JSON nested deeper than {MAX_DEPTH} levels", "unreadable-json")
    return body


BodyReader = Callable[[bytes], object]
BODY_READERS: dict[str, BodyReader] = {"application/json": read_json}
"""The request body types the service reads, by media type: a reader turns the raw bytes into
the plain data a view takes, or raises UnreadableBodyError. Register more with register_body_reader
(a CSV or Parquet reader of request logs, say)."""


def register_body_reader(media_type: str, reader: BodyReader) -> None:
    """Read bodies of ``media_type`` with ``reader`` from now on."""
    BODY_READERS[media_type] = reader


VIEW_READERS = "_lca_body_readers"
"""The attribute of a view function holding the readers of the media types that view alone
accepts (Blueprint.accepts)."""


def view_readers() -> dict[str, BodyReader]:
    """The readers of the media types the request's view accepts besides the service-wide
    ones (Blueprint.accepts): a CSV to the CodeCarbon import, say, but not to estimates."""
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, request.method.lower(), None)
    return dict(getattr(view, VIEW_READERS, {}))


def reader_for(mimetype: str, extra: dict[str, BodyReader] | None = None
               ) -> BodyReader | None:
    """The reader of a media type, from BODY_READERS and ``extra``; any ``+json`` type is
    JSON."""
    found = (extra or {}).get(mimetype) or BODY_READERS.get(mimetype)
    if found is None and is_json(mimetype):
        found = read_json
    return found


def read_text(raw: bytes) -> str:
    """A text body (a CSV file, a model card) as a string: UTF-8, a byte-order mark
    dropped."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableBodyError(f"the body is not UTF-8 text (byte {exc.start})",
                                  "unreadable-text") from None


def read_body() -> Response | None:
    """before_request: read the body once with the reader of its media type.

    A request that routing already failed (404, or 405 for a method the path does not serve)
    is left to that error: its body is never read, whatever its content type.
    """
    if request.method not in ("POST", "PUT", "PATCH") or request.routing_exception is not None:
        return None
    extra = view_readers()
    reader = reader_for(request.mimetype, extra)
    if reader is None:
        return problem(415, "Unsupported Media Type",
                       f"send the body as {' or '.join({**BODY_READERS, **extra})}",
                       kind="unsupported-media-type")
    try:
        g.lca_body = reader(request.get_data(cache=True))
    except UnreadableBodyError as exc:
        return problem(400, "Bad Request", exc.detail, kind=exc.kind)
    return None


def security_headers(response: Response) -> Response:
    """after_request: the request id echoed, and the security headers of every response."""
    response.headers["X-Request-ID"] = g.get("request_id", "")
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", API_CSP)
    return response
