"""End to end: gunicorn started the way the Procfile does, on a free loopback port."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.api.server import ROOT, gunicorn, procfile_command


@pytest.fixture(scope="module")
def server() -> str:
    with gunicorn() as url:
        yield url


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


def bind_of(env: dict[str, str], prefix: str = "") -> str:
    """The address gunicorn.conf.py binds with ``env`` (after a shell ``prefix``, the
    Procfile's assignments), read in a fresh interpreter."""
    script = ("import runpy; print(runpy.run_path('gunicorn.conf.py')['bind'])")
    command = f"{prefix} {shlex.quote(sys.executable)} -c {shlex.quote(script)}"
    clean = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT")}
    done = subprocess.run(command, shell=True, cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_make_serve_answers_this_machine_only_unless_host_is_set():
    assert bind_of({}) == "127.0.0.1:8000"
    assert bind_of({"PORT": "8731"}) == "127.0.0.1:8731"
    assert bind_of({"HOST": "0.0.0.0", "PORT": "8731"}) == "0.0.0.0:8731"


def test_make_serve_uses_the_config_and_sets_no_host():
    recipe = subprocess.run(["make", "-n", "serve", f"STAMP={ROOT / 'Makefile'}"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    assert "-c gunicorn.conf.py" in recipe and "HOST" not in recipe and "--bind" not in recipe


def test_the_procfile_binds_every_interface_on_the_platforms_port():
    prefix = procfile_command().split(" gunicorn ", 1)[0]
    assert bind_of({"PORT": "5000"}, prefix) == "0.0.0.0:5000"
    assert bind_of({"PORT": "5000", "HOST": "127.0.0.1"}, prefix) == "127.0.0.1:5000"


def test_the_readme_says_where_the_server_listens():
    first_screen = (ROOT / "README.md").read_text(encoding="utf-8")[:2000]
    assert "127.0.0.1" in first_screen and "HOST=0.0.0.0 make serve" in first_screen
