"""Comparisons and right-sizing name the scenario they pick, as well as its index."""

from __future__ import annotations

import pytest

from lca.compare import compare, scenario_label
from lca.rightsizing import Score, right_size

INDICATORS = ("energy", "gwp", "water", "adpe", "pe")
SMALL = {"model": "llama-3.1-8b", "inference": {"hardware": "nvidia-h100-sxm", "location": "FRA"}}
LARGE = {"model": "llama-3.1-70b", "inference": {"hardware": "nvidia-h100-sxm",
                                                 "location": "FRA"}}


@pytest.mark.parametrize(("profile", "index", "label"), [
    ({"name": "chat, France", **SMALL}, 0, "chat, France"),
    (SMALL, 1, "llama-3.1-8b, nvidia-h100-sxm, FRA (scenarios[1])"),
    ({"model": {"parameters": 13e9}, "training": {"location": "USA", "energy": "1 MWh"}}, 2,
     "1.3e+10 parameters, USA (scenarios[2])"),
    ({"model": {"preset": "gpt-3"}}, 0, "gpt-3 (scenarios[0])"),
    ({"name": "  ", "inference": {}}, 3, "scenarios[3]"),
    ("not a profile", 4, "scenarios[4]"),
])
def test_a_scenario_is_labelled_by_its_name_else_by_what_it_runs(profile, index, label):
    assert scenario_label(profile, index) == label


def test_a_comparison_names_the_best_scenario_and_every_scenario():
    result = compare([{"name": "large", **LARGE}, SMALL], 0)
    assert result["labels"] == ["large", "llama-3.1-8b, nvidia-h100-sxm, FRA (scenarios[1])"]
    assert result["baseline"] == {"index": 0, "name": "large", "label": "large"}
    entry = result["comparison"]["inference.per_request"]["gwp"]
    assert entry["best"] == 1
    assert entry["best_label"] == result["labels"][1]


def test_two_unnamed_scenarios_of_the_same_setup_get_distinct_labels():
    labels = compare([SMALL, SMALL], 0)["labels"]
    assert len(set(labels)) == 2


def test_right_sizing_names_the_selected_scenario():
    scores = [Score(66.0, "MMLU-Pro", True), Score(48.0, "MMLU-Pro", True)]
    per_request = {k: [2.0, 0.5] for k in INDICATORS}
    target = right_size(scores, per_request, "x", 0, target=40.0,
                        labels=["big one", "small one"])["target"]
    assert (target["selected"], target["selected_label"]) == (1, "small one")
    unnamed = right_size(scores, per_request, "x", 0, target=40.0)["target"]
    assert unnamed["selected_label"] == "scenarios[1]"
    unreachable = right_size(scores, per_request, "x", 0, target=90.0)["target"]
    assert unreachable["selected"] is None and unreachable["selected_label"] is None


def test_a_comparison_with_scores_names_the_cheapest_reaching_the_target(client):
    body = client.post("/v1/comparisons", json={
        "scenarios": [{**LARGE, "score": {"value": 66, "name": "MMLU-Pro"}},
                      {"name": "small", **SMALL, "score": {"value": 48, "name": "MMLU-Pro"}}],
        "target_score": 40, "uncertainty": False}).json
    target = body["right_sizing"]["target"]
    assert (target["selected"], target["selected_label"]) == (1, "small")
    assert body["comparison"]["inference.per_request"]["gwp"]["best_label"] == "small"
    assert body["labels"][0] == "llama-3.1-70b, nvidia-h100-sxm, FRA (scenarios[0])"
