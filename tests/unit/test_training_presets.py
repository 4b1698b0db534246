"""A training section that names hardware but no activity trains the preset's tokens."""

from __future__ import annotations

import pytest

from lca import estimate
from lca.errors import ProfileError

UNPUBLISHED = ("mistral-7b", "mixtral-8x7b", "mixtral-8x22b", "mistral-large-2")


def _training(model: str, **more: object) -> dict:
    return estimate({"model": model, "training": {"hardware": "nvidia-h100-sxm", "location": "FRA"},
                     "uncertainty": False, **more})


def _assumed(result: dict, field: str) -> dict:
    return next(a for a in result["assumptions"] if a["field"] == field)


def test_a_preset_with_published_tokens_trains_them_and_says_so():
    result = _training("llama-3.1-70b")
    assert result["training"]["path"] == "compute"
    assert _assumed(result, "training.tokens")["value"] == 1.5e13
    assert "published pre-training tokens" in _assumed(result, "training.tokens")["why"]
    assert not any(w["code"] == "training-tokens-unpublished" for w in result["warnings"])
    given = estimate({"model": "llama-3.1-70b", "uncertainty": False, "training": {
        "hardware": "nvidia-h100-sxm", "location": "FRA", "tokens": 1.5e13}})
    assert result["training"]["impacts"] == given["training"]["impacts"]


@pytest.mark.parametrize("model", UNPUBLISHED)
def test_a_preset_without_published_tokens_is_estimated_with_a_warning_not_an_error(model):
    result = _training(model)
    assert result["training"]["impacts"]["gwp"]["value"] > 0
    assert any(w["code"] == "training-tokens-unpublished" for w in result["warnings"])
    assert "training_tokens_unpublished" in _assumed(result, "training.tokens")["why"]


def test_the_stand_in_for_unpublished_tokens_is_sampled_over_its_range():
    result = estimate({"model": "mistral-large-2", "training": {"hardware": "nvidia-h100-sxm"}})
    gwp = result["training"]["impacts"]["gwp"]
    assert gwp["low"] < 0.5 * gwp["value"] < gwp["value"] < gwp["high"]


def test_a_factor_set_without_the_stand_in_keeps_its_error_and_says_why():
    with pytest.raises(ProfileError) as caught:
        _training("mistral-7b", factors_version="2026.1")
    assert "2026.1 has no stand-in" in caught.value.errors[0]["message"]
    assert _training("llama-3.1-70b", factors_version="2026.1")["training"]["path"] == "compute"


def test_a_profile_without_a_preset_still_has_to_give_an_activity():
    with pytest.raises(ProfileError):
        estimate({"model": {"parameters": 7e9}, "training": {"hardware": "nvidia-h100-sxm"}})
