"""Hostile input: every case answers a 4xx problem+json promptly and the app keeps serving.

Each request runs under a hang guard (a generous deadline on a worker thread): the point is that
nothing blocks, not how fast it is; speed is measured by the benchmarks.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.api.test_errors import assert_problem

HANG_GUARD_SECONDS = 10
BASE = {"model": "llama-3.1-8b", "inference": {"location": "FRA"}}


def inference(**fields: object) -> bytes:
    return json.dumps({"model": "llama-3.1-8b", "inference": fields}).encode()


def model(**fields: object) -> bytes:
    return json.dumps({"model": fields, "inference": {}}).encode()


CASES = [
    # pint's parser evaluates arithmetic: none of it may reach pint
    ("power-tower", inference(power_per_accelerator="9**9**9 W"), 422),
    ("overflow-product", inference(power_per_accelerator="1e308*1e308 W"), 422),
    ("huge-exponent", inference(power_per_accelerator="1 W**1000000"), 422),
    ("bare-power-unit", inference(power_per_accelerator="W**1000000"), 422),
    ("dunder-unit", inference(power_per_accelerator="1 __class__"), 422),
    ("call-in-unit", inference(power_per_accelerator="1 W()"), 422),
    ("long-unit", inference(power_per_accelerator="1 " + "W*" * 5000 + "W"), 422),
    ("arabic-digits", inference(power_per_accelerator="\u0663 W"), 422),
    ("number-overflowing", inference(power_per_accelerator="1e999 W"), 422),
    # numbers
    ("nan-token", b'{"model": "llama-3.1-8b", "inference": {"batch_size": NaN}}', 422),
    ("infinity-token", b'{"model": "llama-3.1-8b", "inference": {"batch_size": Infinity}}', 422),
    ("minus-infinity", b'{"model": "llama-3.1-8b", "inference": {"requests": -Infinity}}', 422),
    ("float-overflow", b'{"model": "llama-3.1-8b", "inference": {"requests": 1e400}}', 422),
    ("giant-integer", b'{"model": "llama-3.1-8b", "inference": {"requests": ' + b"9" * 5000
     + b"}}", 400),
    ("giant-integer-quantity", b'{"model": {"parameters": ' + b"9" * 400 + b'}, "inference": {}}',
     422),
    ("underflowing-tokens", inference(input_tokens=0, output_tokens=5e-324), 422),
    ("negative-count", inference(accelerators=-8), 422),
    ("zero-output", inference(output_tokens=0), 422),
    ("fractional-count", inference(accelerators=2.5), 422),
    ("absurd-parameters", model(parameters=1e20), 422),
    ("absurd-tokens", inference(input_tokens=1e30), 422),
    ("absurd-hours", json.dumps({"model": "gpt-3", "training": {
        "accelerator_hours": "1e15 h"}}).encode(), 422),
    ("boolean-number", inference(batch_size=True), 422),
    ("null-section", b'{"model": "llama-3.1-8b", "inference": null}', 422),
    ("list-section", b'{"model": "llama-3.1-8b", "inference": [1, 2]}', 422),
    ("string-profile", b'"llama"', 422),
    ("typo-field", inference(batchsize=8), 422),
    ("long-location", inference(location="X" * 10_000), 422),
    ("long-name", json.dumps({**BASE, "name": "n" * 10_000}).encode(), 422),
    # bodies
    ("deep-nesting", b'{"model": ' + b"[" * 40 + b"]" * 40 + b"}", 400),
    ("deeper-than-recursion", b"[" * 100_000 + b"]" * 100_000, 400),
    ("invalid-utf8", b'{"model": "\xff\xfe"}', 400),
    ("empty-body", b"", 400),
    ("batch-over-bound", json.dumps({"profiles": [BASE] * 10_001}).encode(), 422),
    ("batch-giant-integer", b'{"profiles": [{"model": {"parameters": ' + b"9" * 400
     + b'}, "inference": {}}]}', 200),
    ("columns-giant-integer", b'{"base": {"model": "llama-3.1-8b", "inference": {}}, '
     b'"columns": {"inference.output_tokens": [' + b"9" * 400 + b"]}}", 200),
    ("table-giant-integer", b'{"profiles": [{"model": "llama-3.1-8b", "inference": '
     b'{"output_tokens": ' + b"9" * 400 + b"}}]}", 200),
    ("table-odd-profiles", b'{"profiles": [null, "x", [1], {"model": {"parameters": {"low": 1, '
     b'"high": "x"}}, "inference": {}}, {"model": "llama-3.1-8b", "inference": {}}]}', 200),
    ("table-over-bound", b'{"profiles": [' + b",".join([b"{}"] * 100_001) + b"]}", 422),
    ("score-giant-integer", json.dumps({"scenarios": [
        {**BASE, "score": {"value": 1}}, {**BASE, "score": {"value": 1}}]}).encode().replace(
        b'"value": 1}}]', b'"value": ' + b"9" * 400 + b"}}]"), 422),
    ("monte-carlo-over-budget", json.dumps({"scenarios": [BASE] * 10, "uncertainty": {
        "samples": 100_000}}).encode(), 422),
    ("sweep-over-bound", json.dumps({"base": BASE, "vary": {
        "inference.batch_size": list(range(1, 21)),
        "inference.output_tokens": list(range(1, 21))}}).encode(), 422),
]
PATHS = {"batch-over-bound": "/v1/estimates/batch", "sweep-over-bound": "/v1/comparisons",
         "batch-giant-integer": "/v1/estimates/batch",
         "columns-giant-integer": "/v1/estimates/columns",
         "table-giant-integer": "/v1/estimates/table", "table-odd-profiles": "/v1/estimates/table",
         "table-over-bound": "/v1/estimates/table",
         "score-giant-integer": "/v1/comparisons", "monte-carlo-over-budget": "/v1/comparisons"}


@pytest.mark.parametrize(("name", "body", "status"), CASES, ids=[c[0] for c in CASES])
def test_hostile_input_gets_a_prompt_4xx_problem(client, name, body, status):
    """A 4xx problem, or for batch and columns a 200 whose bad item carries its own error."""
    path = PATHS.get(name, "/v1/estimates")
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(client.post, path, data=body, content_type="application/json")
        response = future.result(timeout=HANG_GUARD_SECONDS)
    if status == 200:
        assert response.status_code == 200
        result = response.json
        errors = result.get("errors") or [r["error"] for r in result["results"] if "error" in r]
        assert errors, result
    else:
        assert_problem(response, status)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", ""])
def test_non_json_content_types_are_415(client, content_type):
    assert_problem(client.post("/v1/estimates", data=b'{"model": "x"}',
                               content_type=content_type), 415)


def test_the_app_keeps_serving_after_the_hostile_cases(client):
    for _, body, _ in CASES[:10]:
        client.post("/v1/estimates", data=body, content_type="application/json")
    assert client.post("/v1/estimates", json=BASE).status_code == 200


def test_responses_carry_security_headers_and_no_server_internals(client):
    response = client.post("/v1/estimates", json={"model": {"parameters": "x"}})
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    text = response.get_data(as_text=True)
    for leak in ("Traceback", "site-packages", "werkzeug", "pint", "Python/"):
        assert leak not in text


def test_a_request_id_that_is_not_a_plain_token_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "a b<script>"})
    assert response.headers["X-Request-ID"] != "a b<script>"
    assert len(response.headers["X-Request-ID"]) == 32


def test_depth_counts_containers_and_stops_at_flat_columns():
    from api.requests import MAX_DEPTH, depth

    assert [depth(1), depth([]), depth([[1]]), depth({"a": [1, {"b": 2}]})] == [0, 1, 2, 3]
    assert depth({"columns": {"x": list(range(1000))}}) == 3
    nested: list = [1]
    for _ in range(MAX_DEPTH + 5):
        nested = [0.5, nested]
    assert depth(nested) > MAX_DEPTH
