"""Structured logs: one JSON object per line, each request's line carrying its request id."""

from __future__ import annotations

import json
import logging
import sys
import time

from flask import Flask, Response, current_app, g, request

ACCESS = logging.getLogger("lca.access")


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line: time, level, logger, message and any ``extra`` keys."""

    RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
                 "level": record.levelname.lower(), "logger": record.name,
                 "message": record.getMessage()}
        entry.update((k, v) for k, v in vars(record).items() if k not in self.RESERVED)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def configure(app: Flask) -> None:
    """Send the ``lca`` loggers to stderr as JSON lines (the hooks are installed by create_app)."""
    logger = logging.getLogger("lca")
    if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))


def start_clock() -> None:
    """before_request, first of all: the time of everything the app does with the request."""
    g.started = time.perf_counter()


def log_request(response: Response) -> Response:
    """after_request: one access line, with the request's id, status, time (ms) and size."""
    if current_app.config.get("ACCESS_LOG", True):
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        ACCESS.info("request", extra={
            "request_id": g.get("request_id", ""), "method": request.method,
            "path": request.path, "status": response.status_code,
            "ms": round(elapsed * 1e3, 3), "bytes": response.calculate_content_length()})
    return response
