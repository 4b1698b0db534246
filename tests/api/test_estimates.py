"""POST /v1/estimates through the Flask test client."""

from __future__ import annotations

from lca import estimate

PROFILE = {
    "name": "llama-3.1-70b, H100, France",
    "model": "llama-3.1-70b",
    "training": {"hardware": "nvidia-h100-sxm", "accelerator_hours": "7000000 h",
                 "location": "USA", "datacenter": "meta"},
    "inference": {"hardware": "nvidia-h100-sxm", "location": "FRA", "datacenter": "hyperscale",
                  "input_tokens": 1000, "output_tokens": 400, "requests_per_day": 1e6,
                  "duration": "18 month"},
}


def test_post_estimate_returns_the_same_numbers_as_the_library(client):
    response = client.post("/v1/estimates", json=PROFILE)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == estimate(PROFILE)


def test_estimate_response_has_every_documented_section(client):
    body = client.post("/v1/estimates", json=PROFILE).json
    assert body["versions"]["method"] and body["versions"]["factors"]
    assert set(body["training"]["impacts"]) == {"energy", "gwp", "water", "adpe", "pe"}
    assert set(body["inference"]["per_request"]) == {"energy", "gwp", "water", "adpe", "pe"}
    assert body["inference"]["requests"] == 1e6 * 18 * 730.5 / 24
    assert set(body["lifecycle"]) == {"total", "per_request", "shares", "breakeven_requests"}
    assert body["inference"]["per_request"]["gwp"]["unit"] == "kgCO2e"
    assert body["factors_used"] and body["assumptions"] is not None


def test_numbers_are_accepted_in_canonical_units_and_strings_with_units(client):
    as_strings = client.post("/v1/estimates", json={
        "model": {"parameters": "7e9"}, "training": {"energy": "1.5 MWh", "location": "FRA"}})
    as_numbers = client.post("/v1/estimates", json={
        "model": {"parameters": 7e9}, "training": {"energy": 1500, "location": "FRA"}})
    assert as_strings.status_code == as_numbers.status_code == 200
    assert as_strings.json == as_numbers.json


def test_display_units_convert_the_figures(client):
    body = client.post("/v1/estimates", json={**PROFILE, "units": {"gwp": "g", "water": "mL"}}).json
    assert body["inference"]["per_request"]["gwp"]["unit"] == "g"
    base = client.post("/v1/estimates", json=PROFILE).json
    assert body["inference"]["per_request"]["gwp"]["value"] == (
        base["inference"]["per_request"]["gwp"]["value"] * 1000)


def test_a_model_preset_object_with_precision_override(client):
    fp8 = client.post("/v1/estimates", json={
        "model": {"preset": "llama-3.1-70b", "precision": "fp8"}, "inference": {}}).json
    bf16 = client.post("/v1/estimates", json={"model": "llama-3.1-70b", "inference": {}}).json
    assert (fp8["inference"]["replica"]["accelerators"]
            < bf16["inference"]["replica"]["accelerators"])


def test_pinning_the_factor_version_is_echoed(client):
    version = client.get("/healthz").json["factors"]
    body = client.post("/v1/estimates", json={**PROFILE, "factors_version": version}).json
    assert body["versions"]["factors"] == version


def test_accept_markdown_gives_the_disclosure_report(client):
    response = client.post("/v1/estimates", json=PROFILE, headers={"Accept": "text/markdown"})
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    text = response.get_data(as_text=True)
    assert text.startswith("# ") and "Mistral" in text
    assert "zones.FRA.gwp" in text  # every factor with its source


def test_accept_csv_gives_one_figure_per_row(client):
    response = client.post("/v1/estimates", json=PROFILE, headers={"Accept": "text/csv"})
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert len(lines) > 50 and "," in lines[0]


def test_json_stays_the_default_for_any_other_accept(client):
    for accept in ("*/*", "application/json", "text/html"):
        response = client.post("/v1/estimates", json=PROFILE, headers={"Accept": accept})
        assert response.mimetype == "application/json"
