"""inference.task: the prompt and answer lengths a profile leaves out, from the task table."""

from __future__ import annotations

import pytest

from lca import estimate
from lca.errors import ProfileError
from lca.quantities import TASKS

BASE = {"model": "llama-3.1-8b", "uncertainty": False}


def _run(inference: dict, **top: object) -> dict:
    return estimate({**BASE, **top, "inference": inference})


def _assumed(result: dict) -> dict[str, object]:
    return {a["field"]: a["value"] for a in result["assumptions"]}


def test_chat_is_the_default_task_and_its_lengths_are_sourced():
    result = _run({})
    assumed = _assumed(result)
    assert assumed["inference.task"] == "chat"
    assert (assumed["inference.input_tokens"], assumed["inference.output_tokens"]) == (1020, 415)
    used = {f["key"]: f for f in result["factors_used"]}
    assert used["tasks.chat.output_tokens"]["source"].startswith("ml-energy/leaderboard@")
    assert used["tasks.chat.input_tokens"]["low"] < 1020 < used["tasks.chat.input_tokens"]["high"]


@pytest.mark.parametrize("task", TASKS)
def test_every_task_sets_both_lengths_from_its_own_row(task):
    result = _run({"task": task})
    assumed = _assumed(result)
    assert "inference.task" not in assumed  # given, not assumed
    keys = {f["key"] for f in result["factors_used"]}
    assert {f"tasks.{task}.input_tokens", f"tasks.{task}.output_tokens"} <= keys


def test_reasoning_costs_more_than_chat_and_classification_less():
    energy = {t: _run({"task": t})["inference"]["per_request"]["energy"]["value"]
              for t in ("chat", "reasoning", "classification")}
    assert energy["classification"] < energy["chat"] < energy["reasoning"]


def test_lengths_given_win_over_the_task():
    result = _run({"task": "reasoning", "output_tokens": 100})
    assumed = _assumed(result)
    assert "inference.output_tokens" not in assumed
    assert assumed["inference.input_tokens"] == 1020
    keys = {f["key"] for f in result["factors_used"]}
    assert "tasks.reasoning.output_tokens" not in keys
    same = _run({"task": "chat", "input_tokens": 1020, "output_tokens": 100})
    assert (same["inference"]["per_request"]["energy"]["value"]
            == result["inference"]["per_request"]["energy"]["value"])


def test_a_task_length_varies_in_the_monte_carlo():
    result = estimate({**BASE, "uncertainty": True, "inference": {"task": "rag"}})
    labels = {d["input"] for d in result["uncertainty"]["drivers"]["indicators"]["energy"]}
    assert "tasks.rag.input_tokens" in labels or "tasks.rag.output_tokens" in labels


def test_an_unknown_task_is_refused_by_name():
    with pytest.raises(ProfileError) as caught:
        _run({"task": "poetry"})
    assert caught.value.errors[0]["field"] == "inference.task"


def test_a_factor_set_without_tasks_keeps_its_defaults():
    result = _run({}, factors_version="2026.1")
    assumed = _assumed(result)
    assert "inference.task" not in assumed
    assert (assumed["inference.input_tokens"], assumed["inference.output_tokens"]) == (500, 400)


def test_a_task_asked_of_a_factor_set_without_tasks_is_refused_unless_both_lengths_are_given():
    with pytest.raises(ProfileError) as caught:
        _run({"task": "reasoning"}, factors_version="2026.1")
    assert caught.value.errors[0]["field"] == "inference.task"
    assert "2026.1" in caught.value.errors[0]["message"]
    given = _run({"task": "reasoning", "input_tokens": 10, "output_tokens": 20},
                 factors_version="2026.1")
    assert given["versions"]["factors"] == "2026.1"
