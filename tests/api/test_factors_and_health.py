"""GET /healthz, /v1/factors and /v1/factors/<table>."""

from __future__ import annotations

import pytest

from lca.factors import load_factor_set


def test_healthz_names_the_factor_set_and_method(client):
    body = client.get("/healthz").json
    assert body["status"] == "ok"
    assert body["factors"] == load_factor_set().version
    assert body["method"] == "1.0"


def test_factor_sets_list_versions_and_their_tables(client):
    body = client.get("/v1/factors").json
    latest = body["versions"][-1]
    assert body["default"] == latest["version"]
    assert set(latest["tables"]) == {"zones", "regions", "hardware", "datacenters", "models",
                                     "constants"}
    assert all(t["rows"] > 0 for t in latest["tables"].values())


@pytest.mark.parametrize("table", ["zones", "hardware", "datacenters", "models", "constants"])
def test_every_row_of_a_table_carries_value_unit_source_and_year(client, table):
    body = client.get(f"/v1/factors/{table}").json
    assert body["table"] == table and body["rows"]
    for row in body["rows"]:
        assert row["key"] and row["label"]
        for attribute in row["attributes"].values():
            assert {"value", "unit", "source", "year"} <= set(attribute)


def test_regions_map_to_zones(client):
    rows = {r["region"]: r for r in client.get("/v1/factors/regions").json["rows"]}
    assert rows["aws:us-east-1"]["zone"] == "USA"
    assert rows["gcp:europe-west1"]["zone"] == "BEL"


def test_disputed_factors_list_their_alternatives(client):
    rows = {r["key"]: r for r in client.get("/v1/factors/hardware").json["rows"]}
    gwp = rows["nvidia-h100-sxm"]["attributes"]["embodied_gwp"]
    assert gwp["alternatives"], "the H100 embodied gwp candidates should be listed"
    assert gwp["low"] <= gwp["value"] <= gwp["high"]


def test_docs_are_served_without_internet_or_inline_script(client):
    with client.get("/docs") as page:
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<script>" not in html
    assert "/docs/assets/swagger-ui-bundle.js" in html and "https://" not in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        with client.get(f"/docs/assets/{asset}") as response:
            assert response.status_code == 200
