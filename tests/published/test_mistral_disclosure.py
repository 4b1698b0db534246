"""The Mistral AI / Carbone 4 / ADEME life-cycle analysis of Mistral Large 2 (July 2025, "Our
contribution to a global environmental standard for AI"; figures as reported by the press: the
full study is unpublished), against examples/mistral-large-2.json, whose every input is sourced
in examples/mistral-large-2.md (volumes, fleet and utilisation are not solved backwards from the
published results: where no source exists the profile says so and gives a range). The profile is
in traffic mode: a request rate and a floor of provisioned replicas (docs/inference.md).

Published: 1.14 gCO2e, 45 mL of water and 0.16 mg Sb eq per 400-token answer (the marginal
impact of inference: ``inference.per_request``), and 20.4 ktCO2e, 281,000 m3 and 660 kg Sb eq over
training and 18 months of use (``lifecycle.total``). Band: within 3x, as issue 16 asks.
``python -m tests.published.test_mistral_disclosure`` prints the ratios (README, "Checked against
the literature"). The six figures are outside the band today (README: what drives the gap), so
each is an expected failure, strict: the day one comes within 3x (other inputs, other factors)
the test says so and its mark must go.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lca import estimate

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "mistral-large-2.json"
SOURCE = ("Mistral AI with Carbone 4 and ADEME, Our contribution to a global environmental "
          "standard for AI, July 2025 (press coverage: multilingual.com, devsustainability.com)")
BAND = (1 / 3, 3)

# figure, published value in canonical units
PUBLISHED = [
    ("inference.per_request.gwp", 1.14e-3),   # kgCO2e per 400-token answer
    ("inference.per_request.water", 45e-3),   # L
    ("inference.per_request.adpe", 0.16e-6),  # kg Sb eq
    ("lifecycle.total.gwp", 20.4e6),          # kgCO2e, training + 18 months
    ("lifecycle.total.water", 281_000e3),     # L
    ("lifecycle.total.adpe", 660.0),          # kg Sb eq
]
# measured ratio (model / published) with the traffic model, factor set 2026.2
MEASURED = {
    "inference.per_request.gwp": 0.038, "inference.per_request.water": 0.038,
    "inference.per_request.adpe": 0.0030, "lifecycle.total.gwp": 0.041,
    "lifecycle.total.water": 0.12, "lifecycle.total.adpe": 0.013,
}
OUTSIDE_TODAY = {path: f"ratio {ratio:g}: at lca's French factors the published figures imply "
                       "7-38x the electricity that sourced traffic on a sourced fleet draws, and "
                       "76-340x the depletion (README, Mistral Large 2); Le Chat's volumes and "
                       "fleet, the training compute and site and the study's allocation are "
                       "unpublished"
                 for path, ratio in MEASURED.items()}


def _estimate() -> dict:
    return estimate(json.loads(EXAMPLE.read_text(encoding="utf-8")))


def _figure(result: dict, path: str) -> dict:
    node = result
    for key in path.split("."):
        node = node[key]
    return node


def disclosure_table(result: dict | None = None) -> list[tuple[str, float, float, float]]:
    """(figure, published, estimated, estimated / published) for the six published figures."""
    result = result or _estimate()
    rows = []
    for path, published in PUBLISHED:
        value = _figure(result, path)["value"]
        rows.append((path, published, value, value / published))
    return rows


@pytest.fixture(scope="module")
def result() -> dict:
    return _estimate()


@pytest.mark.parametrize("path, published", [
    pytest.param(path, published, id=path, marks=pytest.mark.xfail(
        strict=True, reason=OUTSIDE_TODAY[path]) if path in OUTSIDE_TODAY else ())
    for path, published in PUBLISHED])
def test_the_example_reproduces_the_published_figure_within_3x(result, path, published):
    ratio = _figure(result, path)["value"] / published
    print(f"{path}: model / published = {ratio:.3g} ({SOURCE})")
    assert BAND[0] <= ratio <= BAND[1]


def test_the_example_runs_on_the_frugal_ai_boundary_with_every_unpublished_input_flagged(result):
    assert result["boundary"]["name"] == "frugal-ai"
    assert result["versions"]["factors"] == "2026.2"
    assert any(w["code"] == "training-tokens-unpublished" for w in result["warnings"])
    assumed = {a["field"] for a in result["assumptions"]}
    assert {"training.tokens", "inference.replicas"} <= assumed
    assert result["inference"]["traffic"]["replicas"] == 22


def test_manufacturing_dominates_resource_depletion_as_published(result):
    embodied = sum(_figure(result, f"{phase}.embodied.adpe")["value"] for phase in (
        "training", "inference"))
    operational = sum(_figure(result, f"{phase}.operational.adpe")["value"] for phase in (
        "training", "inference"))
    assert embodied > operational


def test_the_provisioned_floor_of_replicas_counts_in_the_answer(result):
    """The example provisions 22 replicas where its mean rate needs 13 (Google's fleet
    utilisation 0.6): the floor raises the per-answer greenhouse gases above those of a fleet
    sized to the traffic, but by less than 2x, far from closing the gap to the published figure."""
    profile = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    profile["inference"]["min_replicas"] = 1
    profile["uncertainty"] = False
    sized = _figure(estimate(profile), "inference.per_request.gwp")["value"]
    floor = _figure(result, "inference.per_request.gwp")["value"]
    traffic = result["inference"]["traffic"]
    assert traffic["replicas_needed"] < traffic["replicas"]
    assert sized < floor < 2 * sized


if __name__ == "__main__":
    for path, published, value, ratio in disclosure_table():
        print(f"| {path} | {published:.3g} | {value:.3g} | {ratio:.3g} |")
