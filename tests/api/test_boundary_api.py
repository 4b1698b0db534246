"""The boundary over HTTP: named in the response, chosen by the profile, stated in Markdown."""

from __future__ import annotations

PROFILE = {"model": "llama-3.1-8b", "uncertainty": False,
           "inference": {"hardware": "nvidia-h100-sxm", "location": "FRA"}}


def test_the_response_names_its_boundary_and_a_profile_may_choose_another(client):
    default = client.post("/v1/estimates", json=PROFILE).json
    assert default["boundary"]["name"] == "frugal-ai"
    narrow = client.post("/v1/estimates", json={**PROFILE, "boundary": "electricity-and-chips"})
    assert narrow.status_code == 200
    assert narrow.json["boundary"]["stages"] == ["electricity", "hardware"]
    assert (narrow.json["inference"]["per_request"]["gwp"]["value"]
            < default["inference"]["per_request"]["gwp"]["value"])


def test_a_boundary_without_electricity_is_a_422_naming_the_field(client):
    response = client.post("/v1/estimates", json={**PROFILE, "boundary": ["hardware",
                                                                          "network_storage"]})
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["boundary"]


def test_the_markdown_disclosure_states_the_boundary(client):
    response = client.post("/v1/estimates", json=PROFILE, headers={"Accept": "text/markdown"})
    assert "## Boundary" in response.get_data(as_text=True)
