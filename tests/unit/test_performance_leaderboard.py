"""lca.leaderboard.performance: a performance leaderboard's speed and time to first token as the
measured throughput of a replica, each row the single estimate of that profile."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import lca
from lca.errors import ProfileError
from lca.factors import FactorRepository
from lca.leaderboard.model_names import match_preset
from lca.leaderboard.performance import performance, profile_of
from lca.quantities import INDICATORS

FIXTURE = Path(__file__).parents[2] / "examples" / "performance-leaderboard.csv"
AZURE = {"Provider": "Microsoft Azure", "Model": "Llama 3.1 Instruct 405B",
         "Output Speed (tokens/s)": 29.4, "Latency (TTFT, s)": 2.01}
DENSE = {"Provider": "p", "Model": "Some 30B", "Output Speed (tokens/s)": "100",
         "Latency (TTFT, s)": "0.5", "#Params (B)": "30"}


def _fixture_rows() -> list[dict]:
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("options", [
    {}, {"concurrency": 8, "hardware": "nvidia-h200", "location": "FRA"},
    {"accelerators": 8, "task": "reasoning", "include_ttft": False},
    {"output_tokens": 1000, "input_tokens": 1000, "fleet_utilization": 0.9},
    {"factors_version": "2026.1", "concurrency": 16},
    {"precision": "fp8", "concurrency": {"low": 8, "high": 128, "value": 32}},
    {"concurrency": "24 dimensionless", "output_tokens": "800 token"},
])
def test_each_row_equals_the_single_estimate_of_its_profile(options):
    result = performance(_fixture_rows(), options)
    assert result["summary"]["rows_estimated"] == 5
    for row in result["rows"]:
        single = lca.estimate(profile_of(row, options))
        assert single["inference"]["path"] == "measured_throughput"
        for indicator in INDICATORS:
            assert row["per_request"][indicator] == (
                single["inference"]["per_request"][indicator]["value"])
        assert row["replica"]["busy_seconds_per_request"] == (
            single["inference"]["replica"]["busy_seconds_per_request"]["value"])


def test_busy_time_is_the_request_latency_shared_by_the_concurrent_requests():
    row = performance([AZURE], {"concurrency": 32})["rows"][0]
    output_tokens = row["inputs"]["output_tokens"]
    latency = 2.01 + output_tokens / 29.4
    assert row["replica"]["busy_seconds_per_request"] == pytest.approx(latency / 32, rel=1e-12)
    assert row["inputs"]["output_throughput"] == pytest.approx(32 * output_tokens / latency,
                                                                rel=1e-12)
    decoding = performance([AZURE], {"concurrency": 32, "include_ttft": False})["rows"][0]
    assert decoding["inputs"]["output_throughput"] == pytest.approx(29.4 * 32, rel=1e-12)


def test_more_concurrency_means_less_of_every_indicator_per_request():
    figures = [performance([AZURE, DENSE], {"concurrency": c})["rows"] for c in (4, 32, 256)]
    for i in range(2):
        for indicator in INDICATORS:
            values = [rows[i]["per_request"][indicator] for rows in figures]
            assert values[0] > values[1] > values[2], (i, indicator, values)


def test_counting_the_time_to_first_token_costs_more_per_request():
    with_ttft = performance([AZURE])["rows"][0]["per_request"]["energy"]
    without = performance([AZURE], {"include_ttft": False})["rows"][0]["per_request"]["energy"]
    assert with_ttft > without


def test_a_faster_provider_of_the_same_model_costs_less_per_request():
    slow, fast = performance([AZURE, {**AZURE, "Output Speed (tokens/s)": 60}])["rows"]
    assert fast["per_request"]["gwp"] < slow["per_request"]["gwp"]


def test_serving_in_fp8_needs_fewer_accelerators_and_less_energy_per_request():
    bf16, fp8 = (performance([AZURE], {"precision": p})["rows"][0] for p in ("bf16", "fp8"))
    assert fp8["replica"]["accelerators"] < bf16["replica"]["accelerators"]
    assert fp8["per_request"]["energy"] < bf16["per_request"]["energy"]


def test_an_option_reads_as_the_profile_field_it_becomes():
    ranged = performance([AZURE], {"concurrency": {"low": 8, "high": 128, "value": 32}})
    assert ranged["options"]["concurrency"] == 32
    assert ranged["rows"] == performance([AZURE], {"concurrency": "32 dimensionless"})["rows"]


def test_longer_answers_cost_more_per_request():
    short, long = (performance([AZURE], {"output_tokens": n})["rows"][0]["per_request"]["energy"]
                   for n in (200, 2000))
    assert long > short


def test_bad_rows_are_rejected_with_their_line_and_reason():
    result = performance(_fixture_rows(), lines=list(range(2, 9)))
    assert [r["line"] for r in result["rejects"]] == [7, 8]
    assert "matches no preset" in result["rejects"][0]["reason"]
    assert "not a number ('n/a')" in result["rejects"][1]["reason"]
    assert result["summary"] == {"rows_read": 7, "rows_estimated": 5, "rows_rejected": 2}
    assert [r["line"] for r in result["rows"]] == [2, 3, 4, 5, 6]


@pytest.mark.parametrize(("row", "reason"), [
    ({**AZURE, "Output Speed (tokens/s)": None}, "missing"),
    ({**AZURE, "Output Speed (tokens/s)": "0"}, "not a positive speed"),
    ({**AZURE, "Output Speed (tokens/s)": "-3"}, "not a positive speed"),
    ({**AZURE, "Latency (TTFT, s)": "-1"}, "not a time"),
    ({**AZURE, "Latency (TTFT, s)": "soon"}, "not a number"),
    ({**AZURE, "Model": "GPT-4o"}, "matches no preset"),
    ({**DENSE, "#Params (B)": "0"}, "not a positive count"),
    ({"Output Speed (tokens/s)": 10}, "no model name"),
    ("text", "not an object"),
    ({**AZURE, "Output Speed (tokens/s)": 1e12, "Latency (TTFT, s)": 0},
     "inference.output_throughput"),
])
def test_each_kind_of_bad_row_is_rejected_never_raised(row, reason):
    result = performance([AZURE, row])
    assert result["summary"]["rows_estimated"] == 1
    assert [r["line"] for r in result["rejects"]] == [2]
    assert reason in result["rejects"][0]["reason"]


def test_a_model_known_by_its_parameter_count_is_estimated_as_a_dense_model():
    row = performance([DENSE])["rows"][0]
    assert row["inputs"]["parameters"] == 3e10 and row["inputs"]["parameters_from"] == "column"
    single = lca.estimate(profile_of(row))
    assert row["per_request"]["gwp"] == single["inference"]["per_request"]["gwp"]["value"]


def test_other_column_names_are_read_through_the_columns_option():
    rows = [{"who": "Azure", "name": "Llama 3.1 8B", "tps": "150.5", "first": "0.4"}]
    columns = {"provider": "who", "model": "name", "output_speed": "tps", "ttft": "first"}
    result = performance(rows, {"columns": columns})
    assert result["rows"][0]["inputs"]["preset"] == "llama-3.1-8b"
    assert result["columns"] == columns
    assert performance(rows)["rejects"][0]["reason"].startswith("no output speed column")


@pytest.mark.parametrize(("options", "field"), [
    ({"concurrency": 0}, "concurrency"),
    ({"concurrency": "many"}, "concurrency"),
    ({"concurrency": {"low": 64, "high": 8}}, "concurrency"),
    ({"precision": "fp3"}, "precision"),
    ({"accelerators": 0.5}, "accelerators"),
    ({"hardware": "h100"}, "hardware"),
    ({"location": "Atlantis"}, "location"),
    ({"task": "poetry"}, "task"),
    ({"fleet_utilization": 2}, "fleet_utilization"),
    ({"include_ttft": "yes"}, "include_ttft"),
    ({"factors_version": "1999.1"}, "factors_version"),
    ({"columns": {"speed": "x"}}, "columns.speed"),
    ({"colour": "red"}, "colour"),
])
def test_an_invalid_option_raises_naming_it(options, field):
    with pytest.raises(ProfileError) as caught:
        performance([AZURE], options)
    assert field in [e["field"] for e in caught.value.errors]


def test_the_assumptions_are_stated_and_follow_the_options():
    result = performance([AZURE], {"concurrency": 16, "hardware": "nvidia-h200"})
    stated = {a["field"]: a["value"] for a in result["assumptions"]}
    assert stated["concurrency"] == 16
    assert "ttft" in stated["busy_seconds_per_request"]
    assert "inference.hardware" not in stated  # given, not assumed
    assert performance([AZURE])["assumptions"][0]["value"] == 64  # the default batch size


@pytest.mark.parametrize(("name", "preset"), [
    ("Llama 3.1 Instruct 405B", "llama-3.1-405b"),
    ("meta-llama/Llama-3.1-70B-Instruct", "llama-3.1-70b"),
    ("Mixtral 8x22B Instruct", "mixtral-8x22b"),
    ("DeepSeek V3 (Dec '24)", "deepseek-v3"),
    ("Llama 3.1 8B", "llama-3.1-8b"),
    ("Llama 3.3 Instruct 70B", None),
    ("DeepSeek V3.1", None),
    ("GPT-3.5 Turbo", None),
])
def test_model_names_match_a_preset_only_when_every_word_of_its_id_is_there(name, preset):
    assert match_preset(name, FactorRepository().get(None))[0] == preset
