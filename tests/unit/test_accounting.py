"""GHG Protocol Scope 2 dual reporting (location- and market-based gwp) and grid profiles by
hour and by month, checked by hand on worked examples (docs/accounting.md)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lca import estimate, load_factor_set
from lca.errors import ProfileError
from lca.model import grid
from lca.report.markdown import to_markdown
from lca.units import HOURS_PER_MONTH

# 1,000 kWh of IT energy at PUE 1.2 on a 0.4 kgCO2e/kWh grid: 1,200 kWh drawn, 480 kgCO2e.
TRAINING = {"hardware": "nvidia-h100-sxm", "energy": 1000, "accelerator_hours": 2000,
            "datacenter": {"pue": 1.2, "wue": 0}, "location": "USA",
            "grid": {"gwp": 0.4, "water": 1, "adpe": 1e-8, "pe": 10}}
# 0.001 kWh per request at PUE 1.0 on a 0.5 kgCO2e/kWh grid, 1,000 requests.
INFERENCE = {"hardware": "nvidia-h100-sxm", "energy_per_request": 0.001, "requests": 1000,
             "datacenter": {"pue": 1.0, "wue": 0}, "location": "USA",
             "grid": {"gwp": 0.5, "water": 1, "adpe": 1e-8, "pe": 10}}


def _profile(training: dict | None = None, inference: dict | None = None, **top) -> dict:
    # electricity and chips only, so that the worked examples stay computable by hand
    profile = {"model": "llama-3.1-8b", "uncertainty": False,
               "boundary": "electricity-and-chips", **top}
    if training is not None:
        profile["training"] = training
    if inference is not None:
        profile["inference"] = inference
    return profile


def _with_grid(section: dict, **grid_fields) -> dict:
    return {**section, "grid": {**section["grid"], **grid_fields}}


def _v(result: dict, path: str) -> float:
    node = result
    for key in path.split("."):
        node = node[key]
    return node["value"]


def test_supplier_factor_and_renewable_share_give_the_hand_computed_market_figures(factors):
    """Training: 1,200 kWh x (1 - 0.5) x 0.3 = 180 kgCO2e market-based, against 480 kgCO2e
    location-based; inference: all of it under contracts, so 0 kgCO2e of electricity per request.
    The embodied share is the same on both bases."""
    profile = _profile(_with_grid(TRAINING, market_gwp=0.3, renewable_share=0.5),
                       _with_grid(INFERENCE, renewable_share=1.0))
    result = estimate(profile, factors)
    assert result["accounting"] == "location"
    embodied = _v(result, "training.embodied.gwp")
    assert _v(result, "training.operational.gwp") == pytest.approx(480)
    assert _v(result, "training.impacts_location.gwp") == pytest.approx(480 + embodied)
    assert _v(result, "training.impacts_market.gwp") == pytest.approx(180 + embodied)
    assert _v(result, "training.impacts.gwp") == pytest.approx(480 + embodied)  # location chosen
    per_request_embodied = _v(result, "inference.embodied.gwp")
    assert _v(result, "inference.per_request_location.gwp") == pytest.approx(
        0.0005 + per_request_embodied)
    assert _v(result, "inference.per_request_market.gwp") == pytest.approx(per_request_embodied)
    assert _v(result, "inference.total_market.gwp") == pytest.approx(1000 * per_request_embodied)
    assert _v(result, "lifecycle.total_market.gwp") == pytest.approx(
        180 + embodied + 1000 * per_request_embodied)
    assert _v(result, "lifecycle.total_location.gwp") == pytest.approx(
        480 + embodied + 1000 * (0.0005 + per_request_embodied))
    # water, ADPe and primary energy stay location-based: 1,200 kWh x 10 MJ/kWh
    assert _v(result, "training.operational.pe") == pytest.approx(12000)

    market = estimate({**profile, "accounting": "market"}, factors)
    assert market["accounting"] == "market"
    assert _v(market, "training.operational.gwp") == pytest.approx(180)
    assert _v(market, "training.impacts.gwp") == pytest.approx(180 + embodied)
    assert _v(market, "lifecycle.total.gwp") == _v(market, "lifecycle.total_market.gwp")
    assert _v(market, "lifecycle.total_location.gwp") == _v(result, "lifecycle.total.gwp")
    assert _v(market, "training.operational.pe") == pytest.approx(12000)


def test_without_market_data_only_the_location_based_gwp_is_reported(factors):
    result = estimate(_profile(TRAINING, INFERENCE), factors)
    assert result["accounting"] == "location"
    for block in ("training.impacts", "inference.per_request", "inference.total",
                  "lifecycle.total", "lifecycle.per_request"):
        node = result
        for key in block.split("."):
            node = node[key]
        assert "gwp" in node
        parent = result[block.split(".")[0]]
        assert f"{block.split('.')[1]}_market" not in parent
        assert f"{block.split('.')[1]}_location" not in parent


def test_market_accounting_without_a_supplier_factor_uses_the_published_residual_mix(factors):
    """France: AIB residual mix 2023 40.74 gCO2/kWh; 1,200 kWh x 0.04074 = 48.888 kgCO2e."""
    training = {**TRAINING, "location": "FRA", "grid": {}}
    result = estimate(_profile(training, accounting="market"), factors)
    assert _v(result, "training.operational.gwp") == pytest.approx(1200 * 0.04074)
    assert "zones.FRA.residual_gwp" in {f["key"] for f in result["factors_used"]}
    location = estimate(_profile(training), factors)
    assert _v(result, "training.impacts_location.gwp") == _v(location, "training.impacts.gwp")


def test_market_accounting_also_covers_the_networking_and_storage_electricity(factors):
    """With the data centre's networking and storage in the boundary, their electricity is
    bought under the same contracts: fully covered, the market-based total is the location-based
    one less all of the data centre's electricity gwp (the building's embodied gwp stays)."""
    profile = _profile(_with_grid(TRAINING, renewable_share=1.0), boundary="frugal-ai")
    result = estimate(profile, factors)
    network = _v(result, "training.stages.network_storage.energy")
    assert network > 0
    electricity = (_v(result, "training.operational.energy") + network) * 0.4
    assert _v(result, "training.impacts_market.gwp") == pytest.approx(
        _v(result, "training.impacts_location.gwp") - electricity)


def test_a_zone_without_residual_mix_falls_back_to_the_location_factor(factors):
    """No residual mix is published for a US state here, nor for any zone of 2026.1: the
    uncovered share is counted at the location-based factor, as the Scope 2 Guidance allows."""
    training = _with_grid(TRAINING, renewable_share=0.25)
    training["location"] = "aws:us-west-2"
    result = estimate(_profile(training), factors)
    assert _v(result, "training.operational.gwp") == pytest.approx(480)
    assert _v(result, "training.impacts_market.gwp") - _v(result, "training.embodied.gwp") == (
        pytest.approx(0.75 * 480))
    pinned = estimate({**_profile(_with_grid(TRAINING, renewable_share=0.25),
                                  accounting="market"), "factors_version": "2026.1"},
                      load_factor_set(version="2026.1"))
    assert _v(pinned, "training.operational.gwp") == pytest.approx(0.75 * 480)


def test_an_unknown_accounting_basis_is_a_422_naming_the_field(factors):
    with pytest.raises(ProfileError) as raised:
        estimate(_profile(TRAINING, accounting="net"), factors)
    assert raised.value.errors[0]["field"] == "accounting"


def test_hourly_grid_values_are_weighted_by_the_hours_share_of_energy(factors):
    """Training runs around the clock: 12 hours at 0.1 and 12 at 0.5 count 0.3 kgCO2e/kWh."""
    hours = [0.1] * 12 + [0.5] * 12
    result = estimate(_profile(_with_grid(TRAINING, gwp_hourly=hours)), factors)
    assert _v(result, "training.operational.gwp") == pytest.approx(1200 * 0.3)
    # inference traffic three times as busy in the second half of the day: (0.1 + 3 x 0.5) / 4
    x = {"inference.hourly_requests_per_second": np.array([1.0] * 12 + [3.0] * 12)}
    assert grid.hourly_mean(np.array(hours), grid.hourly_weights(x, "inference")) == (
        pytest.approx(0.4))
    assert grid.hourly_mean(np.array(hours), grid.hourly_weights({}, "inference")) == (
        pytest.approx(0.3))
    with pytest.raises(ProfileError) as short:
        estimate(_profile(_with_grid(TRAINING, gwp_hourly=hours[:23])), factors)
    assert short.value.errors[0]["field"] == "training.grid.gwp_hourly"


def test_monthly_grid_values_are_averaged_over_the_months_the_phase_covers(factors):
    months = np.array([0.1] * 6 + [0.7] * 6)
    nan = math.nan
    assert grid.monthly_mean(months, nan, nan) == pytest.approx(0.4)  # all 12 alike
    assert grid.monthly_mean(months, 1.0, 3 * HOURS_PER_MONTH) == pytest.approx(0.1)
    assert grid.monthly_mean(months, 11.0, 4 * HOURS_PER_MONTH) == pytest.approx(0.4)  # N D J F
    assert grid.monthly_mean(months, 7.0, nan) == pytest.approx(0.4)  # a whole year
    assert math.isnan(grid.monthly_mean(nan, 1.0, 100.0))  # no monthly values given
    training = _with_grid({**TRAINING, "accelerator_count": 8, "duration": 2 * HOURS_PER_MONTH},
                          gwp_monthly=months.tolist(), start_month=12)
    training.pop("accelerator_hours")
    result = estimate(_profile(training), factors)
    assert _v(result, "training.operational.gwp") == pytest.approx(1200 * (0.7 + 0.1) / 2)


def test_the_markdown_report_states_the_accounting_basis_and_both_figures(factors):
    profile = _profile(_with_grid(TRAINING, market_gwp=0.3), _with_grid(INFERENCE))
    text = to_markdown(estimate({**profile, "accounting": "market"}, factors))
    assert "market-based" in text and "location-based" in text


def test_the_monte_carlo_runs_with_market_inputs_and_gives_both_ranges(factors):
    profile = _profile(_with_grid(TRAINING, market_gwp={"low": 0.2, "high": 0.4}),
                       INFERENCE, uncertainty={"samples": 200, "seed": 1})
    result = estimate(profile, factors)
    market = result["training"]["impacts_market"]["gwp"]
    assert market["low"] < market["value"] < market["high"]
    assert "low" in result["training"]["impacts_location"]["gwp"]


def test_a_cloud_region_takes_the_grid_of_its_state_and_a_state_is_a_location(factors):
    """aws:us-west-2 is in Oregon: its estimate uses USA-OR's gwp, not the US average; a state
    is named like a country, in any case."""
    training = {"hardware": "nvidia-h100-sxm", "energy": 1000, "datacenter": {"pue": 1.0}}
    region = estimate(_profile({**training, "location": "aws:us-west-2"}), factors)
    used = {f["key"]: f for f in region["factors_used"]}
    assert used["regions.aws:us-west-2"]["value"] == "USA-OR"
    assert "zones.USA-OR.gwp" in used and "zones.USA.gwp" not in used
    oregon = factors.get("zones", "USA-OR", "gwp").value
    assert _v(region, "training.operational.gwp") == pytest.approx(1000 * oregon)
    assert oregon < 0.5 * factors.get("zones", "USA", "gwp").value
    state = estimate(_profile({**training, "location": "usa-or"}), factors)
    assert _v(state, "training.operational.gwp") == _v(region, "training.operational.gwp")


def test_the_market_factor_used_for_uncovered_electricity_is_an_assumption(factors):
    residual = estimate(_profile({**TRAINING, "location": "FRA", "grid": {}},
                                 accounting="market"), factors)
    said = {a["field"]: a for a in residual["assumptions"]}
    assert said["training.grid.market_gwp"]["value"] == pytest.approx(0.04074)
    fallback = estimate(_profile(_with_grid(TRAINING, renewable_share=0.5)), factors)
    said = {a["field"]: a for a in fallback["assumptions"]}
    assert "location-based factor" in said["training.grid.market_gwp"]["why"]
    plain = estimate(_profile(TRAINING), factors)
    assert "training.grid.market_gwp" not in {a["field"] for a in plain["assumptions"]}
    supplier = estimate(_profile(_with_grid(TRAINING, market_gwp=0.3), accounting="market"),
                        factors)
    assert "training.grid.market_gwp" not in {a["field"] for a in supplier["assumptions"]}


def test_an_hourly_grid_is_weighted_by_each_hours_share_of_the_deployments_energy():
    """Requests in the 12 hours of a 0.8 kgCO2e/kWh grid, none in the 12 hours at 0.1: an
    autoscaler that keeps no replica when idle draws all its energy at 0.8; one replica always
    on also draws its idle power in the quiet hours, so its factor lies between; a flat rate
    weighs the hours alike (0.45)."""
    rates, grid = [2.0] * 12 + [0.0] * 12, [0.8] * 12 + [0.1] * 12

    def factor(inference: dict) -> float:
        result = estimate({"model": "llama-3.1-8b", "uncertainty": False, "inference": {
            **inference, "location": "FRA", "grid": {"gwp_hourly": grid}}})
        return _v(result, "inference.operational.gwp") / _v(result,
                                                             "inference.operational.energy")

    scaled = factor({"hourly_requests_per_second": rates, "min_replicas": 0, "max_replicas": 4})
    always_on = factor({"hourly_requests_per_second": rates, "replicas": 1})
    assert scaled == pytest.approx(0.8)
    assert 0.45 < always_on < 0.8
    assert factor({"requests_per_second": 1, "replicas": 1}) == pytest.approx(0.45)
