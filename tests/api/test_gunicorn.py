"""End to end: gunicorn started the way the Procfile does, on a free loopback port."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile_command() -> str:
    line = (ROOT / "Procfile").read_text().strip()
    assert line.startswith("web: ")
    return line.removeprefix("web: ")


@pytest.fixture(scope="module")
def server() -> str:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    assert gunicorn, "gunicorn is installed beside the interpreter"
    port = free_port()
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "WEB_CONCURRENCY": "2"}
    command = procfile_command().replace("gunicorn", gunicorn, 1)
    proc = subprocess.Popen(command, shell=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def post(url: str, body: bytes, content_type: str = "application/json"
         ) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers["Content-Type"], json.load(error)


@pytest.mark.e2e
def test_gunicorn_serves_an_estimate_as_the_procfile_starts_it(server):
    status, ctype, body = post(f"{server}/v1/estimates", json.dumps(
        {"model": "llama-3.1-8b", "inference": {"location": "FRA", "requests": 1e6}}).encode())
    assert status == 200 and ctype.startswith("application/json")
    assert body["inference"]["per_request"]["gwp"]["value"] > 0


@pytest.mark.e2e
def test_gunicorn_answers_bad_input_with_problem_json(server):
    status, ctype, body = post(f"{server}/v1/estimates", b"{not json")
    assert (status, ctype) == (400, "application/problem+json")
    status, ctype, body = post(f"{server}/v1/estimates", b'{"model": {"parameters": "1 kg"}}')
    assert status == 422 and body["errors"][0]["field"] == "model.parameters"
