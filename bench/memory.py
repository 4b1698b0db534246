"""Peak resident memory of a gunicorn worker serving the largest requests the API accepts.

    python -m bench.memory        (also part of make bench)

For each kind of request, a fresh gunicorn with one worker (as the Procfile starts it, on a
loopback port) serves one warm-up GET /healthz, then the request; the worker's peak RSS
(VmHWM) is read from /proc after it answered. The target is 300 MB per worker for each kind.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from bench.load import free_port, start_server, workers_of
from bench.profiles import varied

TARGET_MB = 300
BODY_LIMIT = 4 * 1024 * 1024


def batch_body() -> bytes:
    """10,000 varied profiles, full view (the largest response: about 160 MiB)."""
    profiles = [{**p, "uncertainty": False} for p in varied(10_000, seed=4)]
    return json.dumps({"profiles": profiles, "view": "full"}).encode()


def table_body() -> bytes:
    """As many varied profiles as fit in the 4 MiB body limit."""
    profiles = varied(20_000, seed=5)
    low, high = 1, len(profiles)
    while low < high:  # the longest prefix under the limit
        mid = (low + high + 1) // 2
        if len(json.dumps({"profiles": profiles[:mid]}).encode()) <= BODY_LIMIT:
            low = mid
        else:
            high = mid - 1
    return json.dumps({"profiles": profiles[:low]}).encode()


def columns_body() -> bytes:
    """A base profile and two varied token counts over 100,000 rows."""
    rows = varied(100_000, seed=6)
    return json.dumps({
        "base": {"model": "llama-3.1-70b", "inference": {"location": "FRA", "requests": 1,
                                                         "input_tokens": 1000,
                                                         "output_tokens": 400}},
        "columns": {"inference.input_tokens": [p["inference"]["input_tokens"] for p in rows],
                    "inference.output_tokens": [p["inference"]["output_tokens"] for p in rows]},
    }).encode()


def comparison_body() -> bytes:
    """100 scenarios (a 10 x 10 sweep) with the default Monte Carlo (2,000 samples each)."""
    return json.dumps({
        "base": {"model": "llama-3.1-70b", "inference": {"requests_per_day": 1e6,
                                                         "duration": "1 year"}},
        "vary": {"inference.location": ["FRA", "USA", "DEU", "SWE", "IND", "POL", "ESP", "ITA",
                                        "NOR", "CAN"],
                 "inference.batch_size": [1, 4, 8, 16, 32, 48, 64, 96, 128, 256]},
    }).encode()


KINDS: list[tuple[str, str, Callable[[], bytes]]] = [
    ("batch, 10,000 profiles, full view", "/v1/estimates/batch", batch_body),
    ("table at the 4 MiB body limit", "/v1/estimates/table", table_body),
    ("columns, 100,000 rows", "/v1/estimates/columns", columns_body),
    ("comparison, 100 scenarios, Monte Carlo", "/v1/comparisons", comparison_body),
]


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def measure(path: str, body: bytes) -> tuple[int, int, float, int, int]:
    """(status, response bytes, seconds, warm RSS kB, peak RSS kB) of one request."""
    port = free_port()
    proc = start_server(port, 1)
    try:
        (worker,) = workers_of(proc)
        warm = _status_kb(worker, "VmRSS")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        start = time.perf_counter()
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        size = 0
        while chunk := response.read(1 << 20):
            size += len(chunk)
        elapsed = time.perf_counter() - start
        return response.status, size, elapsed, warm, _status_kb(worker, "VmHWM")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def memory() -> None:
    print(f"6. peak RSS of one gunicorn worker per request kind (target <= {TARGET_MB} MB; "
          "warm worker first)")
    for label, path, make in KINDS:
        body = make()
        status, size, seconds, warm, peak = measure(path, body)
        verdict = "met" if status == 200 and peak / 1024 <= TARGET_MB else "NOT met"
        print(f"   {label:40s} body {len(body) / 2**20:5.2f} MiB -> {status} "
              f"{size / 2**20:7.2f} MiB in {seconds:5.2f} s; RSS {warm / 1024:4.0f} -> peak "
              f"{peak / 1024:4.0f} MB  {verdict}")


if __name__ == "__main__":
    memory()
