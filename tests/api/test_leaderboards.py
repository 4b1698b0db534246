"""POST /v1/leaderboards: a leaderboard's rows in; per model and analysis out, rejects listed."""

from __future__ import annotations

from api.resources.leaderboards import EXAMPLE
from lca.leaderboard import leaderboard


def test_the_example_gives_the_result_of_lca_leaderboard(client):
    response = client.post("/v1/leaderboards", json=EXAMPLE)
    assert response.status_code == 200
    body = response.get_json()
    expected = leaderboard(EXAMPLE["rows"], {k: v for k, v in EXAMPLE.items() if k != "rows"})
    assert body["models"] == expected["models"]
    assert body["analysis"]["target"]["selected"]["name"] == "tiiuae/Falcon3-7B-Instruct"


def test_bad_rows_are_listed_with_their_row_and_reason(client):
    rows = [*EXAMPLE["rows"], {"fullname": "x", "Average ⬆️": 3}, "text",
            {**EXAMPLE["rows"][0], "Precision": "bf12"}]
    response = client.post("/v1/leaderboards", json={"rows": rows, "samples": 0})
    assert response.status_code == 200
    body = response.get_json()
    assert [r["row"] for r in body["rejects"]] == [3, 4, 5]
    assert body["summary"] == {"rows": 5, "models": 2, "rejected": 3, "samples": 0}


def test_a_wrong_option_is_a_422_naming_it(client):
    for body, field in (({"score": "Elo"}, "score"),
                        ({"deployment": {"hardware": "abacus"}}, "deployment.hardware"),
                        ({"columns": {"parameters": "size"}}, "columns.parameters")):
        response = client.post("/v1/leaderboards", json={"rows": EXAMPLE["rows"], **body})
        assert response.status_code == 422, body
        assert response.content_type == "application/problem+json"
        assert response.get_json()["errors"][0]["field"] == field
