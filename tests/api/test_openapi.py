"""The served OpenAPI document is valid and describes what the app really returns."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate


@pytest.fixture(scope="module")
def spec(app) -> dict:
    return app.test_client().get("/openapi.json").json


def test_openapi_document_is_valid(spec):
    validate(spec)


def test_every_endpoint_is_documented(spec):
    assert {"/v1/estimates", "/v1/factors", "/v1/factors/{table}", "/healthz"} <= set(
        spec["paths"])


def test_error_responses_are_documented_as_problem_json(spec):
    post = spec["paths"]["/v1/estimates"]["post"]["responses"]
    for code in ("400", "413", "415", "422"):
        content = post[code]["content"]
        assert list(content) == ["application/problem+json"]
        assert content["application/problem+json"]["schema"]["$ref"].endswith("/Problem")
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}


def test_quantity_fields_document_number_or_unit_string(spec):
    energy = spec["components"]["schemas"]["Training"]["properties"]["energy"]
    assert [alt["type"] for alt in energy["oneOf"]] == ["number", "string", "object"]
    assert "kWh" in energy["description"]


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def _conforms(spec: dict, schema: dict, value: object, path: str = "") -> None:
    schema = _resolve(spec, schema)
    if value is None:
        assert schema.get("nullable"), f"{path} is null but not nullable"
        return
    if schema.get("type") == "object" or "properties" in schema:
        assert isinstance(value, dict), path
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            assert key in value, f"{path}.{key} is required"
        for key, item in value.items():
            if key in props:
                _conforms(spec, props[key], item, f"{path}.{key}")
            else:
                extra = schema.get("additionalProperties", True)
                assert extra is not False, f"{path}.{key} is undocumented"
                if isinstance(extra, dict):
                    _conforms(spec, extra, item, f"{path}.{key}")
    elif schema.get("type") == "array":
        assert isinstance(value, list), path
        for i, item in enumerate(value):
            _conforms(spec, schema.get("items", {}), item, f"{path}[{i}]")


def test_a_real_estimate_conforms_to_the_documented_schema(spec, client):
    from tests.api.test_estimates import PROFILE

    body = client.post("/v1/estimates", json=PROFILE).json
    schema = spec["paths"]["/v1/estimates"]["post"]["responses"]["200"]["content"][
        "application/json"]["schema"]
    _conforms(spec, schema, body)


def test_a_real_problem_conforms_to_the_documented_schema(spec, client):
    body = client.post("/v1/estimates", json={"model": {"parameters": -1}}).json
    _conforms(spec, {"$ref": "#/components/schemas/Problem"}, body)
