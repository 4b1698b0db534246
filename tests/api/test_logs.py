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
