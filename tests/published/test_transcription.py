"""The transcribed cases agree with published-cases.json beside this file: the reference record of
each published case (its citation, the page or table read, and how it was checked)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.published import cases

REFERENCE = Path(__file__).with_name("published-cases.json")


@pytest.fixture(scope="module")
def published() -> dict:
    return {c["id"]: c for c in json.loads(REFERENCE.read_text(encoding="utf-8"))}


def test_patterson_table_4_transcription_matches_the_reference(published):
    ids = {"evolved-transformer-nas": "patterson2021-evolved-transformer-nas",
           "t5-11b": "patterson2021-t5", "meena-2.6b": "patterson2021-meena",
           "gshard-600b": "patterson2021-gshard-600b",
           "switch-transformer": "patterson2021-switch-transformer",
           "gpt-3": "patterson2021-gpt3"}
    for row in cases.PATTERSON_TABLE_4:
        ref = published[ids[row[0]]]
        i, o = ref["inputs"], ref["outputs"]
        assert row[3:9] == (i["number_of_chips"]["value"], i["training_time"]["value"],
                            i["measured_avg_system_power_per_chip"]["value"], i["PUE"]["value"],
                            i["grid_intensity_gross"]["value"], i["grid_intensity_net"]["value"])
        assert row[9:12] == (o["energy"]["value"], o["gross_emissions"]["value"],
                             o["net_emissions"]["value"])
        assert row[12:] == (i["total_computation"]["value"],
                            i["measured_performance_per_chip"]["value"])


def test_li_table_1_transcription_matches_the_reference(published):
    table = published["li2023-gpt3-water"]["outputs"]["all_locations_table1"]
    assert len(table) == len(cases.LI_TABLE_1)
    for row, ref in zip(cases.LI_TABLE_1, table, strict=True):
        assert row[1:] == (ref["PUE"], ref["WUE_onsite_L_per_kWh"], ref["EWIF_L_per_kWh"],
                           ref["train_onsite_ML"], ref["train_offsite_ML"],
                           ref["request_onsite_mL"], ref["request_offsite_mL"])


def test_llama_2_and_strubell_transcriptions_match_the_reference(published):
    for preset, hours, watts, tonnes in cases.LLAMA_2:
        ref = published[f"meta-{preset}"]
        assert (hours, watts, tonnes) == (ref["inputs"]["gpu_hours"]["value"],
                                          ref["inputs"]["power_per_gpu"]["value"],
                                          ref["outputs"]["location_based_emissions"]["value"])
    ids = {"transformer-big": "strubell2019-transformer-big",
           "bert-base-v100x64": "strubell2019-bert-base-v100", "elmo": "strubell2019-elmo",
           "transformer-base": "strubell2019-transformer-base",
           "transformer-nas": "strubell2019-nas"}
    for name, _, watts, hours, kwh, lbs in cases.STRUBELL:
        ref = published[ids[name]]
        assert (watts, hours) == (ref["inputs"]["total_power_CPU+DRAM+GPUs"]["value"],
                                  ref["inputs"]["hours"]["value"])
        assert (kwh, lbs) == (ref["outputs"]["energy_x_PUE"]["value"],
                              ref["outputs"]["emissions"]["value"])
