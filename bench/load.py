"""Load test against gunicorn on loopback, with one worker killed mid-run (make load).

    python -m bench.load [requests] [concurrency]

Starts gunicorn as the Procfile does on a free 127.0.0.1 port, sends a bounded mix of requests
(estimates, invalid profiles, health checks) from `concurrency` keep-alive connections, kills one
worker with SIGKILL halfway, and prints throughput, p50/p99 latency, errors, retries after the
kill, and whether every request finished. A request that loses its connection is retried once,
as a load balancer would. Bounded in count and time; loopback only.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEADLINE_SECONDS = 300
ESTIMATE = json.dumps({"model": "llama-3.1-70b", "inference": {"location": "FRA",
                       "requests_per_day": 1e6, "duration": "1 year"},
                       "uncertainty": False}).encode()
INVALID = json.dumps({"model": "llama-3.1-70b", "inference": {"batch_size": "3 kg"}}).encode()
MIX = [("POST", "/v1/estimates", ESTIMATE, 200)] * 7 + [
    ("POST", "/v1/estimates", INVALID, 422), ("GET", "/healthz", None, 200),
    ("GET", "/v1/factors", None, 200)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    command = (ROOT / "Procfile").read_text().strip().removeprefix("web: ")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1",
           "WEB_CONCURRENCY": str(workers), "LOG_LEVEL": "warning"}
    proc = subprocess.Popen(command.replace("gunicorn", gunicorn, 1), shell=True, cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not become ready")


def workers_of(proc: subprocess.Popen) -> list[int]:
    """PIDs of the gunicorn workers (children of the master, the shell's child)."""
    pids = []
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = path.read_text().split(") ")[-1].split()
        except OSError:
            continue
        pids.append((int(path.parent.name), int(fields[1])))
    masters = [pid for pid, parent in pids if parent == proc.pid] or [proc.pid]
    return sorted(pid for pid, parent in pids if parent in masters)


class Client(threading.Thread):
    """One keep-alive connection sending its share of the jobs, each a request of ``mix``."""

    def __init__(self, port: int, jobs: list[int], results: list, mix: list = MIX) -> None:
        super().__init__(daemon=True)
        self.port, self.jobs, self.results, self.mix = port, jobs, results, mix
        self.connection: http.client.HTTPConnection | None = None

    def send(self, method: str, path: str, body: bytes | None) -> int:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Content-Type": "application/json"} if body else {}
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        response.read()
        return response.status

    def run(self) -> None:
        for job in self.jobs:
            method, path, body, expected = self.mix[job % len(self.mix)]
            started = time.perf_counter()
            retried = False
            try:
                status = self.send(method, path, body)
            except (OSError, http.client.HTTPException):
                self.connection, retried = None, True
                try:
                    status = self.send(method, path, body)
                except (OSError, http.client.HTTPException):
                    status = -1
            self.results.append((time.perf_counter() - started, status == expected, retried))


def start_clients(port: int, total: int, concurrency: int, results: list, mix: list = MIX
                  ) -> list[Client]:
    """``concurrency`` started clients sharing ``total`` requests of ``mix``."""
    clients = [Client(port, list(range(i, total, concurrency)), results, mix)
               for i in range(concurrency)]
    for client in clients:
        client.start()
    return clients


def main(total: int = 20_000, concurrency: int = 32) -> int:
    workers = os.cpu_count() or 2
    port = free_port()
    proc = start_server(port, workers)
    try:
        results: list = []
        started = time.perf_counter()
        clients = start_clients(port, total, concurrency, results)
        killed = None
        while any(c.is_alive() for c in clients):
            if killed is None and len(results) >= total // 2:
                killed = workers_of(proc)[0]
                os.kill(killed, signal.SIGKILL)
            if time.perf_counter() - started > DEADLINE_SECONDS:
                break
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
        time.sleep(1.0)
        after = workers_of(proc)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    latencies = sorted(r[0] for r in results)
    errors = sum(1 for r in results if not r[1])
    retries = sum(1 for r in results if r[2])
    unfinished = total - len(results)
    print(f"gunicorn, {workers} workers, {concurrency} keep-alive connections, loopback")
    print(f"requests {len(results)}/{total} in {elapsed:.1f} s: {len(results) / elapsed:.0f} req/s")
    print(f"latency p50 {statistics.median(latencies) * 1e3:.1f} ms, "
          f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1e3:.1f} ms")
    print(f"worker {killed} killed with SIGKILL at {total // 2} requests; workers after: "
          f"{len(after)} (expected {workers})")
    print(f"errors {errors}, retried after a lost connection {retries}, unfinished {unfinished}")
    return 0 if errors == 0 and unfinished == 0 and len(after) == workers else 1


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    sys.exit(main(*args))
