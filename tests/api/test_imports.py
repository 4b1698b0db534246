"""POST /v1/imports/huggingface and /v1/imports/codecarbon through the Flask test client."""

from __future__ import annotations

from pathlib import Path

import pytest

from lca import estimate
from lca.interchange import card_block, codecarbon_profile, estimate_imported, huggingface_profile

from .test_errors import assert_problem, fields

FIXTURES = Path(__file__).parents[1] / "fixtures" / "interchange"
README = (FIXTURES / "README.md").read_text()
EMISSIONS_CSV = (FIXTURES / "emissions.csv").read_text()
HUGGINGFACE, CODECARBON = "/v1/imports/huggingface", "/v1/imports/codecarbon"


def test_a_model_card_gives_its_profile_and_the_estimate_of_the_library(client, factors):
    response = client.post(HUGGINGFACE, json={"card": README})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.json
    assert body == estimate_imported(huggingface_profile(card_block(README), factors=factors),
                                     factors)
    assert body["estimate"]["training"]["operational"]["gwp"]["value"] == pytest.approx(411.0)
    assert body["profile"]["training"]["location"] == "DEU"


@pytest.mark.parametrize("block", [
    {"emissions": 250, "geographical_location": "France", "source": "CodeCarbon"},
    250,
    {"emissions": "0.25 kg"},
])
def test_a_co2_block_or_a_number_of_grams_is_imported(client, block):
    response = client.post(HUGGINGFACE, json={"co2_eq_emissions": block})
    assert response.status_code == 200, response.json
    gwp = response.json["estimate"]["training"]["operational"]["gwp"]
    assert gwp["value"] * 1000 == pytest.approx(250, rel=1e-9)


def test_the_estimate_starts_its_records_with_what_the_import_assumed(client):
    body = client.post(HUGGINGFACE, json={"co2_eq_emissions": 250}).json
    assumptions = [a["field"] for a in body["estimate"]["assumptions"]]
    assert assumptions[:2] == ["training.energy", "model.parameters"]
    assert body["estimate"]["warnings"][0]["code"] == "location-unrecognised"


def test_a_model_given_with_the_import_is_used(client):
    body = client.post(HUGGINGFACE, json={"co2_eq_emissions": 250,
                                          "model": "llama-3.1-8b"}).json
    assert body["profile"]["model"] == "llama-3.1-8b"


def test_a_codecarbon_csv_gives_a_measured_energy_estimate(client, factors):
    response = client.post(CODECARBON, json={"csv": EMISSIONS_CSV})
    assert response.status_code == 200
    body = response.json
    assert body == estimate_imported(codecarbon_profile(EMISSIONS_CSV, factors=factors), factors)
    training = body["estimate"]["training"]
    assert training["path"] == "measured_energy"
    pue = factors.get("datacenters", "average", "pue").value
    grid = factors.get("zones", "SGP", "gwp").value
    energy = body["profile"]["training"]["energy"]
    assert training["operational"]["energy"]["value"] == pytest.approx(energy * pue)
    assert training["operational"]["gwp"]["value"] == pytest.approx(energy * pue * grid)


def test_the_imported_profile_posted_back_gives_the_same_figures(client):
    body = client.post(CODECARBON, json={"csv": EMISSIONS_CSV}).json
    again = client.post("/v1/estimates", json=body["profile"]).json
    assert again == estimate(body["profile"])
    assert again["training"] == body["estimate"]["training"]


@pytest.mark.parametrize(("url", "payload", "field", "fragment"), [
    (HUGGINGFACE, {}, "card", "either card or co2_eq_emissions"),
    (HUGGINGFACE, {"card": README, "co2_eq_emissions": 5}, "card", "either card"),
    (HUGGINGFACE, {"card": "---\nlicense: mit\n---\n"}, "card", "no co2_eq_emissions"),
    (HUGGINGFACE, {"card": "---\nco2_eq_emissions: [\n---\n"}, "card", "not valid YAML"),
    (HUGGINGFACE, {"card": 5}, "card", "Not a valid string"),
    (HUGGINGFACE, {"co2_eq_emissions": {"emissions": -3}}, "co2_eq_emissions.emissions",
     "range"),
    (HUGGINGFACE, {"co2_eq_emissions": {"source": "x"}}, "co2_eq_emissions.emissions",
     "required"),
    (HUGGINGFACE, {"co2_eq_emissions": "lots"}, "co2_eq_emissions", "expected a number"),
    (HUGGINGFACE, {"co2_eq_emissions": 5, "model": "gpt-17"}, "model.preset",
     "unknown model preset"),
    (HUGGINGFACE, {"co2_eq_emissions": 5, "extra": 1}, "extra", "Unknown field"),
    (CODECARBON, {}, "csv", "required"),
    (CODECARBON, {"csv": ""}, "csv", "empty"),
    (CODECARBON, {"csv": "a,b\n1,2\n"}, "csv", "no energy_consumed column"),
    (CODECARBON, {"csv": "energy_consumed\nlots\n"}, "csv.energy_consumed", "line 2"),
    (CODECARBON, {"csv": "energy_consumed,country_iso_code\n1,FRA\n2,USA\n"},
     "csv.country_iso_code", "several countries"),
    (CODECARBON, {"csv": ["a"]}, "csv", "Not a valid string"),
])
def test_invalid_imports_are_422_naming_the_field(client, url, payload, field, fragment):
    body = assert_problem(client.post(url, json=payload), 422)
    assert fragment in fields(body)[field]


@pytest.mark.parametrize(("url", "content_type"), [
    (HUGGINGFACE, "text/csv"), (HUGGINGFACE, "text/plain"), (CODECARBON, "text/markdown"),
    (CODECARBON, "text/plain")])
def test_a_body_of_a_type_the_import_does_not_read_is_415(client, url, content_type):
    assert_problem(client.post(url, data=EMISSIONS_CSV, content_type=content_type), 415)


@pytest.mark.parametrize("url", [HUGGINGFACE, CODECARBON])
def test_unreadable_json_is_400(client, url):
    assert_problem(client.post(url, data="{\"csv\": ", content_type="application/json"), 400)


@pytest.mark.parametrize("url", [HUGGINGFACE, CODECARBON])
def test_imports_are_documented_with_their_problems(client, url):
    spec = client.get("/openapi.json").json
    post = spec["paths"][url]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]
    for code in ("400", "413", "415", "422"):
        assert list(post["responses"][code]["content"]) == ["application/problem+json"]
    assert post["responses"]["200"]["content"]["application/json"]["schema"]
