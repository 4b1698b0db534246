"""JSON responses written as they are made, for bodies too large to hold whole.

``json_array_response`` writes ``{"<key>": [item, item, ...]}`` plus the newline jsonify adds,
byte for byte what ``jsonify({key: list(items)})`` gives, but holding one item (and one buffer
of about 64 kB) at a time instead of every item, the whole document and its copies.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson
from flask import Response, current_app

CHUNK = 64 * 1024  # bytes gathered before a write, so that 10,000 items are not 10,000 writes


def json_array_response(key: str, items: Iterable[object]) -> Response:
    """A streamed 200 application/json response ``{key: [items...]}``."""
    default = current_app.json.default  # type: ignore[attr-defined]
    return Response(_chunks(orjson.dumps(key), items, default), mimetype="application/json")


def _chunks(key: bytes, items: Iterable[object], default: object) -> Iterator[bytes]:
    buffer = bytearray(b"{" + key + b":[")
    first = True
    for item in items:
        if not first:
            buffer += b","
        first = False
        buffer += orjson.dumps(item, default=default)
        if len(buffer) >= CHUNK:
            yield bytes(buffer)
            buffer.clear()
    buffer += b"]}\n"
    yield bytes(buffer)
