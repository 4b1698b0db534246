"""POST /v1/usage: rows and deployments in, groups and rejected rows out."""

from __future__ import annotations

import pytest

from api.resources.usage import EXAMPLE
from lca.usage import usage


def test_the_example_gives_the_groups_of_lca_usage(client):
    response = client.post("/v1/usage", json=EXAMPLE)
    assert response.status_code == 200
    body = response.get_json()
    expected = usage(EXAMPLE["rows"], EXAMPLE["deployments"], EXAMPLE["group_by"],
                     EXAMPLE["samples"])
    assert body["groups"] == expected["groups"]  # JSON round-trips floats exactly
    assert body["summary"]["rows_read"] == 2 and body["rejects"] == []


def test_malformed_rows_are_listed_by_index_with_their_reason(client):
    rows = [*EXAMPLE["rows"], {"model": "llama-3.1-8b", "input_tokens": 1, "output_tokens": 1},
            "text", {**EXAMPLE["rows"][0], "output_tokens": -1}]
    response = client.post("/v1/usage", json={**EXAMPLE, "rows": rows, "samples": 0})
    assert response.status_code == 200
    body = response.get_json()
    assert [r["index"] for r in body["rejects"]] == [2, 3, 4]
    assert "timestamp" in body["rejects"][0]["reason"]
    assert body["summary"] == {**body["summary"], "rows_read": 5, "rows_estimated": 2,
                               "rows_rejected": 3}


@pytest.mark.parametrize(("change", "field"), [
    ({"deployments": {"models": {"llama-3.1-8b": {"inference": {
        "hardware": "nvidia-h100-sxm", "requests_per_second": 3}}}}},
     "deployments.models.llama-3.1-8b.inference.requests_per_second"),
    ({"group_by": ["model", "model"]}, "group_by"),
    ({"rows": []}, "rows"),
    ({"samples": 10_000}, "samples"),
])
def test_bad_input_is_a_problem_naming_the_field(client, change, field):
    response = client.post("/v1/usage", json={**EXAMPLE, **change})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in [e["field"] for e in response.get_json()["errors"]]
