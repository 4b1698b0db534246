"""Columnar estimates equal the single estimates of their rows; bad rows and columns are named."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lca import estimate
from lca.engine.columns import DEFAULT_OUTPUTS, estimate_columns
from lca.errors import ProfileError

BASE = {"model": "llama-3.1-70b",
        "training": {"hardware": "nvidia-h100-sxm", "accelerator_hours": "7e6 h",
                     "location": "USA"},
        "inference": {"location": "FRA", "requests": 1e9, "batch_size": 32}}
COLUMNS = {"inference.input_tokens": [10, 500, 4000], "inference.output_tokens": [5, 400, 2000],
           "inference.batch_size": [1, 64, 256], "training.accelerator_hours": [1e5, 7e6, 3e7],
           "inference.grid.gwp": [0.01, 0.05, 0.9], "hardware_lifetime": [26298, 35064, 52596]}


def row_profile(i: int) -> dict:
    inference = {**BASE["inference"], "input_tokens": COLUMNS["inference.input_tokens"][i],
                 "output_tokens": COLUMNS["inference.output_tokens"][i],
                 "batch_size": COLUMNS["inference.batch_size"][i],
                 "grid": {"gwp": COLUMNS["inference.grid.gwp"][i]}}
    training = {**BASE["training"], "accelerator_hours": COLUMNS["training.accelerator_hours"][i]}
    return {**BASE, "training": training, "inference": inference,
            "hardware_lifetime": COLUMNS["hardware_lifetime"][i], "uncertainty": False}


def test_every_row_equals_the_single_estimate_of_that_row():
    result = estimate_columns(BASE, COLUMNS)
    assert result["rows"] == 3 and result["errors"] == []
    assert list(result["outputs"]) == list(DEFAULT_OUTPUTS)
    for i in range(3):
        single = estimate(row_profile(i))
        for name, column in result["outputs"].items():
            block, indicator = name.rsplit(".", 1)
            phase, part = block.split(".", 1)
            expected = single[phase][part][indicator]["value"]
            assert math.isclose(column[i], expected, rel_tol=1e-9), (i, name)


def test_invalid_rows_get_nan_and_an_error_naming_index_and_field():
    columns = {"inference.output_tokens": [400, 0, float("nan"), "many", 1e9, 200]}
    result = estimate_columns(BASE, columns, ["inference.per_request.gwp"])
    gwp = result["outputs"]["inference.per_request.gwp"]
    assert [math.isnan(v) for v in gwp] == [False, True, True, True, True, False]
    assert [e["index"] for e in result["errors"]] == [1, 2, 3, 4]
    assert result["errors"][0]["errors"][0]["field"] == "inference.output_tokens"


def test_more_active_than_total_parameters_is_a_row_error():
    result = estimate_columns({"model": {"parameters": 1e10}, "inference": {}},
                              {"model.active_parameters": [5e9, 2e10]})
    assert [e["index"] for e in result["errors"]] == [1]


def test_a_column_of_a_field_the_base_leaves_out_is_planned_as_given():
    result = estimate_columns({"model": "llama-3.1-8b", "inference": {}},
                              {"inference.batch_size": [1, 64]}, ["inference.replica.batch_size"])
    assert result["outputs"]["inference.replica.batch_size"].tolist() == [1.0, 64.0]


@pytest.mark.parametrize(("columns", "outputs", "field"), [
    ({"inference.location": ["FRA"]}, None, "columns.inference.location"),
    ({"model.nope": [5.0]}, None, "columns.model.nope"),
    ({"inference.input_tokens": [1, 2], "inference.output_tokens": [1]}, None, "columns"),
    ({}, None, "columns"),
    ({"inference.input_tokens": [1]}, ["inference.per_request.joy"], "outputs"),
])
def test_bad_columns_and_outputs_are_errors(columns, outputs, field):
    with pytest.raises(ProfileError) as caught:
        estimate_columns(BASE, columns, outputs)
    assert caught.value.errors[0]["field"] == field


def test_numpy_arrays_are_accepted_in_process():
    rows = np.linspace(10, 2000, 1000)
    result = estimate_columns(BASE, {"inference.output_tokens": rows},
                              ["inference.per_request.energy"])
    energy = result["outputs"]["inference.per_request.energy"]
    assert np.all(np.diff(energy) > 0)  # more output tokens, more energy


def test_varying_the_size_of_a_dense_base_keeps_every_row_dense():
    base = {"model": "llama-3.1-70b", "inference": {"location": "FRA"}}
    result = estimate_columns(base, {"model.parameters": [3e9, 7e10, 1.4e11]},
                              ["inference.per_request.energy"])
    assert result["errors"] == []
    for i, params in enumerate((3e9, 7e10, 1.4e11)):
        single = estimate({"model": {"preset": "llama-3.1-70b", "parameters": params},
                           "inference": {"location": "FRA"}, "uncertainty": False})
        assert result["outputs"]["inference.per_request.energy"][i] == pytest.approx(
            single["inference"]["per_request"]["energy"]["value"], rel=1e-9)


def test_integers_beyond_any_float_are_row_errors():
    result = estimate_columns(BASE, {"inference.output_tokens": [400, 10**400]})
    assert [e["index"] for e in result["errors"]] == [1]
