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
    while "$ref" in schema or len(schema.get("allOf", ())) == 1:
        if "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
        else:  # {"allOf": [{"$ref": ...}], "description": ...}: a reference with a description
            schema = {**_resolve(spec, schema["allOf"][0]),
                      **{k: v for k, v in schema.items() if k != "allOf"}}
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



PROFILES_OF_EACH_KIND = [
    {"model": "llama-3.1-70b", "training": {"energy": "1 GWh"}, "uncertainty": False},
    {"model": "llama-3.1-8b", "training": {"accelerator_count": 8, "duration": "3 day"},
     "inference": {"requests": 1e6, "energy_per_request": "0.3 Wh"}},
    {"model": {"parameters": 7e9}, "training": {"tokens": 1e12},
     "inference": {"energy_per_output_token": "0.5 J", "requests_per_day": 10,
                   "duration": "1 year"}, "units": {"gwp": "g", "water": "mL"}},
    {"model": "llama-3.1-70b", "training": {"accelerator_hours": 1e5},
     "inference": {"output_throughput": 2000}},
    {"model": "llama-3.1-70b", "inference": {}},
]


def test_real_estimates_of_every_kind_validate_against_the_documented_schema(spec, client):
    """Every calculation path, with and without request volumes, Monte Carlo and display units:
    the figure schemas generated from lca.quantities (api.figures) hold each answer, checked by
    a full OpenAPI 3.0 validator as well as by _conforms."""
    from openapi_schema_validator import OAS30Validator

    validator = OAS30Validator({"components": spec["components"],
                                "$ref": "#/components/schemas/Estimate"})
    paths = set()
    for profile in PROFILES_OF_EACH_KIND:
        body = client.post("/v1/estimates", json=profile).json
        assert not [e.message for e in validator.iter_errors(body)], profile
        _conforms(spec, {"$ref": "#/components/schemas/Estimate"}, body)
        paths |= {body.get(phase, {}).get("path") for phase in ("training", "inference")}
    every_path = {None, "measured_energy", "accelerator_count_x_duration", "compute",
                  "accelerator_hours", "measured_energy_per_request",
                  "measured_energy_per_output_token", "measured_throughput", "roofline"}
    assert paths == every_path
