"""The Monte Carlo: ranges hold the central value, are reproducible, and match analytic cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lca import estimate
from lca.compare import compare
from lca.engine.montecarlo import inverse_cdf
from lca.errors import ProfileError
from lca.quantities import Spread

PROFILE = {
    "model": "llama-3.1-70b",
    "training": {"hardware": "nvidia-h100-sxm", "accelerator_hours": "7e6 h", "location": "USA"},
    "inference": {"location": "FRA", "requests_per_day": 1e6, "duration": "1 year"},
}


def quantities(node: object, path: str = ""):
    """Every {value, unit, low, high} object of an estimate, with its path."""
    if isinstance(node, dict):
        if "value" in node and "unit" in node:
            yield path, node
        else:
            for key, child in node.items():
                yield from quantities(child, f"{path}.{key}")
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from quantities(child, f"{path}[{i}]")


def test_every_quantity_has_low_at_most_value_at_most_high():
    result = estimate(PROFILE)
    checked = 0
    for path, q in quantities({k: v for k, v in result.items() if k != "factors_used"}):
        if q["value"] is None:
            continue
        assert "low" in q and "high" in q, path
        assert q["low"] <= q["value"] <= q["high"], (path, q)
        checked += 1
    assert checked > 60
    assert result["lifecycle"]["total"]["gwp"]["low"] < result["lifecycle"]["total"]["gwp"][
        "high"]


def test_the_same_seed_gives_identical_numbers_and_another_seed_agrees_within_noise():
    a = estimate({**PROFILE, "uncertainty": {"seed": 7, "samples": 4000}})
    b = estimate({**PROFILE, "uncertainty": {"seed": 7, "samples": 4000}})
    c = estimate({**PROFILE, "uncertainty": {"seed": 8, "samples": 4000}})
    assert a == b
    gwp_a, gwp_c = a["lifecycle"]["total"]["gwp"], c["lifecycle"]["total"]["gwp"]
    assert (gwp_a["low"], gwp_a["high"]) != (gwp_c["low"], gwp_c["high"])
    assert gwp_c["low"] == pytest.approx(gwp_a["low"], rel=0.05)
    assert gwp_c["high"] == pytest.approx(gwp_a["high"], rel=0.05)


def test_uncertainty_false_skips_the_monte_carlo():
    result = estimate({**PROFILE, "uncertainty": False})
    assert "uncertainty" not in result
    assert "low" not in result["lifecycle"]["total"]["gwp"]


def test_no_spread_when_every_input_is_fixed(fixture_factors):
    # fixture zone AAA and data centre dc-b carry no ranges; the measured energy is fixed
    result = estimate({"model": "dense-10b", "inference": {
        "location": "AAA", "datacenter": "dc-b", "energy_per_request": "1 Wh",
        "output_tokens": 100, "requests": 1000}}, fixture_factors)
    operational = result["inference"]["operational"]
    for q in operational.values():
        assert q["low"] == q["value"] == q["high"]


def _product_of_uniforms_percentile(p: float, a: float, b: float, c: float, d: float) -> float:
    """Percentile of X*Y, X ~ U(a, b), Y ~ U(c, d), by bisection on the exact CDF."""
    def cdf(z: float) -> float:
        # P(XY <= z) = 1/(b-a) * integral over x of clip((z/x - c)/(d - c), 0, 1)
        xs = np.linspace(a, b, 200_001)
        return float(np.mean(np.clip((z / xs - c) / (d - c), 0.0, 1.0)))
    low, high = a * c, b * d
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if cdf(mid) < p else (low, mid)
    return (low + high) / 2


def test_a_product_of_independent_uniform_factors_matches_its_analytic_interval(
        fixture_factors):
    # operational gwp = 1 kWh x PUE ~ U(1.1, 1.5) x grid gwp ~ U(0.1, 0.5) kg/kWh
    result = estimate({"model": "dense-10b", "inference": {
        "location": "AAA", "energy_per_request": "1 kWh", "output_tokens": 100,
        "datacenter": {"profile": "dc-b", "pue": {"low": 1.1, "high": 1.5}},
        "grid": {"gwp": {"low": 0.1, "high": 0.5}}},
        "uncertainty": {"samples": 40_000, "seed": 1}}, fixture_factors)
    gwp = result["inference"]["operational"]["gwp"]
    assert gwp["value"] == pytest.approx(1.3 * 0.3)  # central value: the midpoints
    low = _product_of_uniforms_percentile(0.05, 1.1, 1.5, 0.1, 0.5)
    high = _product_of_uniforms_percentile(0.95, 1.1, 1.5, 0.1, 0.5)
    # sampling error of a 5th/95th percentile with 40,000 draws is well under 1%
    assert gwp["low"] == pytest.approx(low, rel=0.01)
    assert gwp["high"] == pytest.approx(high, rel=0.01)
    drivers = result["uncertainty"]["drivers"]["indicators"]["gwp"]
    assert [d["input"] for d in drivers] == ["inference.grid.gwp", "inference.datacenter.pue"]
    assert sum(d["share"] for d in drivers) == pytest.approx(1.0, abs=0.01)


def test_a_range_given_for_a_field_is_its_central_value_and_its_spread(fixture_factors):
    narrow = estimate({"model": "dense-10b", "inference": {"batch_size": 36}}, fixture_factors)
    ranged = estimate({"model": "dense-10b", "inference": {
        "batch_size": {"low": 8, "high": 64}}}, fixture_factors)
    assert ranged["inference"]["replica"]["batch_size"] == 36
    assert (ranged["inference"]["per_request"]["energy"]["value"]
            == narrow["inference"]["per_request"]["energy"]["value"])
    inputs = [d["input"] for d in ranged["uncertainty"]["drivers"]["indicators"]["energy"]]
    assert inputs[0] == "inference.batch_size"


@pytest.mark.parametrize(("value", "fragment"), [
    ({"low": 64, "high": 8}, "low <= value <= high"),
    ({"low": 8}, "a range is"),
    ({"low": 8, "high": 64, "mean": 9}, "a range is"),
    ({"low": 8, "high": 64, "value": 100}, "low <= value <= high"),
    ({"low": -1, "high": 64}, "outside the accepted range"),
])
def test_bad_ranges_are_field_errors(value, fragment):
    with pytest.raises(ProfileError) as caught:
        estimate({"model": "llama-3.1-8b", "inference": {"batch_size": value}})
    assert fragment in caught.value.errors[0]["message"]
    assert caught.value.errors[0]["field"].startswith("inference.batch_size")


def test_durations_accept_ranges_with_units():
    result = estimate({"model": "llama-3.1-8b", "training": {
        "accelerator_count": 64, "duration": {"low": "20 day", "high": "30 day"}}})
    hours = result["training"]["accelerator_hours"]
    assert hours["value"] == pytest.approx(64 * 25 * 24)
    assert hours["low"] < hours["value"] < hours["high"]


@pytest.mark.parametrize("spread", [Spread("x", 1.0, 2.0, 4.0), Spread("x", 1.0, None, 4.0),
                                    Spread("x", 1.0, 10.0, 1000.0), Spread("x", 1.0, 4.0, 4.0)])
def test_inverse_cdf_stays_in_range_and_is_monotone(spread):
    u = np.linspace(0, 1, 1001)
    values = inverse_cdf(u, spread)
    assert values[0] == pytest.approx(spread.low) and values[-1] == pytest.approx(spread.high)
    assert np.all(np.diff(values) >= 0)
    assert all(math.isfinite(v) for v in values)


@pytest.mark.parametrize("spread", [Spread("x", 1.0, 2.0, 4.0), Spread("x", 1.0, 1.1, 4.0),
                                    Spread("x", 4.0, 64.0, 512.0), Spread("x", 0.2, 0.6, 0.89)])
def test_a_ranges_value_is_its_median(spread):
    """Half the draws fall on each side of the value, whatever the skew of the range."""
    assert inverse_cdf(np.array([0.5]), spread)[0] == pytest.approx(spread.mode)
    draws = inverse_cdf(np.random.default_rng(1).random(20_000), spread)
    assert abs(float(np.mean(draws < spread.mode)) - 0.5) < 0.015


@pytest.mark.parametrize("spread", [Spread("x", 1.0, 4.0, 4.0), Spread("x", 4.0, 4.0, 9.0)])
def test_a_range_with_its_value_at_an_edge_holds_half_its_mass_on_the_value(spread):
    """A side with no room: its half of the draws is the value itself (module doc)."""
    draws = inverse_cdf(np.linspace(0.0, 1.0, 1001), spread)
    assert float(np.mean(draws == spread.mode)) == pytest.approx(0.5, abs=0.002)
    assert draws.min() == pytest.approx(spread.low) and draws.max() == pytest.approx(spread.high)


def test_a_log_range_without_a_value_is_centred_on_its_geometric_midpoint():
    result = estimate({"model": "llama-3.1-8b", "inference": {
        "batch_size": {"low": 4, "high": 400}}, "uncertainty": False})
    assert result["inference"]["replica"]["batch_size"] == pytest.approx(40.0)


def test_comparison_gives_the_probability_that_the_order_holds():
    scenarios = [{"name": n, "model": "llama-3.1-70b", "inference": {"location": z}}
                 for n, z in (("fr", "FRA"), ("pl", "POL"))]
    result = compare(scenarios, 0, uncertainty={"samples": 2000})
    gwp = result["comparison"]["inference.per_request"]["gwp"]
    assert gwp["ranks"] == [1, 2]
    assert all(0.0 <= p <= 1.0 for p in gwp["rank_probabilities"])
    assert gwp["probability_below_baseline"][0] == 0.0
    assert gwp["probability_below_baseline"][1] < 0.05  # Poland's coal grid: rarely below France
    assert "uncertainty" in result["estimates"][0]


@pytest.mark.parametrize("q", [0.0, 5.0, 50.0, 95.0, 100.0])
def test_percentile_by_selection_equals_numpys_linear_definition(q):
    from lca.engine.montecarlo import percentile

    rows = np.random.default_rng(3).lognormal(size=(20, 2001))
    assert percentile(rows, q) == pytest.approx(np.percentile(rows, q, axis=1).tolist())


def test_successive_percentiles_of_one_array_partitioned_in_place_stay_exact():
    from lca.engine.montecarlo import percentile

    original = np.random.default_rng(4).lognormal(size=(30, 10_000))
    rows = original.copy()
    got = [percentile(rows, q) for q in (5.0, 95.0, 50.0)]
    for q, values in zip((5.0, 95.0, 50.0), got, strict=True):
        assert values == pytest.approx(np.percentile(original, q, axis=1).tolist(), rel=1e-15)


def test_kept_draws_equal_fresh_ones_and_cannot_be_written():
    from lca.engine.montecarlo import _cached_draw, inverse_cdf, quantiles

    spread = Spread("zones.FRA.gwp", 0.02, 0.04, 0.09)
    kept = _cached_draw(spread, 2000, 7)
    assert kept is _cached_draw(spread, 2000, 7)
    np.testing.assert_array_equal(kept, inverse_cdf(quantiles(spread.label, 2000, 7), spread))
    with pytest.raises(ValueError, match="read-only"):
        kept[0] = 1.0


def test_crossing_ranges_of_total_and_active_parameters_stay_finite():
    result = estimate({"model": {"parameters": {"low": 3e10, "high": 8e10},
                                 "active_parameters": {"low": 2e10, "high": 6e10}},
                       "inference": {"location": "FRA"}, "uncertainty": {"samples": 2000}})
    gwp = result["inference"]["per_request"]["gwp"]
    assert gwp["low"] is not None and gwp["low"] <= gwp["value"] <= gwp["high"]
    assert result["uncertainty"]["drivers"]["indicators"]["gwp"]


def test_without_a_volume_the_drivers_explain_the_per_request_figures():
    result = estimate({"model": "llama-3.1-8b", "training": {"accelerator_hours": 1e5},
                       "inference": {"location": "FRA"}})
    assert "total" not in result["lifecycle"]
    drivers = result["uncertainty"]["drivers"]
    assert drivers["block"] == "inference.per_request" and drivers["indicators"]["gwp"]


def test_monte_carlo_work_per_request_is_bounded():
    from lca.engine.batch import estimate_batch

    scenarios = [{"model": "llama-3.1-8b", "inference": {}}] * 10
    with pytest.raises(ProfileError) as caught:
        compare(scenarios, uncertainty={"samples": 100_000})
    assert caught.value.errors[0]["field"] == "uncertainty.samples"
    with pytest.raises(ProfileError) as caught:
        estimate_batch([{**scenarios[0], "uncertainty": {"samples": 100_000}}] * 5)
    assert caught.value.errors[0]["field"] == "profiles"


def _numpy_bounds(run, central):
    """The straightforward definition: numpy's "linear" percentiles of every output (on the
    samples sorted by np.sort, NaN last, as percentile's selection orders them), widened to
    hold the central value; no range for a figure without a finite central value."""
    expected = {}
    for key, value in central.items():
        value = float(value)
        if math.isfinite(value):
            ordered = np.sort(run.outputs[key])
            pair = []
            for q in (5.0, 95.0):
                position = q / 100.0 * (len(ordered) - 1)
                k = int(position)
                with np.errstate(invalid="ignore"):  # inf - inf
                    pair.append(ordered[k] + (ordered[k + 1] - ordered[k]) * (position - k))
            if np.isfinite(ordered).all():
                assert pair == pytest.approx(np.percentile(ordered, [5.0, 95.0]), rel=1e-14)
            expected[key] = (min(float(pair[0]), value), max(float(pair[1]), value))
    return expected


def _assert_bounds_equal(got, expected):
    assert got.keys() == expected.keys()
    for key, pair in expected.items():
        for a, b in zip(got[key], pair, strict=True):
            assert a == b or (math.isnan(a) and math.isnan(b)) or (
                abs(a - b) <= 1e-12 * abs(b)), (key, got[key], pair)


@pytest.mark.parametrize("samples", [100, 2000, 10_000])
def test_bounds_equal_numpys_percentiles_of_every_output_over_several_profiles(samples):
    from bench.profiles import varied
    from lca import read as resolve
    from lca.engine.montecarlo import bounds, simulate
    from lca.estimator import figures as calculate_floats

    profiles = [PROFILE, {"model": "llama-3.1-8b", "inference": {"location": "FRA"}},
                {"model": {"parameters": {"low": 3e10, "high": 8e10},
                           "active_parameters": {"low": 2e10, "high": 6e10}},
                 "inference": {"location": "FRA", "batch_size": {"low": 8, "high": 64}}},
                *varied(6, seed=11)]
    for profile in profiles:
        resolved = resolve(profile)
        central = calculate_floats(resolved)
        run = simulate(resolved, samples, 5)
        _assert_bounds_equal(bounds(run, central), _numpy_bounds(run, central))


def test_bounds_of_multiples_ties_infinities_and_nans_equal_numpys():
    from lca.engine.montecarlo import MonteCarlo, bounds

    rng = np.random.default_rng(9)
    base = rng.lognormal(size=3000)
    outputs = {
        "base": base, "same": base.copy(), "double": base * 2.0, "negative": base * -3.5,
        "per_token": base / 400.0, "almost": base * (1.0 + 1e-9 * rng.random(3000)),
        "shifted": base + 1.0, "crossing": base - 1.0, "two_values": rng.choice([8.0, 64.0], 3000),
        "few_values": rng.integers(0, 50, 3000).astype(float), "constant": np.full(3000, 2.5),
        "with_nan": np.where(rng.random(3000) < 0.01, np.nan, base),
        "with_inf": np.where(rng.random(3000) < 0.2, np.inf, base),
        "with_zero": np.where(rng.random(3000) < 0.5, 0.0, base),
        "normal": rng.normal(size=3000), "fixed": np.broadcast_to(np.float64(4.0), (3000,)),
    }
    run = MonteCarlo(3000, 0, outputs, {})
    central = {k: float(np.median(np.nan_to_num(v, posinf=1.0))) for k, v in outputs.items()}
    central["not_finite"] = math.inf
    run.outputs["not_finite"] = base
    got = bounds(run, central)
    _assert_bounds_equal(got, _numpy_bounds(run, central))
    assert got["same"] == got["base"]


def test_ranks_equal_a_stable_argsorts_with_and_without_ties():
    from lca.engine.montecarlo import _ranks

    rng = np.random.default_rng(12)
    rows = np.stack([rng.lognormal(size=2000), rng.choice([8.0, 64.0, 512.0], 2000),
                     rng.integers(0, 300, 2000).astype(float), -rng.random(2000)])
    expected = np.empty(rows.shape)
    for row, values in zip(expected, rows, strict=True):
        row[np.argsort(values, kind="stable")] = np.arange(rows.shape[1])
    np.testing.assert_array_equal(_ranks(rows), expected)
    np.testing.assert_array_equal(_ranks(rows[2]), expected[2:3])


def test_drivers_are_the_squared_spearman_correlations_of_each_input_in_order():
    """Each driver's correlation is the rank correlation of its input's draws with the
    indicator's samples (Pearson's of the input's uniform quantiles, which are its ranks up to
    sampling, with the indicator's ranks), its share that correlation squared over the sum for
    all inputs; the list runs from the largest share."""
    from lca import read
    from lca.engine import montecarlo
    from lca.method import MAX_DRIVERS, MIN_DRIVER_SHARE
    from lca.quantities import INDICATORS

    reading = read(PROFILE)
    run = montecarlo.simulate(reading, 1500, seed=3)
    found = montecarlo.drivers(run, reading)
    labels = list(run.quantiles)

    def ranks(values: np.ndarray) -> np.ndarray:
        out = np.empty(len(values))
        out[np.argsort(values, kind="stable")] = np.arange(len(values))
        return out

    for indicator in INDICATORS:
        y = ranks(run.outputs[f"{found['block']}.{indicator}"])
        rho = np.array([np.corrcoef(run.quantiles[label], y)[0, 1] for label in labels])
        shares = rho ** 2 / (rho ** 2).sum()
        expected = [i for i in np.argsort(-shares, kind="stable")[:MAX_DRIVERS]
                    if shares[i] >= MIN_DRIVER_SHARE]
        listed = found["indicators"][indicator]
        assert [d["input"] for d in listed] == [labels[i] for i in expected]
        for driver, i in zip(listed, expected, strict=True):
            assert driver["correlation"] == pytest.approx(rho[i], abs=1e-9)
            assert driver["share"] == pytest.approx(shares[i], abs=1e-9)


@pytest.mark.parametrize("condition", [True, False])
def test_a_whole_profile_choice_gives_what_numpy_where_gives(condition):
    """xp.where with a plain bool returns the chosen operand itself where numpy.where would copy
    it; the values, shape and dtype are numpy's in every combination of floats and arrays."""
    from lca import xp

    array, other, hourly = np.arange(24.0), np.arange(24.0) + 10, np.ones((4, 24))
    for a, b in [(array, 2.0), (2.0, array), (array, other), (1.0, 2.0), (array, hourly),
                 (hourly, 3.0), (np.arange(24), 2.0)]:
        got, expected = xp.where(condition, a, b), np.where(condition, a, b)
        assert np.shape(got) == expected.shape
        assert np.asarray(got).dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
