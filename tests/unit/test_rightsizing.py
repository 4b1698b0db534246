"""Right-sizing: Pareto fronts on hand-made sets, target selection, impact per score point."""

from __future__ import annotations

import pytest

from lca.compare import compare
from lca.errors import ProfileError
from lca.rightsizing import Score, pareto_front, read_score, right_size


@pytest.mark.parametrize(("scores", "footprints", "higher", "front"), [
    ([70, 60, 50], [3.0, 2.0, 1.0], True, [0, 1, 2]),          # a clean trade-off
    ([70, 70, 50], [3.0, 2.0, 1.0], True, [1, 2]),             # same score, higher footprint
    ([70, 70], [2.0, 2.0], True, [0, 1]),                      # identical points both stay
    ([80], [5.0], True, [0]),                                  # a single scenario
    ([90, 60, 50, 40], [1.0, 2.0, 3.0, 4.0], True, [0]),       # all dominated but one
    ([3.1, 2.5, 4.0], [1.0, 2.0, 0.5], False, [0, 1, 2]),      # lower-is-better (perplexity)
    ([3.1, 2.5, 4.0], [1.0, 0.9, 2.0], False, [1]),            # lower-is-better, one dominates
    ([70, None, 50], [3.0, 1.0, 1.0], True, [0, 2]),           # unscored scenario left out
])
def test_pareto_front_keeps_exactly_the_undominated(scores, footprints, higher, front):
    assert pareto_front(scores, footprints, higher) == front


def test_per_point_figures_are_value_divided_by_score_and_target_picks_the_cheapest():
    scores = [Score(66.0, "MMLU-Pro", True), Score(48.0, "MMLU-Pro", True),
              Score(73.0, "MMLU-Pro", True)]
    per_request = {k: [2.0, 0.5, 8.0] for k in ("energy", "gwp", "water", "adpe", "pe")}
    result = right_size(scores, per_request, "inference.per_request", base=2, target=60.0)
    assert result["per_score_point"]["gwp"] == [2.0 / 66.0, 0.5 / 48.0, 8.0 / 73.0]
    target = result["target"]
    assert target["reaching"] == [0, 2] and target["selected"] == 0
    assert target["saving_vs_baseline"]["gwp"] == {"absolute": 6.0, "relative": 0.75}


def test_an_unreachable_target_selects_nothing_and_says_so():
    scores = [Score(40.0, None, True), Score(50.0, None, True)]
    per_request = {k: [1.0, 2.0] for k in ("energy", "gwp", "water", "adpe", "pe")}
    target = right_size(scores, per_request, "x", 0, target=90.0)["target"]
    assert target["selected"] is None and "no scenario" in target["message"]


def test_lower_is_better_targets_mean_at_most_the_target():
    scores = [Score(3.0, "ppl", False), Score(5.0, "ppl", False)]
    per_request = {k: [2.0, 1.0] for k in ("energy", "gwp", "water", "adpe", "pe")}
    assert right_size(scores, per_request, "x", 0, target=4.0)["target"]["reaching"] == [0]


@pytest.mark.parametrize(("raw", "field"), [
    ({"value": "high"}, "s.value"), ({"value": -3}, "s.value"), ({"value": 5, "nme": "x"},
                                                                  "s.nme"),
    ({"value": 5, "higher_is_better": "yes"}, "s.higher_is_better"), ("good", "s"),
])
def test_malformed_scores_are_errors_naming_the_field(raw, field):
    with pytest.raises(ProfileError) as caught:
        read_score(raw, "s")
    assert caught.value.errors[0]["field"] == field


def test_comparison_with_scores_right_sizes_on_the_lifecycle_when_every_scenario_has_it():
    scenarios = [{"name": name, "model": model, "score": {"value": score, "name": "MMLU-Pro"},
                  "training": {"tokens": 1.5e13, "hardware": "nvidia-h100-sxm"},
                  "inference": {"location": "FRA", "requests": 1e10}}
                 for name, model, score in (("8b", "llama-3.1-8b", 48.3),
                                            ("70b", "llama-3.1-70b", 66.4))]
    result = compare(scenarios, "70b", uncertainty=None, target_score=45)
    sizing = result["right_sizing"]
    assert sizing["footprint"] == "lifecycle.per_request"
    assert sizing["target"]["selected"] == 0
    assert sizing["target"]["saving_vs_baseline"]["gwp"]["relative"] > 0.5
    gwp = result["comparison"]["lifecycle.total"]["gwp"]["values"]
    assert sizing["per_score_point"]["gwp"][1] == pytest.approx(gwp[1] / 1e10 / 66.4)


def test_scores_on_different_benchmarks_cannot_be_compared():
    scenarios = [{"model": "llama-3.1-8b", "inference": {}, "score": {"value": 5, "name": "a"}},
                 {"model": "llama-3.1-8b", "inference": {}, "score": {"value": 5, "name": "b"}}]
    with pytest.raises(ProfileError, match="one benchmark"):
        compare(scenarios, uncertainty=None)


def test_a_target_without_scores_is_an_error():
    scenarios = [{"model": "llama-3.1-8b", "inference": {}}] * 2
    with pytest.raises(ProfileError) as caught:
        compare(scenarios, uncertainty=None, target_score=50)
    assert caught.value.errors[0]["field"] == "target_score"
