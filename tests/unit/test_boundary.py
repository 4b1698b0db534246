"""The boundary: which life-cycle stages the totals count, named in the response."""

from __future__ import annotations

import math

import pytest

from lca import estimate, load_factor_set
from lca.errors import ProfileError
from lca.quantities import INDICATORS, STAGE_INDICATORS
from lca.units import HOURS_PER_YEAR, J_PER_KWH

BASE = {"model": "llama-3.1-70b", "uncertainty": False,
        "training": {"hardware": "nvidia-h100-sxm", "accelerator_hours": "1e6 h",
                     "location": "FRA"},
        "inference": {"hardware": "nvidia-h100-sxm", "location": "FRA", "requests": 1e9}}


def run(**more: object) -> dict:
    return estimate({**BASE, **more})


def v(node: dict) -> float:
    return node["value"]


def test_the_default_of_2026_2_is_the_frugal_ai_boundary_and_the_totals_count_its_stages():
    result = run()
    assert result["boundary"] == {"name": "frugal-ai", "stages": [
        "electricity", "hardware", "datacenter_building", "network_storage"]}
    assert any(a["field"] == "boundary" for a in result["assumptions"])
    for phase, total in (("training", "impacts"), ("inference", "per_request")):
        section = result[phase]
        assert v(section["stages"]["datacenter_building"]["gwp"]) > 0
        assert v(section["stages"]["network_storage"]["energy"]) > 0
        for k in INDICATORS:
            parts = v(section["operational"][k]) + (v(section["embodied"][k])
                                                    if k in section["embodied"] else 0.0)
            parts += sum(v(figures[k]) for stage, figures in section["stages"].items()
                         if k in STAGE_INDICATORS[stage])
            assert math.isclose(v(section[total][k]), parts, rel_tol=1e-12)
    assert v(result["inference"]["stages"]["end_user_device"]["gwp"]) == 0.0


def test_electricity_and_chips_leaves_every_stage_out_of_the_totals():
    result = run(boundary="electricity-and-chips")
    assert result["boundary"]["stages"] == ["electricity", "hardware"]
    training = result["training"]
    assert all(v(q) == 0.0 for stage in training["stages"].values() for q in stage.values())
    assert math.isclose(v(training["impacts"]["gwp"]), v(training["operational"]["gwp"])
                        + v(training["embodied"]["gwp"]))
    assert v(run()["lifecycle"]["total"]["gwp"]) > v(result["lifecycle"]["total"]["gwp"])


def test_the_building_is_allocated_by_it_capacity_and_time_by_hand():
    fs = load_factor_set()
    hardware = fs.tables["hardware"].rows["nvidia-h100-sxm"]
    capacity_kw = (hardware["tdp"].value + hardware["host_power"].value) / 1000
    expected = (1e6 * capacity_kw * fs.constant("datacenter_building_gwp_per_kw").value
                / fs.constant("datacenter_building_lifetime").value)
    got = v(run()["training"]["stages"]["datacenter_building"]["gwp"])
    assert math.isclose(got, expected, rel_tol=1e-12)
    assert math.isclose(fs.constant("datacenter_building_lifetime").value, 20 * HOURS_PER_YEAR)


def test_the_user_side_stages_are_counted_when_listed_by_hand():
    fs = load_factor_set()
    result = run(boundary=["electricity", "hardware", "end_user_device", "network_transfer"])
    assert result["boundary"]["name"] == "custom"
    grid = fs.get("zones", "FRA", "gwp").value
    # the default task's lengths (tasks.chat): the answer read, prompt and answer sent
    prompt, answer = (fs.get("tasks", "chat", f"{k}_tokens").value for k in ("input", "output"))
    seconds = answer / fs.constant("reading_speed").value
    device = seconds * fs.constant("end_user_device_power").value / J_PER_KWH
    stages = result["inference"]["stages"]
    assert math.isclose(v(stages["end_user_device"]["gwp"]), device * grid, rel_tol=1e-12)
    transfer = ((prompt + answer) * fs.constant("bytes_per_token").value
                * fs.constant("network_energy_per_gb").value)
    assert math.isclose(v(stages["network_transfer"]["energy"]), transfer, rel_tol=1e-12)
    assert v(stages["datacenter_building"]["gwp"]) == 0.0


def test_a_pinned_2026_1_keeps_its_boundary_and_says_so():
    result = run(factors_version="2026.1")
    assert result["boundary"]["name"] == "electricity-and-chips"
    assumed = next(a for a in result["assumptions"] if a["field"] == "boundary")
    assert "2026.1" in assumed["why"]
    with pytest.raises(ProfileError) as caught:
        run(factors_version="2026.1", boundary="frugal-ai")
    assert caught.value.errors[0]["field"] == "boundary"


@pytest.mark.parametrize("boundary", ["everything", ["electricity"], ["electricity", "hardware",
                                                                     "oceans"], [], 3,
                                      ["electricity", "hardware", "hardware"]])
def test_a_wrong_boundary_is_a_422_naming_the_field(boundary):
    with pytest.raises(ProfileError) as caught:
        run(boundary=boundary)
    assert [e["field"] for e in caught.value.errors] == ["boundary"]


def test_the_stage_factors_are_sampled_by_the_monte_carlo():
    result = estimate({**BASE, "uncertainty": True})
    building = result["training"]["stages"]["datacenter_building"]["gwp"]
    assert building["low"] < building["value"] < building["high"]
    used = {f["key"] for f in result["factors_used"]}
    assert "constants.datacenter_building_gwp_per_kw" in used


def test_the_markdown_disclosure_states_its_boundary_in_words():
    from lca.report.markdown import to_markdown

    frugal = to_markdown(run())
    assert "Boundary `frugal-ai`" in frugal
    assert "data-centre building" in frugal.split("Not counted")[0]
    narrow = to_markdown(run(boundary="electricity-and-chips"))
    assert "data-centre building" in narrow.split("Not counted")[1]
