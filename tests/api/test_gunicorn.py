"""End to end: gunicorn started the way the Procfile does, on a free loopback port."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.api.server import gunicorn


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
