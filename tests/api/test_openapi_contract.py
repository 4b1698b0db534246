"""The served OpenAPI document keeps every promise of tests/api/openapi-baseline.json.

Additions are free; a removal or a type change fails here until the baseline file is rewritten
on purpose (``python -m tests.api.contract --write``), so that it shows in review.
"""

from __future__ import annotations

import copy
import json

import pytest

from tests.api.contract import BASELINE, breaking_changes, dumps


@pytest.fixture(scope="module")
def baseline() -> dict:
    return json.loads(BASELINE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def live(app) -> dict:
    return app.test_client().get("/openapi.json").json


def test_live_document_breaks_nothing_of_the_baseline(baseline, live):
    changes = breaking_changes(baseline, live)
    assert not changes, ("the API contract changed; if on purpose, rewrite the baseline with "
                         "`python -m tests.api.contract --write`:\n" + "\n".join(changes))


def test_baseline_file_is_pretty_printed_with_sorted_keys(baseline):
    assert BASELINE.read_text(encoding="utf-8") == dumps(baseline)


def test_a_document_against_itself_breaks_nothing(baseline):
    assert breaking_changes(baseline, copy.deepcopy(baseline)) == []


def _doctored(baseline: dict, change) -> list[str]:
    live = copy.deepcopy(baseline)
    change(live)
    return breaking_changes(baseline, live)


def test_a_disappeared_path_or_operation_is_breaking(baseline):
    assert _doctored(baseline, lambda d: d["paths"].pop("/healthz")) == [
        "/healthz: path disappeared"]
    assert _doctored(baseline, lambda d: d["paths"]["/v1/estimates"].pop("post")) == [
        "POST /v1/estimates: operation disappeared"]


def test_a_disappeared_query_parameter_is_breaking(baseline):
    changes = _doctored(baseline, lambda d: d["paths"]["/v1/factors/{table}"]["get"].update(
        parameters=[]))
    assert changes == ["GET /v1/factors/{table}: query parameter version disappeared"]


def test_a_disappeared_or_retyped_required_request_field_is_breaking(baseline):
    def drop(d: dict) -> None:
        d["components"]["schemas"]["BatchRequest"]["properties"].pop("profiles")

    def retype(d: dict) -> None:
        d["components"]["schemas"]["CodeCarbonImport"]["properties"]["csv"]["type"] = "object"

    assert "POST /v1/estimates/batch body.profiles: required field disappeared" in _doctored(
        baseline, drop)
    assert any(c.startswith("POST /v1/imports/codecarbon body.csv: accepted ['string']")
               for c in _doctored(baseline, retype))


def test_a_request_field_of_a_nested_object_disappearing_is_breaking(baseline):
    changes = _doctored(baseline, lambda d: d["components"]["schemas"]["Inference"][
        "properties"].pop("output_tokens"))
    assert "POST /v1/estimates body.inference.output_tokens: field disappeared" in changes


def test_a_response_property_disappearing_deep_in_refs_and_arrays_is_breaking(baseline):
    changes = _doctored(baseline, lambda d: d["components"]["schemas"]["FieldError"][
        "properties"].pop("message"))
    assert "POST /v1/estimates 422.errors[].message: required field disappeared" in changes
    assert "POST /v1/estimates/batch 200.results[].error.errors[].message: required field " \
           "disappeared" in changes


def test_a_response_property_changing_type_or_becoming_nullable_is_breaking(baseline):
    def retype(d: dict) -> None:
        d["components"]["schemas"]["Health"]["properties"]["versions"] = {"type": "string"}

    def nullable(d: dict) -> None:
        d["components"]["schemas"]["Columns"]["properties"]["rows"]["nullable"] = True

    assert _doctored(baseline, retype) == [
        "GET /healthz 200.versions: type was ['array'], now ['string']"]
    assert _doctored(baseline, nullable) == [
        "POST /v1/estimates/columns 200.rows: type was ['integer'], now ['integer', 'null']"]


def test_a_map_values_schema_changing_in_a_response_is_breaking(baseline):
    def retype(d: dict) -> None:
        d["components"]["schemas"]["Columns"]["properties"]["outputs"][
            "additionalProperties"]["items"]["type"] = "string"

    assert _doctored(baseline, retype) == [
        "POST /v1/estimates/columns 200.outputs.*[]: type was ['null', 'number'], now "
        "['null', 'string']"]


def test_a_response_property_becoming_optional_is_breaking(baseline):
    def optional(d: dict) -> None:
        d["components"]["schemas"]["Estimate"]["required"].remove("versions")

    assert "POST /v1/estimates 200.versions: no longer required" in _doctored(baseline, optional)


def test_additions_are_not_breaking(baseline):
    def add(d: dict) -> None:
        d["paths"]["/v1/new"] = {"get": {"responses": {}}}
        d["paths"]["/healthz"]["head"] = {"responses": {}}
        health = d["components"]["schemas"]["Health"]
        health["properties"]["uptime"] = {"type": "number"}
        health["required"].append("uptime")
        d["components"]["schemas"]["RowError"]["properties"]["title"] = {"type": "string"}
        d["components"]["schemas"]["Profile"]["properties"]["note"] = {"type": "string"}

    assert _doctored(baseline, add) == []


def test_a_change_behind_a_described_reference_is_breaking(baseline):
    # {"allOf": [{"$ref": ...}], "description": ...} is how OpenAPI 3.0 describes a reference
    def change(d: dict) -> None:
        quantity = copy.deepcopy(d["components"]["schemas"]["Quantity"])
        quantity["properties"].pop("unit")
        d["components"]["schemas"]["InferenceResult"]["properties"]["it_energy"]["allOf"] = [
            quantity]

    changes = _doctored(baseline, change)
    assert "POST /v1/estimates 200.inference.it_energy.unit: required field disappeared" in changes


def test_a_response_map_becoming_an_object_of_fixed_keys_keeps_its_value_type(baseline):
    share = {"$ref": "#/components/schemas/LifecycleSharesTraining"}
    as_map = copy.deepcopy(baseline)
    as_map["components"]["schemas"]["Lifecycle"]["properties"]["shares"] = {
        "type": "object", "additionalProperties": share}

    def fixed(value: dict) -> list[str]:
        live = copy.deepcopy(as_map)
        live["components"]["schemas"]["Lifecycle"]["properties"]["shares"] = {
            "type": "object", "additionalProperties": False,
            "properties": {"training": value, "inference": value}}
        return breaking_changes(as_map, live)

    assert fixed(share) == []
    assert "POST /v1/estimates 200.lifecycle.shares.training: type was ['object'], now " \
           "['string']" in fixed({"type": "string"})


def test_a_request_schema_that_now_accepts_anything_breaks_nothing(baseline):
    strict = copy.deepcopy(baseline)
    strict["components"]["schemas"]["BatchRequest"]["properties"]["profiles"]["items"] = {
        "$ref": "#/components/schemas/Profile"}

    def items(schema: dict) -> list[str]:
        live = copy.deepcopy(strict)
        live["components"]["schemas"]["BatchRequest"]["properties"]["profiles"]["items"] = schema
        return breaking_changes(strict, live)

    assert items({"anyOf": [{"$ref": "#/components/schemas/Profile"}, {}]}) == []
    assert "POST /v1/estimates/batch body.profiles[].model: required field disappeared" in items(
        {"anyOf": [{"$ref": "#/components/schemas/Profile"}, {"type": "string"}]})
