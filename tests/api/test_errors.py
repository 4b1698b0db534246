"""Every error path answers application/problem+json with a 4xx, never a 500."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PROBLEM = "application/problem+json"
ROOT = Path(__file__).resolve().parents[2]  # where the code runs: never named in a response


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.data[:500]
    assert response.mimetype == PROBLEM
    body = response.json
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and str(ROOT) not in text and ".py" not in text
    return body


def fields(body: dict) -> dict[str, str]:
    return {e["field"]: e["message"] for e in body.get("errors", [])}


@pytest.mark.parametrize(("payload", "field", "fragment"), [
    ({"model": "llama-3.1-70b", "training": {"duration": "3 kg", "accelerator_count": 8}},
     "training.duration", "expected a time"),
    ({"model": {"parameters": float("nan")}, "inference": {}}, "model.parameters", "finite"),
    ({"model": {"parameters": -7}, "inference": {}}, "model.parameters", "range"),
    ({"model": {"parameters": 1e30}, "inference": {}}, "model.parameters", "range"),
    ({"model": "llama-3.1-70b", "inference": {"batch_size": "9**9**9"}}, "inference.batch_size",
     "expected a number"),
    ({"model": "llama-3.1-70b", "inference": {"output_tokens": True}},
     "inference.output_tokens", "expected"),
    ({"model": "llama-3.1-70b", "inference": {"ouput_tokens": 5}}, "inference.ouput_tokens",
     "nknown field"),
    ({"model": "llama-3.1-70b", "inference": {"location": "ATLANTIS"}}, "inference.location",
     "unknown"),
    ({"model": "gpt-17", "inference": {}}, "model.preset", "unknown model preset"),
    ({"model": "llama-3.1-70b", "inference": {"hardware": "abacus"}}, "inference.hardware",
     "unknown hardware"),
    ({"model": "llama-3.1-70b", "inference": {}, "units": {"gwp": "W"}}, "units.gwp", "expected"),
    ({"model": "llama-3.1-70b", "inference": {}, "uncertainty": "yes"}, "uncertainty", "expected"),
    ({"model": "llama-3.1-70b"}, "", "training section"),
    ({"inference": {}}, "model", "required"),
    ({"model": "llama-3.1-70b", "inference": []}, "inference", "expected an object"),
    # a null preset reads as absent (found by schemathesis: it was a 500)
    ({"model": {"preset": None}, "inference": {}}, "model.parameters", "required"),
])
def test_invalid_profiles_are_422_naming_the_field(client, payload, field, fragment):
    # the stdlib writes NaN as the token a careless client would send
    body = assert_problem(client.post("/v1/estimates", data=json.dumps(payload),
                                      content_type="application/json"), 422)
    errors = fields(body)
    assert field in errors, errors
    assert fragment in errors[field]


def test_a_json_array_body_is_422(client):
    assert_problem(client.post("/v1/estimates", json=[1, 2]), 422)


@pytest.mark.parametrize("data", [b"{bad", b"", b"\xff\xfe", b"[" * 100_000, b'{"a": 1e999999}'])
def test_unreadable_json_is_400_or_422(client, data):
    response = client.post("/v1/estimates", data=data, content_type="application/json")
    assert response.status_code in (400, 422)
    assert_problem(response, response.status_code)


def test_non_json_content_type_is_415(client):
    assert_problem(client.post("/v1/estimates", data="model=x",
                               content_type="application/x-www-form-urlencoded"), 415)


def test_body_over_the_limit_is_413(client, app):
    big = b'{"name": "' + b"x" * (app.config["MAX_CONTENT_LENGTH"] + 10) + b'"}'
    assert_problem(client.post("/v1/estimates", data=big, content_type="application/json"), 413)


def test_unknown_route_is_404(client):
    assert_problem(client.get("/v1/nothing-here"), 404)


def test_wrong_method_is_405_with_allow(client):
    response = client.get("/v1/estimates")
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_unknown_factor_table_and_version_are_404(client):
    assert_problem(client.get("/v1/factors/unicorns"), 404)
    assert_problem(client.get("/v1/factors/zones?version=1999.9"), 404)


def test_an_unexpected_failure_is_a_500_problem_without_internals(app, monkeypatch):
    import api.resources.estimates as view

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"secret internal detail at {ROOT}/lca/x.py")

    monkeypatch.setattr(view, "estimate", boom)
    response = app.test_client().post("/v1/estimates", json={"model": "gpt-3", "inference": {}})
    body = assert_problem(response, 500)
    assert "secret" not in body["detail"]


def test_request_id_is_echoed_or_generated(client):
    echoed = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32


def test_an_undeclared_method_with_a_non_json_body_is_405_with_allow(client):
    response = client.put("/healthz", data="x", content_type="text/plain")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert set(response.headers["Allow"].split(", ")) >= {"GET"}
    response = client.delete("/v1/estimates", data="x", content_type="text/plain")
    assert (response.status_code, response.headers["Allow"]) == (405, "OPTIONS, POST")


def test_a_registered_body_reader_serves_its_media_type_and_415_lists_the_types():
    """Request bodies are read through a registry of media types (JSON today): a reader
    registered for another type serves it, and a 415 names every type the service reads."""
    from api import create_app
    from api.requests import BODY_READERS, UnreadableBodyError, register_body_reader

    def read_lines(raw: bytes) -> object:
        if not raw.strip():
            raise UnreadableBodyError("empty body")
        model, location = raw.decode().split(",")
        return {"model": model.strip(), "inference": {"location": location.strip()},
                "uncertainty": False}

    client = create_app({"ACCESS_LOG": False}).test_client()
    try:
        register_body_reader("text/x-lca-line", read_lines)
        answer = client.post("/v1/estimates", data="llama-3.1-8b, FRA",
                             content_type="text/x-lca-line")
        assert answer.status_code == 200 and answer.json["inference"]["path"] == "roofline"
        assert_problem(client.post("/v1/estimates", data=" ", content_type="text/x-lca-line"),
                       400)
        refused = client.post("/v1/estimates", data="x", content_type="text/plain")
        assert_problem(refused, 415)
        assert "application/json or text/x-lca-line" in refused.json["detail"]
    finally:
        BODY_READERS.pop("text/x-lca-line", None)
