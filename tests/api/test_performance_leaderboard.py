"""POST /v1/leaderboards/performance: leaderboard rows in, one request's footprint per row out."""

from __future__ import annotations

import pytest

from api.resources.performance import EXAMPLE
from lca.leaderboard.performance import performance


def test_the_example_gives_the_rows_of_lca_performance(client):
    response = client.post("/v1/leaderboards/performance", json=EXAMPLE)
    assert response.status_code == 200
    body = response.get_json()
    options = {k: v for k, v in EXAMPLE.items() if k != "rows"}
    expected = performance(EXAMPLE["rows"], options)
    # JSON round-trips floats exactly; the API adds each row's index in rows (from 0)
    assert body["rows"] == [{**r, "index": r["line"] - 1} for r in expected["rows"]]
    assert body["rejects"] == [] and body["summary"]["rows_estimated"] == 2
    assert body["options"]["concurrency"] == 32


def test_bad_rows_are_listed_by_index_with_their_reason(client):
    rows = [*EXAMPLE["rows"], {**EXAMPLE["rows"][0], "Output Speed (tokens/s)": "n/a"},
            {**EXAMPLE["rows"][0], "Model": "GPT-4o"}, "text"]
    response = client.post("/v1/leaderboards/performance", json={**EXAMPLE, "rows": rows})
    assert response.status_code == 200
    body = response.get_json()
    assert [r["index"] for r in body["rejects"]] == [2, 3, 4]
    assert "not a number" in body["rejects"][0]["reason"]
    assert body["summary"] == {"rows_read": 5, "rows_estimated": 2, "rows_rejected": 3}


def test_options_take_units_and_ranges_as_profile_fields_do(client):
    body = {**EXAMPLE, "concurrency": {"low": 8, "high": 64, "value": "32 dimensionless"},
            "output_tokens": "0.8 ktoken", "precision": "fp8"}
    response = client.post("/v1/leaderboards/performance", json=body)
    assert response.status_code == 200
    options = response.get_json()["options"]
    assert options["concurrency"] == 32 and options["output_tokens"] == 800
    assert options["precision"] == "fp8"


@pytest.mark.parametrize(("change", "field"), [
    ({"concurrency": 0}, "concurrency"),
    ({"accelerators": 0}, "accelerators"),
    ({"concurrency": {"low": 64, "high": 8}}, "concurrency"),
    ({"precision": "fp3"}, "precision"),
    ({"hardware": "h100"}, "hardware"),
    ({"location": "Atlantis"}, "location"),
    ({"columns": {"speed": "Tokens/s"}}, "columns.speed"),
    ({"include_ttft": "perhaps"}, "include_ttft"),
    ({"rows": []}, "rows"),
    ({"colour": "red"}, "colour"),
])
def test_a_bad_option_is_a_problem_naming_the_field(client, change, field):
    response = client.post("/v1/leaderboards/performance", json={**EXAMPLE, **change})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in [e["field"] for e in response.get_json()["errors"]]
