"""The calculator's first screen, as a new user meets it (issue 17, item 1): results estimated on
load and kept live beside the form, every preset estimating, comparisons per request against a
named baseline, the boundary and sourced illustrations next to the figures, and tables that say
when they scroll. Each test keeps screenshots at 1440x900 and 390x844 in artifacts/screenshots/.
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.browser.conftest import MARKS, SCREENSHOTS
from tests.browser.test_calculator import estimate, is_post, open_calculator

pytestmark = MARKS
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (pip install -e '.[test]')")
expect = sync_api.expect

WIDE = {"width": 1440, "height": 900}
NARROW = {"width": 390, "height": 844}
GWP_PER_REQUEST = '#figures td[data-block="inference.per_request"][data-indicator="gwp"]'


def shoot(page, name: str, size: dict, full_page: bool = False) -> None:
    """A screenshot of the page at ``size``: the first screen unless ``full_page``."""
    page.set_viewport_size(size)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size['width']}.png"), full_page=full_page)


def get_json(url: str) -> dict:
    """A JSON document of the app (GET)."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


def test_the_defaults_are_estimated_on_load_beside_the_form_on_wide_screens_below_on_narrow(
        page, base_url):
    page.set_viewport_size(WIDE)
    with page.expect_response(is_post("/v1/estimates")) as info:
        open_calculator(page, base_url)
    assert info.value.status == 200
    expect(page.locator("#result-body")).to_be_visible()
    expect(page.locator("#figures tbody tr")).to_have_count(5)
    expect(page.locator("#status")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#status")).not_to_contain_text("Press Estimate")
    form, results = box(page, "#profile-form"), box(page, "#results")
    figures = box(page, "#figures")
    assert results["x"] >= form["x"] + form["width"]  # two columns
    assert figures["y"] + figures["height"] <= WIDE["height"]  # the figures on the first screen
    shoot(page, "first-screen-defaults", WIDE)

    page.mouse.wheel(0, 1500)  # the results stay in view while the form scrolls
    page.wait_for_function("() => window.scrollY > 1000")
    results = box(page, "#results")
    assert 0 <= results["y"] < 50

    page.evaluate("() => window.scrollTo(0, 0)")
    page.set_viewport_size(NARROW)
    form, results = box(page, "#profile-form"), box(page, "#results")
    assert results["y"] >= form["y"] + form["height"]  # one column: results below the form
    assert results["x"] == pytest.approx(form["x"])
    expect(page.locator("#estimate")).to_be_enabled()  # the button stays, for the keyboard
    shoot(page, "first-screen-defaults", NARROW)


def test_a_changed_input_updates_the_estimate_after_a_pause_without_moving_the_focus(
        page, base_url):
    open_calculator(page, base_url)
    before = page.locator(GWP_PER_REQUEST).get_attribute("data-value")
    field = page.locator("#f-inference-output_tokens")
    field.focus()
    with page.expect_response(is_post("/v1/estimates")) as info:
        page.keyboard.type("1600")  # one estimate once the typing pauses, not one a keystroke
    assert info.value.request.post_data_json["inference"]["output_tokens"] == 1600
    expect(page.locator(GWP_PER_REQUEST)).not_to_have_attribute("data-value", before)
    after = float(page.locator(GWP_PER_REQUEST).get_attribute("data-value"))
    assert after > float(before)
    expect(field).to_be_focused()
    shown = page.locator(f"{GWP_PER_REQUEST} .value").inner_text()
    # the live region says what changed, for screen readers
    expect(page.locator("#status")).to_contain_text(f"Estimate updated: {shown} per request")

    page.focus("#f-inference-location")
    page.select_option("#f-inference-location", "POL")  # a select updates it too
    expect(page.locator(GWP_PER_REQUEST)).not_to_have_attribute("data-value", str(after))
    expect(page.locator("#f-inference-location")).to_be_focused()
    shoot(page, "live-estimate", WIDE)
    shoot(page, "live-estimate", NARROW)


def test_a_mistyped_value_is_marked_live_without_taking_the_focus(page, base_url, problems):
    problems.allowed_console.append("422")
    open_calculator(page, base_url)
    field = page.locator("#f-inference-batch_size")
    field.focus()
    with page.expect_response(is_post("/v1/estimates")) as info:
        page.keyboard.type("many")
    assert info.value.status == 422
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    expect(page.locator("#status")).to_contain_text("Not estimated")


def test_every_preset_estimates_with_training_ticked_and_a_stand_in_is_flagged(page, base_url):
    open_calculator(page, base_url)
    expect(page.locator("#f-training-on")).to_be_checked()
    presets = page.locator("#f-model-preset option").evaluate_all(
        "(options) => options.map((o) => o.value).filter(Boolean)")
    assert len(presets) >= 20 and "mistral-large-2" in presets
    unpublished = []
    for preset in presets:
        page.select_option("#f-model-preset", preset)
        response = estimate(page)
        assert response.status == 200, (preset, response.json())
        body = response.json()
        assert body["training"]["impacts"]["gwp"]["value"] > 0, preset
        if any(w["code"] == "training-tokens-unpublished" for w in body["warnings"]):
            unpublished.append(preset)
            expect(page.locator("#warnings")).to_contain_text("publishes no training tokens")
    assert "mistral-large-2" in unpublished

    page.select_option("#f-model-preset", "mistral-large-2")
    estimate(page)
    expect(page.locator("#form-errors")).to_be_hidden()
    shoot(page, "mistral-large-2-with-training", WIDE)
    shoot(page, "mistral-large-2-with-training", NARROW, full_page=True)


def test_comparisons_open_per_request_and_probabilities_name_the_baseline(page, base_url):
    open_calculator(page, base_url)
    page.fill("#f-name", "H100 in France")
    page.select_option("#f-inference-location", "FRA")
    page.click("#add-scenario")
    expect(page.locator("#scenario-list li")).to_have_count(1)
    page.fill("#f-name", "H100 in Poland")
    page.select_option("#f-inference-location", "POL")
    with page.expect_response(is_post("/v1/comparisons")) as info:
        page.click("#add-scenario")
    result = info.value.json()
    expect(page.locator("#compare-block")).to_have_value("inference.per_request")
    expect(page.locator("#compare-caption")).to_contain_text("Per request")
    cell = page.locator('#compare-table tr[data-scenario="1"] td[data-indicator="gwp"]')
    probability = result["comparison"]["inference.per_request"]["gwp"][
        "probability_below_baseline"][1]
    text = cell.locator(".range").inner_text()
    assert text.startswith("lower than the baseline (H100 in France) in ")
    assert float(re.search(r"in ([0-9.]+) % of draws", text).group(1)) == pytest.approx(
        100 * probability, abs=0.06)
    energy = result["comparison"]["inference.per_request"]["energy"]
    assert energy["ranks"] == [1, 1]  # the same servers in both: equal energy, tied lowest
    for row in range(2):
        expect(page.locator(f'#compare-table tr[data-scenario="{row}"] '
                            'td[data-indicator="energy"] .delta')).to_contain_text("tied lowest")
    page.locator("#compare").scroll_into_view_if_needed()
    shoot(page, "compare-per-request", WIDE, full_page=True)
    shoot(page, "compare-per-request", NARROW, full_page=True)


def test_the_boundary_and_sourced_illustrations_sit_next_to_the_figures(page, base_url):
    open_calculator(page, base_url)
    body = estimate(page).json()
    boundary = page.locator("#boundary")
    expect(boundary).to_contain_text("What is counted:")
    expect(boundary).to_contain_text("Not counted:")
    stages = body["boundary"]["stages"]
    counted, left_out = boundary.inner_text().split("Not counted:")
    assert ("building" in counted) == ("datacenter_building" in stages)
    assert ("networking and storage" in counted) == ("network_storage" in stages)
    assert "the device the answer is read on" in (left_out if "end_user_device" not in stages
                                                  else counted)
    assert "end of life" in left_out
    assert box(page, "#boundary")["y"] < box(page, "#figures")["y"]

    items = page.locator("#equivalences li")
    expect(items.first).to_be_visible()
    catalogue = {e["key"]: e for e in get_json(base_url + "web/equivalences.json")["items"]}
    car = page.locator('#equivalences li[data-block="inference.per_request"]'
                       '[data-key="car_km_eu"]')
    expect(car).to_contain_text("Source: European Environment Agency")
    km = body["inference"]["per_request"]["gwp"]["value"] / catalogue["car_km_eu"]["per_item"]
    shown = re.search(r"([0-9.,]+) (mm|cm|m|km) driven", car.inner_text())
    metres = {"mm": 1e-6, "cm": 1e-5, "m": 1e-3, "km": 1}[shown.group(2)]
    assert float(shown.group(1).replace(",", "")) * metres == pytest.approx(km, rel=6e-3)
    for item in items.all():
        expect(item.locator(".eq-source")).to_contain_text("Source:")
    expect(page.locator("#equivalences-note")).to_contain_text("Illustrations only")
    shoot(page, "boundary-and-illustrations", WIDE)
    shoot(page, "boundary-and-illustrations", NARROW, full_page=True)


def test_narrow_tables_scroll_sideways_with_a_hint_and_words_never_break_letter_by_letter(
        page, base_url):
    page.set_viewport_size(NARROW)
    open_calculator(page, base_url)
    figures = page.locator("#figures").locator("xpath=..")
    expect(figures).to_have_class(re.compile(r"\bscrolls\b"))
    hint = page.evaluate("""() => getComputedStyle(document.querySelector('#figures')
        .parentElement, '::before').content""")
    assert "Scroll sideways" in hint
    expect(figures).to_have_attribute("tabindex", "0")  # the keyboard can scroll it
    expect(figures).to_have_attribute("role", "region")
    assert "scrolls sideways" in figures.get_attribute("aria-label")

    inputs = page.locator("#drivers tbody tr:visible td:first-of-type")
    expect(inputs.first).to_be_visible()
    narrowest = min(b["width"] for b in (cell.bounding_box() for cell in inputs.all()))
    assert narrowest >= 150  # not a column one letter wide
    assert page.evaluate("() => document.documentElement.scrollWidth") <= NARROW["width"]
    page.locator("#drivers").scroll_into_view_if_needed()
    shoot(page, "narrow-tables", NARROW)
    shoot(page, "narrow-tables", WIDE)
    wide = page.locator("#figures").locator("xpath=..")
    expect(wide).not_to_have_class(re.compile(r"\bscrolls\b"))


def test_the_drivers_table_shows_the_top_three_per_indicator_and_the_rest_on_request(
        page, base_url):
    open_calculator(page, base_url)
    body = estimate(page).json()
    drivers = body["uncertainty"]["drivers"]["indicators"]
    total = sum(map(len, drivers.values()))
    top = sum(min(3, len(d)) for d in drivers.values())
    assert top < total
    rows = page.locator("#drivers tbody tr")
    expect(rows).to_have_count(total)
    expect(page.locator("#drivers tbody tr:visible")).to_have_count(top)
    more = page.locator("#drivers-more")
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(more).to_contain_text(f"Show all {total} drivers")
    for indicator, listed in drivers.items():  # the strongest first, under its indicator
        first = page.locator(f'#drivers tbody tr[data-indicator="{indicator}"]').first
        expect(first).to_contain_text(listed[0]["input"])
        expect(first.locator("th")).to_have_attribute("rowspan", str(min(3, len(listed))))
    more.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#drivers tbody tr:visible")).to_have_count(total)
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(more).to_be_focused()
    page.locator("#drivers").scroll_into_view_if_needed()
    shoot(page, "drivers-all", WIDE)
    shoot(page, "drivers-all", NARROW)
