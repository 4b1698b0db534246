"""Did-you-mean for unknown ids: the matcher itself, the 422 that carries it, and the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main
from lca import ProfileError, estimate
from lca.suggest import LIMIT, suggest


@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("H100", "hardware", ["nvidia-h100-sxm", "nvidia-h100-pcie"]),
    ("h100 pcie", "hardware", ["nvidia-h100-pcie"]),
    ("NVIDIA A100-SXM4-80GB", "hardware", ["nvidia-a100-80gb"]),
    ("tpu v4", "hardware", ["google-tpu-v4"]),
    ("France", "zones", ["FRA"]),
    ("germny", "zones", ["DEU"]),
    ("llama 3 70b", "models", ["llama-3-70b"]),
    ("Llama-3.1-70B-Instruct", "models", ["llama-3.1-70b"]),
    ("mistral large", "models", ["mistral-large-2"]),
    ("gpt3", "models", ["gpt-3"]),
    ("Meta", "datacenters", ["meta"]),
    ("azure", "datacenters", ["microsoft"]),
])
def test_a_common_name_or_label_suggests_the_ids_it_means(factors, text, kind, expected):
    assert suggest(text, factors, kind) == expected


@pytest.mark.parametrize(("text", "first"), [
    ("France", "FRA"), ("us-east-1", "aws:us-east-1"), ("UK", "GBR"),
    ("europe-west4", "gcp:europe-west4"), ("Orsay, France", "FRA")])
def test_a_place_suggests_its_zone_or_cloud_region_first(factors, text, first):
    found = suggest(text, factors, "locations")
    assert found[0] == first
    assert len(found) <= LIMIT


def test_a_sure_match_is_not_followed_by_mere_spellings(factors):
    assert "aws:us-east-2" not in suggest("us-east-1", factors, "locations")
    assert "UKR" not in suggest("UK", factors, "locations")


def test_a_misspelt_model_suggests_the_nearest_presets(factors):
    assert suggest("lama 3 8b", factors, "models")[:2] == ["llama-3-8b", "llama-3.1-8b"]


@pytest.mark.parametrize("text", ["xyzzy", "banana", "qwerty12345", "1", "---", "a", "", " ",
                                  "x" * 500])
@pytest.mark.parametrize("kind", ["models", "hardware", "datacenters", "locations"])
def test_garbage_suggests_nothing(factors, text, kind):
    assert suggest(text, factors, kind) == []


def test_a_non_string_suggests_nothing(factors):
    assert suggest(42, factors, "hardware") == []


def test_an_unknown_kind_is_a_programming_error(factors):
    with pytest.raises(ValueError, match="kind"):
        suggest("H100", factors, "tables")


def errors_of(profile: dict) -> dict[str, dict]:
    with pytest.raises(ProfileError) as caught:
        estimate(profile)
    return {e["field"]: e for e in caught.value.errors}


def test_the_error_of_an_unknown_id_names_the_field_and_lists_suggestions():
    errors = errors_of({"model": "llama 3 70b",
                        "inference": {"hardware": "H100", "location": "France"}})
    assert errors["model.preset"]["suggestions"] == ["llama-3-70b"]
    assert errors["inference.hardware"]["suggestions"] == ["nvidia-h100-sxm", "nvidia-h100-pcie"]
    assert errors["inference.location"]["suggestions"][0] == "FRA"
    errors |= errors_of({"model": "llama-3.1-8b",
                         "inference": {"location": "USA", "datacenter": "metta"}})
    assert errors["inference.datacenter.profile"]["suggestions"] == ["meta"]
    assert errors["inference.hardware"]["message"] == (
        "unknown hardware 'H100' (did you mean nvidia-h100-sxm, nvidia-h100-pcie?); the factor "
        "table 'hardware' lists the known ones")


def test_an_unknown_id_like_nothing_has_no_suggestions_member():
    error = errors_of({"model": "llama-3.1-8b", "inference": {"hardware": "xyzzy"}})
    assert "suggestions" not in error["inference.hardware"]
    assert "did you mean" not in error["inference.hardware"]["message"]


def test_the_api_problem_carries_the_suggestions(client):
    response = client.post("/v1/estimates", json={"model": "llama-3.1-8b",
                                                  "inference": {"hardware": "H100"}})
    assert response.status_code == 422
    (error,) = response.json["errors"]
    assert error["field"] == "inference.hardware"
    assert error["suggestions"] == ["nvidia-h100-sxm", "nvidia-h100-pcie"]


def test_the_openapi_error_item_declares_suggestions(client):
    schemas = client.get("/openapi.json").json["components"]["schemas"]
    assert schemas["FieldError"]["properties"]["suggestions"]["items"] == {"type": "string"}


def test_the_command_line_says_did_you_mean(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps({"model": "llama-3.1-8b", "inference": {"location": "France"}}))
    result = CliRunner().invoke(main, ["estimate", str(path)])
    assert result.exit_code != 0
    assert "inference.location" in result.output
    assert "did you mean FRA" in result.output


def test_a_misspelt_field_suggests_the_field_it_resembles():
    error = errors_of({"model": "llama-3.1-8b", "inference": {"ouput_tokens": 400}})
    found = error["inference.ouput_tokens"]
    assert found["suggestions"][0] == "output_tokens"
    assert found["message"].startswith("unknown field (did you mean output_tokens")


def test_a_field_like_none_gets_the_allowed_list_only():
    found = errors_of({"model": "llama-3.1-8b", "inference": {"zzz": 1}})["inference.zzz"]
    assert "suggestions" not in found and "allowed here: " in found["message"]


def test_a_comparison_keeps_the_suggestions_of_its_scenarios():
    from lca import compare

    with pytest.raises(ProfileError) as caught:
        compare([{"model": "llama-3.1-8b", "inference": {}},
                 {"model": "llama-3.1-8b", "inference": {"hardware": "H100"}}])
    (error,) = caught.value.errors
    assert error["field"] == "scenarios[1].inference.hardware"
    assert error["suggestions"] == ["nvidia-h100-sxm", "nvidia-h100-pcie"]


def test_a_batch_item_error_keeps_its_suggestions():
    from lca import estimate_batch

    results = list(estimate_batch([{"model": "llama 3 70b", "inference": {}}]))
    (error,) = results[0]["error"]["errors"]
    assert error["suggestions"] == ["llama-3-70b"]
