"""GET /healthz, /v1/factors and /v1/factors/<table>."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lca.factors import load_factor_set
from lca.method import METHOD_VERSION
from tests.conftest import FIXTURE_FACTORS


def test_healthz_names_the_factor_set_and_method(client):
    body = client.get("/healthz").json
    assert body["status"] == "ok"
    assert body["factors"] == load_factor_set().version
    assert body["method"] == METHOD_VERSION == "2.0"


def test_factor_sets_list_versions_and_their_tables(client):
    body = client.get("/v1/factors").json
    latest = body["versions"][-1]
    assert body["default"] == latest["version"]
    assert set(latest["tables"]) == {"zones", "regions", "hardware", "datacenters", "models",
                                     "constants", "servers", "hardware_servers", "tasks"}
    assert all(t["rows"] > 0 for t in latest["tables"].values())
    first = body["versions"][0]  # 2026.1 has no server classes: not listed, and 404 when asked
    assert first["version"] == "2026.1" and "servers" not in first["tables"]
    assert client.get("/v1/factors/servers?version=2026.1").status_code == 404


def test_hardware_servers_rows_name_each_accelerator_s_server_class(client):
    rows = client.get("/v1/factors/hardware_servers").json["rows"]
    classes = {row["key"] for row in client.get("/v1/factors/servers").json["rows"]}
    assert {row["key"]: row["target"] for row in rows}["nvidia-h100-sxm"] == "hgx-8-sxm"
    assert all(row["target"] in classes and row["source"] and row["year"] for row in rows)


@pytest.mark.parametrize("table", ["zones", "hardware", "datacenters", "models", "constants",
                                   "tasks"])
def test_every_row_of_a_table_carries_value_unit_source_and_year(client, table):
    body = client.get(f"/v1/factors/{table}").json
    assert body["table"] == table and body["rows"]
    for row in body["rows"]:
        assert row["key"] and row["label"]
        for attribute in row["attributes"].values():
            assert {"value", "unit", "source", "year"} <= set(attribute)


def test_regions_map_to_zones(client):
    rows = {r["region"]: r for r in client.get("/v1/factors/regions").json["rows"]}
    assert rows["aws:us-east-1"]["zone"] == "USA-VA"  # sub-national zones from 2026.2
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


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory) -> Path:
    """The fixture set copied as t.9 and t.10: release order differs from string order."""
    root = tmp_path_factory.mktemp("factors")
    for version in ("t.9", "t.10"):
        shutil.copytree(FIXTURE_FACTORS / "t.1", root / version)
        manifest = root / version / "manifest.json"
        data = json.loads(manifest.read_text())
        data["version"] = version
        manifest.write_text(json.dumps(data))
    return root


def test_versions_are_listed_in_release_order_not_string_order(two_releases):
    from api import create_app

    client = create_app({"LCA_FACTORS_DIR": str(two_releases), "ACCESS_LOG": False}
                        ).test_client()
    health = client.get("/healthz").json
    assert (health["versions"], health["factors"]) == (["t.9", "t.10"], "t.10")
    listing = client.get("/v1/factors").json
    assert [v["version"] for v in listing["versions"]] == ["t.9", "t.10"]
    assert listing["default"] == "t.10"


def test_the_factors_folder_can_come_from_the_environment(two_releases, monkeypatch):
    from api import create_app

    monkeypatch.setenv("LCA_FACTORS_DIR", str(two_releases))
    app = create_app({"ACCESS_LOG": False})
    assert app.config["LCA_FACTORS_DIR"] == str(two_releases)
    assert app.test_client().get("/healthz").json["factors"] == "t.10"


def test_an_estimate_can_pin_any_version_of_the_apps_factor_folder(two_releases):
    """The factor folder of the app serves estimates too: a profile pinning its older version
    is estimated with it (it was refused with the packaged versions listed), and an unknown
    version is a 422 that lists the folder's versions."""
    from api import create_app

    client = create_app({"LCA_FACTORS_DIR": str(two_releases), "ACCESS_LOG": False}
                        ).test_client()
    profile = {"model": "dense-10b", "inference": {}, "uncertainty": False}
    assert client.get("/v1/factors/models?version=t.9").status_code == 200
    pinned = client.post("/v1/estimates", json={**profile, "factors_version": "t.9"})
    assert pinned.status_code == 200 and pinned.json["versions"]["factors"] == "t.9"
    newest = client.post("/v1/estimates", json=profile)
    assert newest.json["versions"]["factors"] == "t.10"
    unknown = client.post("/v1/estimates", json={**profile, "factors_version": "2026.1"})
    assert unknown.status_code == 422
    assert unknown.json["errors"] == [{"field": "factors_version",
                                       "message": "unknown factor set '2026.1'; available: "
                                                  "t.9, t.10"}]
