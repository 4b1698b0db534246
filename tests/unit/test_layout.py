"""lca.layout: every figure has one place in the response, and the compiled renderers keep it."""

from __future__ import annotations

import pytest

from lca import calculate, estimate, resolve
from lca.inference import PATHS as INFERENCE_PATHS
from lca.layout import IfFinite, Number, Quantity, _Source, compile_renderer, layout, response_paths
from lca.training import PATHS as TRAINING_PATHS

BOTH = {"model": "llama-3.1-8b", "uncertainty": False,
        "training": {"hardware": "nvidia-h100-sxm", "compute": "1e23 FLOP"},
        "inference": {"hardware": "nvidia-h100-sxm", "requests": 1e6}}


def test_every_output_but_the_request_volume_has_exactly_one_place(factors):
    outputs = set(calculate(resolve(BOTH, factors).inputs))
    placed = response_paths()
    assert outputs - set(placed) == {"lifecycle.requests"}  # shown as inference.requests
    assert len(set(placed.values())) == len(placed)


@pytest.mark.parametrize("training", [None, *TRAINING_PATHS.values()])
@pytest.mark.parametrize("inference", [None, *INFERENCE_PATHS.values()])
@pytest.mark.parametrize("with_bounds", [False, True])
@pytest.mark.parametrize("scaled", [False, True])
def test_every_shape_of_response_compiles(training, inference, with_bounds, scaled):
    renderer = compile_renderer(training, inference, with_bounds, scaled)
    assert renderer is compile_renderer(training, inference, with_bounds, scaled)
    assert renderer.source.startswith("def render(out, bounds, units, scales):")


def test_totals_appear_only_with_a_request_volume(factors):
    with_volume = estimate(BOTH, factors)
    without = estimate({**BOTH, "inference": {"hardware": "nvidia-h100-sxm"}}, factors)
    assert with_volume["inference"]["requests"] == 1e6
    assert set(with_volume["lifecycle"]) == {"breakeven_requests", "total", "per_request",
                                             "shares"}
    assert "requests" not in without["inference"] and "total" not in without["inference"]
    assert set(without["lifecycle"]) == {"breakeven_requests"}
    assert "no-volume" in {w["code"] for w in without["warnings"]}
    assert list(with_volume["inference"])[-2:] == ["requests", "total"]


def test_display_units_scale_values_and_bounds_alike(factors):
    canonical = estimate({**BOTH, "uncertainty": {"samples": 200, "seed": 1}}, factors)
    shown = estimate({**BOTH, "uncertainty": {"samples": 200, "seed": 1},
                      "units": {"gwp": "gCO2e"}}, factors)
    a, b = canonical["inference"]["per_request"]["gwp"], shown["inference"]["per_request"]["gwp"]
    assert b["unit"] == "gCO2e" and a["unit"] == "kgCO2e"
    for part in ("value", "low", "high"):
        assert b[part] == pytest.approx(a[part] * 1000, rel=1e-12)
    assert shown["inference"]["per_request"]["energy"] == canonical["inference"]["per_request"][
        "energy"]


def test_a_conditional_entry_before_a_fixed_one_is_refused():
    node = {"total": IfFinite("inference.requests", Number("inference.requests")),
            "energy": Quantity("inference.impacts.energy", "energy")}
    with pytest.raises(ValueError, match="last"):
        _Source(False, False).expression(node, "    ")


def test_the_inference_it_energy_is_shown_beside_its_breakdown(factors):
    result = estimate({**BOTH, "training": None}, factors)["inference"]
    parts = result["energy_breakdown"]
    assert result["it_energy"]["value"] == pytest.approx(
        parts["accelerators"]["value"] + parts["host"]["value"] + parts["idle"]["value"],
        rel=1e-12)
    assert "compute" not in layout("accelerator_hours", None)["training"]
