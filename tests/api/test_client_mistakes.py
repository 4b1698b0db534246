"""The mistakes a client library or a person with curl makes, and what the service answers.

Each answer must be a 4xx problem that names the field and says what is accepted, or, where the
request means something plain (a count written 1e3), the estimate itself.
"""

from __future__ import annotations

import pytest

from tests.api.test_errors import assert_problem, fields

PROFILE = {"model": "llama-3.1-8b", "inference": {"location": "FRA"}}


def test_a_sample_count_written_as_a_whole_float_is_read(client):
    # 1e3 in a request, or a Python client's float 1000.0, is the count 1000.
    response = client.post("/v1/estimates", data='{"model": "llama-3.1-8b", "inference": {}, '
                           '"uncertainty": {"samples": 1e3, "seed": 1.0}}',
                           content_type="application/json")
    assert response.status_code == 200, response.json
    assert response.json["uncertainty"]["samples"] == 1000


def test_a_fractional_sample_count_is_422_showing_the_value(client):
    body = assert_problem(client.post("/v1/estimates",
                                      json={**PROFILE, "uncertainty": {"samples": 1000.5}}), 422)
    assert fields(body)["uncertainty.samples"] == "expected a whole number, got 1000.5"


def test_a_sample_count_out_of_range_is_422_showing_the_value_and_the_range(client):
    body = assert_problem(client.post("/v1/estimates",
                                      json={**PROFILE, "uncertainty": {"samples": 1e9}}), 422)
    message = fields(body)["uncertainty.samples"]
    assert "1e+09" in message and "[100, 100000]" in message


def test_a_misspelt_query_parameter_of_a_factor_table_is_422_not_ignored(client):
    # ?verison=2026.1 used to answer the newest set's rows as if no version were asked.
    body = assert_problem(client.get("/v1/factors/hardware?verison=2026.1"), 422)
    assert fields(body) == {"verison": "unknown query parameter; allowed here: version"}


def test_a_factor_table_answers_the_version_asked(client):
    response = client.get("/v1/factors/hardware?version=2026.1")
    assert response.status_code == 200 and response.json["version"] == "2026.1"


def test_the_factor_table_operation_names_every_table(client):
    from lca.factors import TABLES

    operation = client.get("/openapi.json").json["paths"]["/v1/factors/{table}"]["get"]
    assert all(table in operation["summary"] for table in TABLES)


@pytest.mark.parametrize(("method", "path", "use"), [
    ("get", "/v1/estimates", "use POST"), ("put", "/v1/comparisons", "use POST"),
    ("post", "/v1/factors", "use GET"), ("delete", "/healthz", "use GET"),
])
def test_a_wrong_method_is_405_saying_which_method_to_use(client, method, path, use):
    body = assert_problem(getattr(client, method)(path), 405)
    assert body["detail"] == f"{method.upper()} is not allowed on {path}; {use}"


def test_a_rate_written_with_its_period_is_422_asking_for_a_plain_number(client):
    profile = {"model": "llama-3.1-8b",
               "inference": {"requests_per_day": "1e6/day", "duration": "18 month"}}
    body = assert_problem(client.post("/v1/estimates", json=profile), 422)
    assert fields(body) == {
        "inference.requests_per_day": "expected a number, like 1000000 or '1e6', got '1e6/day'"}


def test_the_openapi_text_never_says_a_number_in_dimensionless(client):
    text = client.get("/openapi.json").get_data(as_text=True)
    assert "in dimensionless" not in text and "] dimensionless" not in text
    inference = client.get("/openapi.json").json["components"]["schemas"]["Inference"]
    assert "A plain number" in inference["properties"]["requests_per_day"]["description"]


def test_a_plain_number_out_of_range_is_422_without_the_word_dimensionless(client):
    profile = {"model": "llama-3.1-8b", "inference": {"requests": -1}}
    body = assert_problem(client.post("/v1/estimates", json=profile), 422)
    assert fields(body) == {"inference.requests": "-1 is outside the accepted range (0, 1e+16]"}


def known_versions(client) -> str:
    return ", ".join(client.get("/healthz").json["versions"])


def test_a_factors_version_given_as_a_number_is_422_asking_for_quotes(client):
    body = assert_problem(client.post("/v1/estimates", json={**PROFILE, "factors_version": 2026.1}),
                          422)
    assert fields(body) == {"factors_version": f"expected a version string, one of "
                                               f"{known_versions(client)}; "
                                               f"got 2026.1 (a float): write it in quotes"}


def test_an_unknown_factors_version_is_422_listing_the_versions_plainly(client):
    body = assert_problem(client.post("/v1/estimates",
                                      json={**PROFILE, "factors_version": "2026.3"}), 422)
    assert fields(body) == {"factors_version":
                            f"unknown factor set '2026.3'; available: {known_versions(client)}"}
    body = assert_problem(client.get("/v1/factors/zones?version=2026.3"), 404)
    assert body["detail"] == f"unknown factor set '2026.3'; available: {known_versions(client)}"


def test_table_and_columns_answers_name_the_unit_of_each_output(client):
    outputs = ["inference.per_request.gwp", "inference.replica.prefill_seconds",
               "inference.replica.batch_size"]
    table = client.post("/v1/estimates/table", json={"profiles": [PROFILE], "outputs": outputs})
    columns = client.post("/v1/estimates/columns", json={
        "base": PROFILE, "columns": {"inference.output_tokens": [100, 400]}, "outputs": outputs})
    for response in (table, columns):
        assert response.status_code == 200, response.json
        assert response.json["units"] == {"inference.per_request.gwp": "kgCO2e",
                                          "inference.replica.prefill_seconds": "s",
                                          "inference.replica.batch_size": "1"}


def test_a_usage_answer_names_the_unit_of_each_indicator(client):
    body = {"deployments": {"models": {"llama-3.1-8b": {"inference": {"location": "FRA"}}}},
            "rows": [{"timestamp": "2026-03-02T10:15:00Z", "model": "llama-3.1-8b",
                      "input_tokens": 420, "output_tokens": 230}], "samples": 0}
    response = client.post("/v1/usage", json=body)
    assert response.status_code == 200, response.json
    assert response.json["units"] == {"energy": "kWh", "gwp": "kgCO2e", "water": "L",
                                      "adpe": "kgSbeq", "pe": "MJ"}
    assert set(response.json["units"]) <= set(response.json["groups"][0])


@pytest.mark.parametrize("data", [b"", b" \n"])
def test_an_empty_body_is_400_saying_it_is_empty(client, data):
    # curl -X POST -H 'Content-Type: application/json' without -d: not "invalid JSON at column 1".
    body = assert_problem(client.post("/v1/estimates", data=data,
                                      content_type="application/json"), 400)
    assert body["detail"] == "the body is empty; send the request as a JSON object"


@pytest.mark.parametrize(("inference", "code", "advice"), [
    ({}, "zone-default", "give inference.location"),
    ({"location": "FRA"}, "no-volume", "give inference.requests"),
    ({"location": "FRA", "hardware": "nvidia-l4", "accelerators": 1}, "replica-too-small",
     "give more inference.accelerators"),
    ({"location": "FRA", "requests_per_second": 500, "replicas": 1, "duration": "1 day"},
     "over-capacity", "raise inference.replicas to"),
])
def test_a_warning_says_which_input_would_lift_it(client, inference, code, advice):
    model = "llama-3.1-405b" if code == "replica-too-small" else "llama-3.1-70b"
    response = client.post("/v1/estimates", json={"model": model, "inference": inference,
                                                  "uncertainty": False})
    assert response.status_code == 200, response.json
    messages = {w["code"]: w["message"] for w in response.json["warnings"]}
    assert advice in messages[code]


USAGE = {"deployments": {"models": {"llama-3.1-8b": {"inference": {"location": "FRA"}}}},
         "rows": [{"timestamp": "2026-03-02T10:15:00Z", "model": "llama-3.1-8b",
                   "input_tokens": 420, "output_tokens": 230}]}


def test_a_usage_sample_count_written_as_a_whole_float_is_read(client):
    response = client.post("/v1/usage", json={**USAGE, "samples": 200.0, "seed": 1e0})
    assert response.status_code == 200, response.json
    assert response.json["summary"]["samples"] == 200 and response.json["summary"]["seed"] == 1


@pytest.mark.parametrize(("samples", "message"), [
    (200.5, "expected a whole number, got 200.5"), ("200", "expected a whole number, got '200'"),
    (True, "expected a whole number, got True"),
])
def test_a_usage_sample_count_that_is_not_whole_is_422_showing_it(client, samples, message):
    body = assert_problem(client.post("/v1/usage", json={**USAGE, "samples": samples}), 422)
    assert fields(body) == {"samples": message}


@pytest.mark.parametrize(("path", "message"), [
    ("/v1/estimates/batch", "expected a JSON object with the fields profiles, view "
                            "(required: profiles)"),
    ("/v1/usage", "expected a JSON object with the fields deployments, group_by, rows, samples, "
                  "seed (required: deployments, rows)"),
])
def test_a_list_body_where_an_object_is_read_is_422_naming_the_fields(client, path, message):
    # A bare list of profiles posted to /v1/estimates/batch was "Invalid input type."
    body = assert_problem(client.post(path, json=[PROFILE]), 422)
    assert fields(body) == {"": message}


def test_a_leaderboard_answer_names_the_unit_of_each_indicator(client):
    response = client.post("/v1/leaderboards", json={"rows": [
        {"fullname": "tiiuae/Falcon3-7B-Instruct", "#Params (B)": 7.456, "Average ⬆️": 34.9}],
        "samples": 0})
    assert response.status_code == 200, response.json
    units = response.json["units"]
    assert units["gwp"] == "kgCO2e" and set(response.json["models"][0]["per_request"]) <= set(units)


@pytest.mark.parametrize(("path", "detail"), [
    ("/v1/estimates/", "no such path: /v1/estimates/; did you mean /v1/estimates?"),
    ("/v1/estimate", "no such path: /v1/estimate; did you mean /v1/estimates?"),
    ("/v1/factors/zones/", "no such path: /v1/factors/zones/; did you mean /v1/factors/zones?"),
    ("/v1/nothing-here", "no such path: /v1/nothing-here; the operations are listed at "
                         "/openapi.json"),
])
def test_an_unknown_path_is_404_naming_the_path_it_most_likely_meant(client, path, detail):
    assert assert_problem(client.post(path, json={}), 404)["detail"] == detail


def test_a_baseline_out_of_range_is_422_giving_the_indices_and_names_accepted(client):
    scenarios = [{**PROFILE, "name": "France"}, {**PROFILE, "name": "Poland"}, PROFILE]
    body = assert_problem(client.post("/v1/comparisons", json={
        "scenarios": scenarios, "baseline": 5, "uncertainty": False}), 422)
    assert fields(body) == {"baseline": "expected the index of a scenario, 0 to 2, or one of "
                                        "the names 'France', 'Poland'; got 5"}


def test_a_misspelt_vary_path_is_422_suggesting_the_path_meant(client):
    body = assert_problem(client.post("/v1/comparisons", json={
        "base": PROFILE, "vary": {"inference.locaton": ["FRA", "DEU"]}}), 422)
    (error,) = body["errors"]
    assert error["field"] == "vary.inference.locaton"
    assert error["suggestions"][0] == "inference.location"
    assert "did you mean inference.location" in error["message"]


def test_a_misspelt_output_is_422_suggesting_the_figure_meant(client):
    body = assert_problem(client.post("/v1/estimates/table", json={
        "profiles": [PROFILE], "outputs": ["inference.per_request.gwpp"]}), 422)
    (error,) = body["errors"]
    assert error["field"] == "outputs" and error["suggestions"] == ["inference.per_request.gwp"]
    assert error["message"].startswith("unknown outputs 'inference.per_request.gwpp' "
                                       "(did you mean inference.per_request.gwp?); available: ")


def test_columns_of_unequal_lengths_are_422_giving_each_length(client):
    body = assert_problem(client.post("/v1/estimates/columns", json={
        "base": PROFILE, "columns": {"inference.output_tokens": [100, 400],
                                     "inference.input_tokens": [10, 20, 30]}}), 422)
    assert fields(body) == {"columns": "expected field path -> list of numbers, all of one "
                                       "length; got inference.output_tokens: 2, "
                                       "inference.input_tokens: 3"}


def test_performance_rows_and_rejects_are_named_by_the_same_index(client):
    response = client.post("/v1/leaderboards/performance", json={"rows": [
        {"Model": "GPT-4o", "Output Speed (tokens/s)": 100},
        {"Model": "Llama 3.1 Instruct 405B", "Output Speed (tokens/s)": 29.4}]})
    assert response.status_code == 200, response.json
    assert [r["index"] for r in response.json["rejects"]] == [0]
    assert [(r["index"], r["model"]) for r in response.json["rows"]] == [
        (1, "Llama 3.1 Instruct 405B")]
