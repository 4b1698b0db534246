"""One structured JSON log line per request, carrying the request id."""

from __future__ import annotations

import json
import logging

from api.logs import JsonFormatter


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _access_line(client, method: str, path: str, **kwargs: object) -> dict:
    handler = Collect()
    logger = logging.getLogger("lca.access")
    logger.addHandler(handler)
    try:
        client.open(path, method=method, **kwargs)
    finally:
        logger.removeHandler(handler)
    return json.loads(JsonFormatter().format(handler.records[-1]))


def test_a_request_rejected_before_its_view_logs_a_positive_duration(client):
    line = _access_line(client, "POST", "/v1/estimates", data="model=x",
                        content_type="text/plain")
    assert line["status"] == 415
    assert line["ms"] > 0


def test_the_clock_starts_before_any_other_request_hook(app):
    from api.logs import start_clock

    assert app.before_request_funcs[None][0] is start_clock


def test_each_request_logs_a_json_line_with_its_request_id_status_and_time(client):
    handler = Collect()
    logger = logging.getLogger("lca.access")
    logger.addHandler(handler)
    try:
        client.get("/healthz", headers={"X-Request-ID": "req-42"})
    finally:
        logger.removeHandler(handler)
    line = json.loads(JsonFormatter().format(handler.records[-1]))
    assert line["request_id"] == "req-42"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["ms"] >= 0 and line["level"] == "info" and line["logger"] == "lca.access"
