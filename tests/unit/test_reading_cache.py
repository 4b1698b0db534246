"""The caches of the reading: a shape written as nested tuples (lca.reading.shape) and the
records of sections read once and merged into later plans (lca.reading.plan.SectionPlans).
Neither may change a reading: a plan made through them equals a plan made fresh, field for
field and in the same order."""

from __future__ import annotations

from lca.reading.shape import GIVEN, split, with_fields


def test_a_shape_thaws_back_to_its_skeleton():
    profile = {"name": "x", "model": {"preset": "llama-3.1-8b", "parameters": 8e9},
               "training": {"location": "FRA", "grid": {"gwp": 0.05, "note": [1, True, None]}},
               "inference": {"output_tokens": None, "hardware": {"id": 3}}, "extra": 1.5}
    shape, numbers = split(profile)
    assert shape.skeleton == {
        "model": {"preset": "llama-3.1-8b", "parameters": GIVEN},
        "training": {"location": "FRA", "grid": {"gwp": GIVEN, "note": [1, True, None]}},
        "inference": {"output_tokens": None, "hardware": {"id": 3}}, "extra": 1.5}
    assert numbers == {"model.parameters": 8e9, "training.grid.gwp": 0.05}
    assert shape.part("training") == split({"training": profile["training"]})[0].part("training")
    assert with_fields(shape, ["inference.output_tokens"]).skeleton["inference"] == {
        "output_tokens": GIVEN, "hardware": {"id": 3}}


def test_values_equal_in_python_but_of_other_types_are_other_shapes():
    one, true = (split({"model": {"precision": v}})[0] for v in (1, True))
    assert one.key != true.key and one.skeleton["model"]["precision"] is not True


def test_a_shape_holding_what_is_not_plain_data_has_no_key_but_its_skeleton():
    marker = object()
    shape = split({"model": "llama-3.1-8b", "inference": {"hardware": marker}})[0]
    assert shape.key is None and shape.part("inference") is None
    assert shape.skeleton["inference"]["hardware"] is marker
