"""lca.estimate on the round-number fixture factors: paths, records, errors and properties."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from lca import calculate, estimate, load_factor_set
from lca import read as resolve
from lca.errors import ProfileError

BASE = {
    "model": "dense-10b",
    "training": {"hardware": "gpu-a", "accelerator_hours": "1000 h", "location": "AAA",
                 "datacenter": "dc-b"},
    "inference": {"hardware": "gpu-a", "location": "BBB", "requests": 1e6},
}


def run(profile, fixture_factors):
    return estimate(profile, fixture_factors)


def value(result, *path):
    node = result
    for key in path:
        node = node[key]
    return node["value"] if isinstance(node, dict) and "value" in node else node


def test_training_by_accelerator_hours_by_hand(fixture_factors):
    r = run(BASE, fixture_factors)
    t = r["training"]
    assert t["path"] == "accelerator_hours"
    # 1000 h x (500 W x 0.8 load + 100 W host) = 500 kWh IT; PUE 1.1 -> 550 kWh
    assert value(t, "it_energy") == pytest.approx(500.0)
    assert value(t, "operational", "energy") == pytest.approx(550.0)
    assert value(t, "operational", "gwp") == pytest.approx(55.0)  # zone AAA 0.1 kg/kWh
    assert value(t, "water", "onsite") == pytest.approx(100.0)  # 500 kWh x 0.2 L/kWh
    assert value(t, "water", "offsite") == pytest.approx(1100.0)  # 550 kWh x 2 L/kWh
    # embodied (100 + 200) kgCO2e x 1000 h / (4 x 8766 h)
    assert value(t, "embodied", "gwp") == pytest.approx(300 * 1000 / (4 * 8766))
    assert value(t, "impacts", "gwp") == pytest.approx(55.0 + 300 * 1000 / (4 * 8766))
    assert value(t, "impacts", "water") == pytest.approx(
        1200.0 + value(t, "water", "manufacturing"))


@pytest.mark.parametrize(("training", "path", "hours"), [
    # power per accelerator = 500 W TDP x 0.8 load + 100 W host = 500 W; PUE of dc-b 1.1
    ({"energy": "500 kWh"}, "measured_energy", 1000.0),
    ({"energy": "550 kWh", "energy_scope": "facility"}, "measured_energy", 1000.0),
    ({"energy": "500 kWh", "accelerator_hours": 20}, "measured_energy", 20.0),
    ({"accelerator_count": 10, "duration": "100 h"}, "accelerator_count_x_duration", 1000.0),
    ({"compute": "1.44e21 FLOP"}, "compute", 1000.0),  # / (1e15 FLOP/s x 0.4) / 3600
    ({"tokens": 3e10, "utilization": 0.5}, "compute", 1000.0),  # 6 x 1e10 x 3e10 FLOP
    ({"compute": "3.6e18 FLOP", "achieved_flops": "1 TFLOP/s"}, "compute", 1000.0),
])
def test_training_takes_the_most_measured_input_and_names_the_path(fixture_factors, training,
                                                                   path, hours):
    profile = {"model": "dense-10b", "training": {"location": "AAA", "datacenter": "dc-b",
                                                  **training}}
    t = run(profile, fixture_factors)["training"]
    assert t["path"] == path
    assert value(t, "accelerator_hours") == pytest.approx(hours)


def test_compute_path_divides_by_peak_times_default_utilization(fixture_factors):
    t = run({"model": "dense-10b", "training": {"compute": "7.2e20 FLOP"}}, fixture_factors)
    assert value(t["training"], "accelerator_hours") == pytest.approx(7.2e20 / (1e15 * 0.4) / 3600)


def test_tokens_path_uses_six_times_active_parameters_times_tokens(fixture_factors):
    r = run({"model": "moe-100b", "training": {"tokens": 1e12, "achieved_flops": "1 PFLOP/s"}},
            fixture_factors)
    assert value(r["training"], "compute") == pytest.approx(6 * 1e10 * 1e12)
    assert value(r["training"], "accelerator_hours") == pytest.approx(6e22 / 1e15 / 3600)


def test_overhead_multiplies_hours_and_energy(fixture_factors):
    base = {"model": "dense-10b", "training": {"accelerator_hours": 1000}}
    doubled = copy.deepcopy(base)
    doubled["training"]["overhead"] = 2
    a, b = run(base, fixture_factors), run(doubled, fixture_factors)
    for k in ("energy", "gwp", "water", "adpe", "pe"):
        assert value(b, "training", "impacts", k) == pytest.approx(
            2 * value(a, "training", "impacts", k))


def test_inference_roofline_by_hand(fixture_factors):
    r = run({"model": "dense-10b", "inference": {"hardware": "gpu-a", "location": "AAA",
                                                  "datacenter": "dc-b", "fleet_utilization": 1}},
            fixture_factors)
    i = r["inference"]
    assert i["path"] == "roofline"
    rep = i["replica"]
    assert rep["accelerators"] == 1 and rep["batch_size"] == 32
    prefill = 2 * 1e10 * 1000 / (1e15 * 0.5)
    step = (2e10 + 32 * 163_840 * 1200) / (2e12 * 0.6)
    busy = prefill + 400 * step / 32
    assert value(rep, "busy_seconds_per_request") == pytest.approx(busy)
    it = busy * (500 * 0.6 + 100) / 3.6e6
    assert value(i, "per_request", "energy") == pytest.approx(it * 1.1)
    assert value(i, "per_output_token", "energy") == pytest.approx(it * 1.1 / 400)
    assert value(i, "embodied", "gwp") == pytest.approx(300 * busy / 3600 / (4 * 8766))
    assert "total" not in i  # no volume given


def test_measured_energy_per_output_token_replaces_the_roofline(fixture_factors):
    r = run({"model": "dense-10b", "inference": {"energy_per_output_token": "0.5 J",
                                                  "output_tokens": 400, "location": "AAA",
                                                  "datacenter": "dc-b"}}, fixture_factors)
    assert r["inference"]["path"] == "measured_energy_per_output_token"
    assert value(r, "inference", "per_request", "energy") == pytest.approx(200 / 3.6e6 * 1.1)


def test_lifecycle_amortises_training_and_reports_shares(fixture_factors):
    r = run(BASE, fixture_factors)
    life, t, i = r["lifecycle"], r["training"], r["inference"]
    for k in ("energy", "gwp", "water", "adpe", "pe"):
        total = value(t, "impacts", k) + 1e6 * value(i, "per_request", k)
        assert value(life, "total", k) == pytest.approx(total)
        assert value(life, "per_request", k) == pytest.approx(total / 1e6)
        assert life["shares"]["training"][k] + life["shares"]["inference"][k] == pytest.approx(1)
        assert life["breakeven_requests"][k] == pytest.approx(
            value(t, "impacts", k) / value(i, "per_request", k))


def test_requests_per_day_times_duration_gives_the_volume(fixture_factors):
    profile = copy.deepcopy(BASE)
    profile["inference"] = {"requests_per_day": 1000, "duration": "30 day"}
    assert run(profile, fixture_factors)["inference"]["requests"] == pytest.approx(30_000)


def test_every_default_is_listed_and_every_factor_has_source_and_year(fixture_factors):
    r = run({"model": {"parameters": 1e10}, "inference": {}}, fixture_factors)
    fields = {a["field"] for a in r["assumptions"]}
    assert {"inference.hardware", "inference.location", "inference.batch_size",
            "inference.fleet_utilization", "model.active_parameters", "model.precision",
            "model.kv_cache", "hardware_lifetime"} <= fields
    assert {w["code"] for w in r["warnings"]} >= {"zone-default", "no-volume"}
    assert r["factors_used"]
    for f in r["factors_used"]:
        assert f["source"] and isinstance(f["year"], int) and f["unit"]
    assert "zones.WOR.gwp" in {f["key"] for f in r["factors_used"]}


def test_region_maps_to_zone_and_datacenter(fixture_factors):
    r = run({"model": "dense-10b", "inference": {"location": "cloud:east"}}, fixture_factors)
    keys = {f["key"] for f in r["factors_used"]}
    assert {"regions.cloud:east", "zones.AAA.gwp", "datacenters.dc-b.pue"} <= keys


def test_grid_and_datacenter_fields_override_field_by_field(fixture_factors):
    r = run({"model": "dense-10b", "training": {
        "accelerator_hours": 1000, "location": "AAA", "grid": {"gwp": "429 g/kWh"},
        "datacenter": {"profile": "dc-b", "pue": 1.5}}}, fixture_factors)
    t = r["training"]
    assert value(t, "operational", "energy") == pytest.approx(750.0)
    assert value(t, "operational", "gwp") == pytest.approx(750 * 0.429)
    assert value(t, "water", "offsite") == pytest.approx(750 * 2.0)  # zone AAA water kept


def test_display_units_are_applied(fixture_factors):
    r = run({**BASE, "units": {"gwp": "g", "water": "mL"}}, fixture_factors)
    g = r["inference"]["per_request"]["gwp"]
    plain = run(BASE, fixture_factors)["inference"]["per_request"]["gwp"]
    assert g["unit"] == "g" and g["value"] == pytest.approx(plain["value"] * 1000)


@pytest.mark.parametrize(("profile", "field", "fragment"), [
    ({"inference": {}}, "model", "required"),
    ({"model": "nope", "inference": {}}, "model.preset", "unknown model preset"),
    ({"model": {"parameters": 1e9, "active_parameters": 2e9}, "inference": {}},
     "model.active_parameters", "exceeds"),
    ({"model": "dense-10b"}, "", "training section"),
    ({"model": "dense-10b", "training": {}}, "training", "give one of"),
    ({"model": "dense-10b", "training": {"accelerator_count": 8}}, "training.duration", "needed"),
    ({"model": "dense-10b", "training": {"duration": "3 kg", "accelerator_count": 2}},
     "training.duration", "expected a time"),
    ({"model": "dense-10b", "training": {"accelerator_hours": -5}}, "training.accelerator_hours",
     "outside the accepted range"),
    ({"model": "dense-10b", "training": {"accelerator_hours": 5, "hardwar": "x"}},
     "training.hardwar", "unknown field"),
    ({"model": "dense-10b", "inference": {"location": "Mars"}}, "inference.location", "unknown"),
    ({"model": "dense-10b", "inference": {"hardware": "gpu-z"}}, "inference.hardware", "unknown"),
    ({"model": "dense-10b", "inference": {"batch_size": 0.5}}, "inference.batch_size", "range"),
    ({"model": "dense-10b", "inference": {"requests_per_day": 5}}, "inference.duration",
     "needed"),
    ({"model": "dense-10b", "inference": {}, "units": {"gwp": "L"}}, "units.gwp", "expected"),
    ({"model": "dense-10b", "inference": {}, "factors_version": "1999.1"}, "factors_version",
     "unknown"),
    ({"model": {"parameters": 1e9, "precision": "fp7"}, "inference": {}}, "model.precision",
     "one of"),
])
def test_invalid_profiles_list_the_field_and_what_was_wrong(fixture_factors, profile, field,
                                                            fragment):
    with pytest.raises(ProfileError) as caught:
        run(profile, fixture_factors)
    matching = [e for e in caught.value.errors if e["field"] == field]
    assert matching, caught.value.errors
    assert fragment in matching[0]["message"]


def test_all_errors_are_collected_at_once(fixture_factors):
    with pytest.raises(ProfileError) as caught:
        run({"model": {"parameters": "x"}, "training": {"accelerator_hours": "1 kg"},
             "inference": {"batch_size": -1}}, fixture_factors)
    assert len(caught.value.errors) >= 3


INDICATORS = ("energy", "gwp", "water", "adpe", "pe")


@pytest.mark.parametrize(("section", "key", "low", "high"), [
    ("inference", "output_tokens", 100, 1000),
    ("inference", "input_tokens", 100, 10_000),
    ("training", "accelerator_hours", 100, 1000),
    ("training", "tokens", 1e10, 1e12),
])
def test_more_tokens_or_hours_never_lower_any_indicator(fixture_factors, section, key, low, high):
    results = []
    for amount in (low, high):
        profile = copy.deepcopy(BASE)
        if key == "tokens":
            profile["training"] = {"tokens": amount}
        profile[section][key] = amount
        results.append(run(profile, fixture_factors))
    phase = "per_request" if section == "inference" else "impacts"
    for k in INDICATORS:
        assert value(results[1], section, phase, k) >= value(results[0], section, phase, k)


@pytest.mark.parametrize("params", [(1e9, 5e9), (5e9, 3e10), (3e10, 2e11)])
def test_more_parameters_never_lower_any_indicator(fixture_factors, params):
    out = [run({"model": {"parameters": p}, "training": {"tokens": 1e11},
                "inference": {"requests": 1e6}}, fixture_factors) for p in params]
    for k in INDICATORS:
        for phase in (("inference", "per_request"), ("training", "impacts"),
                      ("lifecycle", "total")):
            assert value(out[1], *phase, k) >= value(out[0], *phase, k)


@pytest.mark.parametrize("gwp", [0.1, 0.3, 0.9])
def test_a_dirtier_grid_never_lowers_any_indicator(fixture_factors, gwp):
    def at(g):
        p = copy.deepcopy(BASE)
        for phase in ("training", "inference"):
            p[phase]["grid"] = {"gwp": g, "water": g * 10, "adpe": g * 1e-7, "pe": g * 20}
        return run(p, fixture_factors)
    clean, dirty = at(gwp), at(gwp * 2)
    for k in INDICATORS:
        assert value(dirty, "lifecycle", "total", k) >= value(clean, "lifecycle", "total", k)


def test_calculate_on_stacked_arrays_equals_each_scalar_estimate(fixture_factors):
    profiles = [BASE, {**BASE, "model": "moe-100b"},
                {**BASE, "training": {"energy": "5 MWh"}, "inference": {"requests": 10}},
                {**BASE, "training": {"compute": "1e21 FLOP"}}]
    resolved = [resolve(p, fixture_factors) for p in profiles]
    scalar = [calculate(r.inputs) for r in resolved]
    keys = sorted(set.intersection(*(set(r.inputs) for r in resolved)))
    stacked = calculate({k: np.array([r.inputs[k] for r in resolved]) for k in keys})
    for i, one in enumerate(scalar):
        for key, v in one.items():
            np.testing.assert_allclose(stacked[key][i], v, rtol=1e-12, err_msg=key)


def test_a_repeated_profile_gives_equal_independent_results(fixture_factors):
    first = run(BASE, fixture_factors)
    first["assumptions"][0]["value"] = "tampered"
    first["factors_used"][0]["value"] = -1
    second = run(BASE, fixture_factors)
    assert second["assumptions"][0]["value"] != "tampered"
    assert second["factors_used"][0]["value"] != -1


def test_sections_the_cache_cannot_freeze_are_still_read(fixture_factors):
    class Tokens(float):
        pass

    profile = {"model": "dense-10b", "inference": {"output_tokens": Tokens(400.0)}}
    assert run(profile, fixture_factors) == run(
        {"model": "dense-10b", "inference": {"output_tokens": 400.0}}, fixture_factors)


def test_an_invalid_section_is_reported_again_after_a_valid_identical_site(fixture_factors):
    run({"model": "dense-10b", "inference": {"location": "AAA"}}, fixture_factors)
    with pytest.raises(ProfileError):
        run({"model": "dense-10b", "inference": {"location": "AAA", "batch_size": -1}},
            fixture_factors)


def test_a_replica_too_small_for_the_weights_is_warned(fixture_factors):
    # 100B parameters in bf16 = 200 GB on one 16 GB accelerator
    r = run({"model": "moe-100b", "inference": {"hardware": "gpu-b", "accelerators": 1}},
            fixture_factors)
    assert "replica-too-small" in {w["code"] for w in r["warnings"]}
    sized = run({"model": "moe-100b", "inference": {"hardware": "gpu-b"}}, fixture_factors)
    assert "replica-too-small" not in {w["code"] for w in sized["warnings"]}


def test_more_parameters_never_lower_a_footprint_across_random_shapes(factors):
    """A randomised sweep over hardware, precision, context and batch (seeded): growing the
    model by 30% never lowers any per-request indicator, including where the replica grows."""
    import random

    rng = random.Random(11)
    hardware = sorted(factors.tables["hardware"].rows)
    for _ in range(150):
        inference = {"hardware": rng.choice(hardware), "input_tokens": rng.choice([0, 500, 32000]),
                     "output_tokens": rng.choice([1, 400, 4000]),
                     "batch_size": rng.choice([1, 16, 64, 256]), "location": "FRA"}
        precision = rng.choice(["fp32", "bf16", "fp8", "int4"])
        params = 10 ** rng.uniform(8.5, 12)
        out = [estimate({"model": {"parameters": p, "precision": precision},
                         "inference": inference, "uncertainty": False}, factors)
               for p in (params, params * 1.3)]
        for k in INDICATORS:
            small, large = (o["inference"]["per_request"][k]["value"] for o in out)
            assert large >= small * (1 - 1e-12), (inference, precision, params, k)


def test_overriding_a_dense_presets_size_keeps_it_dense():
    bigger = estimate({"model": {"preset": "llama-3.1-70b", "parameters": 1.4e11},
                       "inference": {}, "uncertainty": False})
    smaller = estimate({"model": {"preset": "llama-3.1-70b", "parameters": 6e10},
                        "inference": {}, "uncertainty": False})  # not "active exceeds total"
    base = estimate({"model": "llama-3.1-70b", "inference": {}, "uncertainty": False})
    energy = [r["inference"]["per_request"]["energy"]["value"] for r in (smaller, base, bigger)]
    assert energy == sorted(energy)
    # prefill scales with active parameters over the replica's accelerators: dense at 140B
    prefill = [r["inference"]["replica"]["prefill_seconds"]["value"]
               * r["inference"]["replica"]["accelerators"] for r in (base, bigger)]
    assert prefill[1] / prefill[0] == pytest.approx(1.4e11 / 70.6e9, rel=0.01)


def test_two_factor_sets_with_one_version_string_do_not_share_readings(tmp_path):
    import shutil

    from tests.conftest import FIXTURE_FACTORS

    shutil.copytree(FIXTURE_FACTORS / "t.1", tmp_path / "t.1")
    zones = tmp_path / "t.1" / "zones.csv"
    zones.write_text(zones.read_text().replace("AAA,Zone A,gwp,100.0", "AAA,Zone A,gwp,900.0"))
    original = load_factor_set(FIXTURE_FACTORS, "t.1")
    edited = load_factor_set(tmp_path, "t.1")
    profile = {"model": "dense-10b", "inference": {"location": "AAA"}, "uncertainty": False}
    factors_of = [{f["key"]: f["value"] for f in estimate(profile, fs)["factors_used"]}
                  for fs in (original, edited)]
    assert factors_of[0]["zones.AAA.gwp"] == pytest.approx(0.1)
    assert factors_of[1]["zones.AAA.gwp"] == pytest.approx(0.9)


def test_a_section_with_keys_of_mixed_types_is_an_error_not_a_crash(fixture_factors):
    with pytest.raises(ProfileError):
        run({"model": "dense-10b", "inference": {1: 2, "batch_size": 8}}, fixture_factors)


def test_training_defaults_of_scope_and_precision_are_listed(fixture_factors):
    r = run({"model": "dense-10b", "training": {"tokens": 1e12}}, fixture_factors)
    fields = {a["field"] for a in r["assumptions"]}
    assert {"training.overhead", "training.precision", "training.utilization"} <= fields


def test_profiles_of_one_shape_share_one_plan_and_bind_their_own_numbers(factors):
    """Sections alike but for their numbers share one plan (lca.reading.plan); each profile's
    numbers are bound on their own, and the reading equals one made by a fresh Estimator."""
    from lca import Estimator, FactorRepository

    first = {"model": "llama-3.1-8b", "training": {"hardware": "nvidia-h100-sxm",
                                                   "tokens": 1.5e13, "utilization": 0.38},
             "inference": {"location": "FRA", "output_tokens": 120, "requests": 1e6}}
    second = {**first, "training": {**first["training"], "tokens": 9e12, "utilization": 0.51},
              "inference": {**first["inference"], "output_tokens": 800, "requests": 3e8}}
    estimator = Estimator(FactorRepository.of(factors))
    one, shared = estimator.read(first), estimator.read(second)
    fresh = Estimator(FactorRepository.of(factors)).read(second)
    assert one.plan is shared.plan and fresh.plan is not shared.plan
    assert shared.inputs == fresh.inputs and shared.inputs["inference.output_tokens"] == 800
    assert shared.inputs["training.utilization"] == 0.51
    assert shared.inputs["training.tokens"] == 9e12
    assert shared.assumptions() == fresh.assumptions()
    assert dict(shared.factors_used) == dict(fresh.factors_used)
    with pytest.raises(ProfileError, match="output_tokens"):
        resolve({**second, "inference": {**second["inference"], "output_tokens": 0}}, factors)


def test_a_series_field_is_read_as_an_array_of_its_length(fixture_factors, monkeypatch):
    """The declarations allow series inputs (24 hourly values): each value is checked by the
    field's Spec, the input is an array of that length, and a wrong length names the field."""
    from lca import quantities
    from lca.quantities import Field, Spec

    series = Field("inference.hourly_share", Spec("dimensionless", 0, 1, "share of the day's "
                                                  "requests in each hour", length=24))
    monkeypatch.setitem(quantities.FIELDS, series.path, series)
    hours = [1 / 24] * 24
    reading = resolve({"model": "dense-10b", "inference": {"hourly_share": hours}}, fixture_factors)
    assert reading.inputs["inference.hourly_share"].tolist() == hours
    with pytest.raises(ProfileError) as short:
        resolve({"model": "dense-10b", "inference": {"hourly_share": hours[:23]}}, fixture_factors)
    assert short.value.errors == [{"field": "inference.hourly_share",
                                   "message": "expected a list of 24 values"}]
    with pytest.raises(ProfileError) as wrong:
        resolve({"model": "dense-10b", "inference": {"hourly_share": [2.0] * 24}}, fixture_factors)
    assert wrong.value.errors[0]["field"] == "inference.hourly_share[0]"
