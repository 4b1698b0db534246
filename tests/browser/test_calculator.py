"""The web calculator at /, driven in Debian's headless Chromium through Playwright.

Each test reads what a person would: figures in units for people, charts drawn by Chart.js
(checked through ``Chart.getChart``), errors next to their fields, a shared link restoring the
form. Screenshots land in artifacts/screenshots/ (see conftest.py).
"""

from __future__ import annotations

import csv
import json
import re
import urllib.request

import pytest

from tests.browser.conftest import MARKS

pytestmark = MARKS
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (pip install -e '.[test]')")
expect = sync_api.expect

INDICATORS = ("energy", "gwp", "water", "adpe", "pe")
# The display units of web/static/app.js, in the API's canonical units.
UNITS = {
    "Wh": 1e-3, "kWh": 1, "MWh": 1e3, "GWh": 1e6, "TWh": 1e9,
    "mg CO₂e": 1e-6, "g CO₂e": 1e-3, "kg CO₂e": 1, "t CO₂e": 1e3, "kt CO₂e": 1e6,
    "Mt CO₂e": 1e9,
    "mL": 1e-3, "L": 1, "m³": 1e3, "million m³": 1e9,
    "ng Sb eq": 1e-12, "µg Sb eq": 1e-9, "mg Sb eq": 1e-6, "g Sb eq": 1e-3, "kg Sb eq": 1,
    "t Sb eq": 1e3,
    "J": 1e-6, "kJ": 1e-3, "MJ": 1, "GJ": 1e3, "TJ": 1e6, "PJ": 1e9,
}
CHART = """(selector) => {
  const chart = Chart.getChart(document.querySelector(selector));
  return chart ? {type: chart.config.type, labels: chart.data.labels,
                  datasets: chart.data.datasets.map((d) => ({label: d.label, data: d.data})),
                  width: chart.width, height: chart.height} : null;
}"""


def open_calculator(page, url: str):
    response = page.goto(url)
    page.locator("#profile-form[data-ready]").wait_for()
    return response


def is_post(path: str):
    return lambda response: (response.url.endswith(path)
                             and response.request.method == "POST")


def estimate(page, button: str = "#estimate"):
    with page.expect_response(is_post("/v1/estimates")) as info:
        page.click(button)
    return info.value


def shown(text: str) -> float:
    """'21,700 m³' -> the value in canonical units."""
    number, unit = re.fullmatch(r"\s*([-0-9.,e]+)\s+(.+?)\s*", text).groups()
    return float(number.replace(",", "")) * UNITS[unit]


def block(body: dict, path: str) -> dict:
    for key in path.split("."):
        body = body[key]
    return body


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={
        "Content-Type": "application/json", "Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def test_defaults_give_figures_ranges_the_split_chart_drivers_and_sources(page, base_url):
    response = open_calculator(page, base_url)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("#estimate")).to_be_enabled()
    body = estimate(page).json()

    expect(page.locator("#result-body")).to_be_visible()
    expect(page.locator("#figures tbody tr")).to_have_count(5)
    headers = " ".join(page.locator("#figures thead th").all_inner_texts())
    for title in ("Per request", "Training", "Lifecycle total", "Lifecycle per request"):
        assert title in headers
    for path in ("inference.per_request", "training.impacts", "lifecycle.total",
                 "lifecycle.per_request"):
        for indicator in INDICATORS:
            cell = page.locator(f'#figures td[data-block="{path}"][data-indicator="{indicator}"]')
            quantity = block(body, path)[indicator]
            assert shown(cell.locator(".value").inner_text()) == pytest.approx(
                quantity["value"], rel=6e-3)
            low, high = cell.locator(".range").inner_text().split(" – ")
            assert float(low.replace(",", "")) <= float(high.replace(",", ""))
    per_request = page.locator('#figures td[data-block="inference.per_request"]'
                               '[data-indicator="gwp"] .value').inner_text()
    total = page.locator('#figures td[data-block="lifecycle.total"][data-indicator="gwp"] '
                         '.value').inner_text()
    assert per_request.endswith(("mg CO₂e", " g CO₂e")) and total.endswith(("t CO₂e", "kt CO₂e"))

    split = page.evaluate(CHART, "#split-chart")
    assert split["type"] == "bar" and split["width"] > 300 and split["height"] > 200
    assert [d["label"] for d in split["datasets"]] == [
        "Training · operational", "Training · embodied", "Inference · operational",
        "Inference · embodied"]
    for k in range(len(INDICATORS)):
        assert sum(d["data"][k] for d in split["datasets"]) == pytest.approx(100)

    drivers = body["uncertainty"]["drivers"]["indicators"]
    expect(page.locator("#drivers tbody tr")).to_have_count(sum(map(len, drivers.values())))
    expect(page.locator("#drivers")).to_contain_text(drivers["gwp"][0]["input"])
    expect(page.locator("#assumptions tbody tr")).to_have_count(len(body["assumptions"]))
    expect(page.locator("#sources tbody tr")).to_have_count(len(body["factors_used"]))
    page.click("details.sources summary")
    expect(page.locator("#sources")).to_contain_text(body["factors_used"][0]["source"])


def test_exports_copy_as_curl_download_json_and_csv(page, base_url, tmp_path):
    open_calculator(page, base_url)
    body = estimate(page).json()

    page.click("#copy-curl")
    command = page.input_value("#curl-text")
    prefix = (f"curl -s '{base_url}v1/estimates' -H 'Content-Type: application/json' -d '")
    assert command.startswith(prefix) and command.endswith("'")
    profile = json.loads(command[len(prefix):-1].replace("'\\''", "'"))
    again = post_json(f"{base_url}v1/estimates", profile)
    assert again["lifecycle"]["total"] == body["lifecycle"]["total"]

    with page.expect_download() as info:
        page.click("#download-json")
    info.value.save_as(tmp_path / "estimate.json")
    saved = json.loads((tmp_path / "estimate.json").read_text())
    assert saved["profile"] == profile and saved["estimate"] == body

    with page.expect_download() as info:
        page.click("#download-csv")
    info.value.save_as(tmp_path / "estimate.csv")
    with (tmp_path / "estimate.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["block", "quantity", "value", "unit", "low", "high"]
    gwp = next(r for r in rows if r[:2] == ["inference.per_request", "gwp"])
    assert float(gwp[2]) == body["inference"]["per_request"]["gwp"]["value"]
    assert gwp[3] == "kgCO2e"


def test_two_scenarios_side_by_side_in_a_table_and_a_chart(page, base_url):
    open_calculator(page, base_url)
    page.click("#add-scenario")
    expect(page.locator("#scenario-list li")).to_have_count(1)
    expect(page.locator("#compare-status")).to_contain_text("One scenario")

    page.select_option("#f-inference-location", "USA")
    with page.expect_response(is_post("/v1/comparisons")) as info:
        page.click("#add-scenario")
    result = info.value.json()
    expect(page.locator("#compare-table tbody tr")).to_have_count(2)
    expect(page.locator("#compare-table tbody tr").first).to_have_class("baseline")
    expect(page.locator("#compare-block")).to_have_value("inference.per_request")
    data = result["comparison"]["inference.per_request"]
    cell = page.locator('#compare-table tr[data-scenario="1"] td[data-indicator="gwp"]')
    assert float(cell.get_attribute("data-value")) == data["gwp"]["values"][1]
    sign = "+" if data["gwp"]["relative_deltas"][1] > 0 else "−"
    expect(cell.locator(".delta")).to_contain_text(f"{sign}")
    expect(cell.locator(".delta")).to_contain_text("%")

    chart = page.evaluate(CHART, "#compare-chart")
    assert chart["type"] == "bar" and chart["width"] > 300 and chart["height"] > 200
    assert len(chart["datasets"]) == 2 and chart["datasets"][0]["label"].endswith("(baseline)")
    assert chart["datasets"][0]["data"] == pytest.approx([100] * 5)
    values = data["gwp"]["values"]
    assert chart["datasets"][1]["data"][1] == pytest.approx(100 * values[1] / values[0])

    with page.expect_response(is_post("/v1/comparisons")):
        page.locator("#scenario-list li").nth(1).get_by_role("radio").check()
    expect(page.locator("#compare-table tbody tr").nth(1)).to_have_class("baseline")
    chart = page.evaluate(CHART, "#compare-chart")
    assert chart["datasets"][1]["data"] == pytest.approx([100] * 5)

    page.select_option("#compare-block", "lifecycle.total")
    expect(page.locator("#compare-caption")).to_contain_text("Lifecycle total")
    total = result["comparison"]["lifecycle.total"]["gwp"]["values"]
    chart = page.evaluate(CHART, "#compare-chart")
    assert chart["datasets"][0]["data"][1] == pytest.approx(100 * total[0] / total[1])


def test_invalid_values_are_shown_next_to_their_fields(page, base_url, problems):
    problems.allowed_console.append("422")
    open_calculator(page, base_url)

    page.check("input[name='training.path'][value='count_duration']")
    page.fill("#f-training-accelerator_count", "1024")
    assert estimate(page).status == 422
    expect(page.locator("#f-training-duration-error")).to_contain_text("needed")
    page.fill("#f-training-duration", "30 day")
    expect(page.locator("#f-training-duration-error")).to_have_count(0)
    assert estimate(page).status == 200

    field = page.locator("#f-inference-batch_size")
    field.fill("many")
    response = estimate(page)
    assert response.status == 422
    assert response.json()["errors"][0]["field"] == "inference.batch_size"
    error = page.locator("#f-inference-batch_size-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("'many'")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert "f-inference-batch_size-error" in field.get_attribute("aria-describedby").split()
    assert page.evaluate("() => document.getElementById('f-inference-batch_size')"
                         ".nextElementSibling.id") == "f-inference-batch_size-error"
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Batch size")
    summary.get_by_role("link").click()
    expect(field).to_be_focused()
    expect(page.locator("#status")).to_contain_text("Not estimated")


def test_a_shared_url_restores_the_form_and_the_comparison(page, base_url, problems):
    open_calculator(page, base_url)
    page.fill("#f-name", "Custom 7B in Paris")
    page.check("input[name='model.mode'][value='custom']")
    page.fill("#f-model-parameters", "7e9")
    page.select_option("#f-model-precision", "fp8")
    page.check("input[name='training.path'][value='accelerator_hours']")
    page.fill("#f-training-accelerator_hours", "1e5 h")
    page.select_option("#f-inference-location", "aws:eu-west-3")
    page.fill("#f-inference-batch_size", "32")
    page.fill("#f-inference-duration", "18 month")
    page.click("#add-scenario")
    expect(page.locator("#scenario-list li")).to_have_count(1)
    page.fill("#f-name", "Custom 7B in Paris, batch 8")
    page.fill("#f-inference-batch_size", "8")
    page.click("#add-scenario")
    expect(page.locator("#compare-table tbody tr")).to_have_count(2)
    gwp = page.locator('#figures td[data-block="inference.per_request"][data-indicator="gwp"]')
    shown_gwp = gwp.get_attribute("data-value")

    page.click("#copy-link")
    link = page.input_value("#link-text")
    assert link.startswith(f"{base_url}?") and link == page.url

    other = page.context.new_page()
    other.on("console", problems.on_console)
    other.on("pageerror", lambda error: problems.errors.append(str(error)))
    other.on("request", problems.on_request)
    other.goto(link)
    expect(other.locator("#result-body")).to_be_visible()
    expect(other.locator("#f-name")).to_have_value("Custom 7B in Paris, batch 8")
    expect(other.locator("input[name='model.mode'][value='custom']")).to_be_checked()
    expect(other.locator("#f-model-parameters")).to_have_value("7e9")
    expect(other.locator("#f-model-preset")).to_be_hidden()
    expect(other.locator("#f-model-precision")).to_have_value("fp8")
    expect(other.locator("input[name='training.path'][value='accelerator_hours']")).to_be_checked()
    expect(other.locator("#f-training-accelerator_hours")).to_have_value("1e5 h")
    expect(other.locator("#f-inference-location")).to_have_value("aws:eu-west-3")
    expect(other.locator("#f-inference-batch_size")).to_have_value("8")
    expect(other.locator("#f-inference-duration")).to_have_value("18 month")
    restored = other.locator('#figures td[data-block="inference.per_request"]'
                             '[data-indicator="gwp"]')
    expect(restored).to_have_attribute("data-value", shown_gwp)
    expect(other.locator("#compare-table tbody tr")).to_have_count(2)
    expect(other.locator("#scenario-list")).to_contain_text("Custom 7B in Paris, batch 8")


def test_keyboard_labels_and_visible_focus(page, base_url):
    open_calculator(page, base_url)
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter((c) => c.labels.length === 0 && !c.getAttribute('aria-label'))
        .map((c) => c.name || c.id)""")
    assert unlabelled == []

    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the three links of the header, into the form
    expect(page.locator("#f-name")).to_be_focused()
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") == "solid"

    page.focus("input[name='training.path'][value='compute']")
    page.keyboard.press("ArrowLeft")  # arrows move within the radio group
    expect(page.locator("input[name='training.path'][value='count_duration']")).to_be_checked()
    expect(page.locator("#f-training-duration")).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#f-training-tokens")).to_be_visible()

    page.focus("#f-inference-output_tokens")
    page.keyboard.type("300")
    with page.expect_response(is_post("/v1/estimates")) as info:
        page.keyboard.press("Enter")  # Enter in a field submits the form
    assert info.value.request.post_data_json["inference"]["output_tokens"] == 300
    expect(page.locator("#result-body")).to_be_visible()


SCATTER = """(selector) => {
  const chart = Chart.getChart(document.querySelector(selector));
  return chart ? {type: chart.config.type, width: chart.width, height: chart.height,
                  reverse: Boolean(chart.options.scales.x.reverse),
                  y_title: chart.options.scales.y.title.text,
                  datasets: chart.data.datasets.map((d) => ({kind: d.kind, label: d.label,
                    show_line: Boolean(d.showLine), data: d.data}))} : null;
}"""
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
    .filter((c) => c.labels.length === 0 && !c.getAttribute('aria-label'))
    .map((c) => c.name || c.id)"""


def add_scenario(page, name: str, preset: str, location: str | None = None) -> None:
    page.fill("#f-name", name)
    page.select_option("#f-model-preset", preset)
    if location:
        page.select_option("#f-inference-location", location)
    count = page.locator("#scenario-list li").count()
    if count:  # from the second on, adding compares: wait for it
        with page.expect_response(is_post("/v1/comparisons")):
            page.click("#add-scenario")
    else:
        page.click("#add-scenario")
    expect(page.locator("#scenario-list li")).to_have_count(count + 1)


def comparison_with(target: float):
    """The response to the comparison asked for with this target score."""
    return lambda response: (is_post("/v1/comparisons")(response)
                             and response.request.post_data_json.get("target_score") == target)


def kinds(chart: dict, kind: str) -> list[dict]:
    return [d for d in chart["datasets"] if d["kind"] == kind]


def test_scores_give_a_scatter_with_the_pareto_front_and_the_cheapest_reaching_a_target(
        page, base_url, problems):
    open_calculator(page, base_url)
    add_scenario(page, "70b", "llama-3.1-70b")
    add_scenario(page, "8b", "llama-3.1-8b")
    add_scenario(page, "70b served in the USA", "llama-3.1-70b", "USA")
    expect(page.locator("#compare-table tbody tr")).to_have_count(3)
    expect(page.locator("#score-settings")).to_be_visible()
    expect(page.locator("#rs-panel")).to_be_hidden()
    assert page.evaluate(UNLABELLED) == []
    expect(page.locator("#score-1")).to_have_accessible_name("Score of “8b”")

    page.fill("#score-name", "MMLU-Pro")
    for k, score in enumerate(("66.4", "48.3", "66.4")):
        page.fill(f"#score-{k}", score)
    page.fill("#target-score", "90")
    with page.expect_response(comparison_with(90)) as info:
        page.press("#target-score", "Enter")  # Enter in a score field updates the comparison
    sent = info.value.request.post_data_json
    assert [s["score"] for s in sent["scenarios"]] == [
        {"value": v, "name": "MMLU-Pro", "higher_is_better": True} for v in (66.4, 48.3, 66.4)]
    assert sent["target_indicator"] == "gwp"
    none = info.value.json()["right_sizing"]["target"]
    expect(page.locator("#rs-target")).to_have_text(
        f"Target MMLU-Pro ≥ 90: {none['message']}.")
    assert kinds(page.evaluate(SCATTER, "#rs-chart"), "selected") == []

    page.fill("#target-score", "45")
    with page.expect_response(comparison_with(45)) as info:
        page.press("#target-score", "Enter")
    body = info.value.json()
    rs = body["right_sizing"]
    assert rs["footprint"] == "lifecycle.per_request"
    assert rs["pareto_front"]["gwp"] == [0, 1]  # the 70b served in the USA is dominated
    assert rs["target"]["selected"] == 1
    saving = rs["target"]["saving_vs_baseline"]["gwp"]["relative"]
    sentence = page.locator("#rs-target")
    expect(sentence).to_contain_text("Cheapest reaching MMLU-Pro ≥ 45: 8b — saves "
                                     f"{saving * 100:.3g} % of greenhouse gases per request")
    expect(sentence).to_contain_text("against the baseline “70b”")

    chart = page.evaluate(SCATTER, "#rs-chart")
    assert chart["type"] == "scatter" and chart["width"] > 300 and chart["height"] > 200
    points = [p for d in kinds(chart, "scenario") for p in d["data"]]
    assert len(points) == 3
    assert [d["label"] for d in kinds(chart, "scenario")] == [
        "70b (baseline)", "8b", "70b served in the USA"]
    for p in points:
        k = p["index"]
        assert p["x"] == rs["score"]["values"][k]
        assert p["value"] == pytest.approx(
            body["estimates"][k]["lifecycle"]["per_request"]["gwp"]["value"], rel=1e-9)
        assert p["perPoint"] == pytest.approx(p["value"] / p["x"], rel=1e-9)
    [front] = kinds(chart, "front")
    assert front["show_line"] and front["label"] == "Pareto front (GHG)"
    assert [p["name"] for p in front["data"]] == ["8b", "70b"]  # sorted by score
    assert [p["x"] for p in front["data"]] == [48.3, 66.4]
    [selected] = kinds(chart, "selected")
    assert [p["name"] for p in selected["data"]] == ["8b"]
    [line] = kinds(chart, "target")
    assert {p["x"] for p in line["data"]} == {45}

    per_point = page.locator('#compare-table tr[data-scenario="1"] td[data-per-point="gwp"]')
    assert float(per_point.get_attribute("data-value")) == pytest.approx(
        rs["per_score_point"]["gwp"][1])
    expect(per_point).to_contain_text("lowest")
    score = page.locator('#compare-table tr[data-scenario="1"] td[data-score="value"]')
    expect(score).to_contain_text("48.3")
    expect(score).to_contain_text("cheapest reaching the target")

    with page.expect_response(is_post("/v1/comparisons")) as info:
        page.select_option("#rs-indicator", "water")
    assert info.value.request.post_data_json["target_indicator"] == "water"
    expect(page.locator("#rs-target")).to_contain_text("of water consumed per request")
    expect(page.locator("#compare-table thead")).to_contain_text("Water per score point")
    chart = page.evaluate(SCATTER, "#rs-chart")
    assert kinds(chart, "front")[0]["label"] == "Pareto front (Water)"
    assert chart["y_title"].startswith("Water consumed per request")

    page.click("#copy-link")
    link = page.input_value("#link-text")
    other = page.context.new_page()
    other.on("console", problems.on_console)
    other.on("pageerror", lambda error: problems.errors.append(str(error)))
    other.on("request", problems.on_request)
    other.goto(link)
    expect(other.locator("#rs-target")).to_contain_text("Cheapest reaching MMLU-Pro ≥ 45: 8b")
    for k, value in enumerate(("66.4", "48.3", "66.4")):
        expect(other.locator(f"#score-{k}")).to_have_value(value)
    expect(other.locator("#score-name")).to_have_value("MMLU-Pro")
    expect(other.locator("#score-higher")).to_be_checked()
    expect(other.locator("#target-score")).to_have_value("45")
    expect(other.locator("#rs-indicator")).to_have_value("water")
    assert len([p for d in kinds(other.evaluate(SCATTER, "#rs-chart"), "scenario")
                for p in d["data"]]) == 3


def test_a_bad_score_is_shown_next_to_it_and_lower_scores_can_be_better(page, base_url,
                                                                        problems):
    problems.allowed_console.append("422")
    open_calculator(page, base_url)
    add_scenario(page, "8b", "llama-3.1-8b")
    add_scenario(page, "70b", "llama-3.1-70b")
    page.fill("#score-0", "many")
    with page.expect_response(lambda r: is_post("/v1/comparisons")(r) and r.request
                              .post_data_json["scenarios"][0].get("score")) as info:
        page.press("#score-0", "Enter")
    assert info.value.status == 422
    field = page.locator("#score-0")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#score-0-error")).to_contain_text("expected a finite number")
    expect(page.locator("#compare-errors")).to_contain_text("Scenario 1 “8b”, score.value")

    page.uncheck("#score-higher")  # e.g. a perplexity: lower is better
    page.fill("#score-0", "9.5")
    expect(field).not_to_have_attribute("aria-invalid", "true")
    page.fill("#score-1", "6.1")
    page.fill("#target-score", "7")
    with page.expect_response(comparison_with(7)) as info:
        page.press("#target-score", "Enter")
    rs = info.value.json()["right_sizing"]
    assert rs["score"]["higher_is_better"] is False and rs["target"]["reaching"] == [1]
    expect(page.locator("#rs-target")).to_contain_text("Cheapest reaching a score ≤ 7: 70b — ")
    expect(page.locator("#rs-target")).to_contain_text("more greenhouse gases per request")
    expect(page.locator("#rs-target")).to_contain_text("(which does not reach it)")
    chart = page.evaluate(SCATTER, "#rs-chart")
    assert chart["reverse"] is True
    assert [p["name"] for p in kinds(chart, "front")[0]["data"]] == ["70b", "8b"]


def test_the_task_selector_sets_the_lengths_shown_and_sent(page, base_url):
    open_calculator(page, base_url)
    output = page.locator("#f-inference-output_tokens")
    expect(output).to_have_attribute("placeholder", re.compile(r"^415 \(chat\)$"))
    page.select_option("#f-inference-task", "reasoning")
    expect(output).to_have_attribute("placeholder", re.compile(r"^5,535 \(reasoning\)$"))
    response = estimate(page)
    assert response.request.post_data_json["inference"]["task"] == "reasoning"
    body = response.json()
    keys = {f["key"] for f in body["factors_used"]}
    assert "tasks.reasoning.output_tokens" in keys
    expect(page.locator("#sources")).to_contain_text("GPQA")


def test_traffic_inputs_send_a_rate_and_replicas_not_the_batch_and_show_the_traffic_figures(
        page, base_url, problems):
    problems.allowed_console.append("422")
    open_calculator(page, base_url)
    schemas = page.evaluate("() => fetch('openapi.json').then((r) => r.json())")[
        "components"]["schemas"]
    page.select_option("#f-model-preset", "llama-3.1-8b")
    page.fill("#f-inference-batch_size", "32")  # typed before choosing traffic: never sent
    expect(page.locator("#traffic-group")).to_be_hidden()
    page.check("input[name='inference.mode'][value='traffic']")
    expect(page.locator("#traffic-group")).to_be_visible()
    for field in ("#f-inference-batch_size", "#f-inference-fleet_utilization",
                  "#f-inference-requests_per_day"):
        expect(page.locator(field)).to_be_hidden()
    expect(page.locator("#traffic-group")).to_have_accessible_description(
        re.compile("Batch size and fleet utilization are not sent here"))
    # The hints and the serving choices are the API's own words, from /openapi.json.
    assert schemas["Inference"]["properties"]["replicas"]["description"].startswith(
        page.locator("#h-inference-replicas").inner_text().rstrip("."))
    assert page.locator("#f-inference-serving option").all_inner_texts()[0] == (
        "Default (optimized)")
    expect(page.locator("#f-inference-replicas")).to_have_accessible_description(
        re.compile("always on"))
    assert page.evaluate(UNLABELLED) == []

    page.fill("#f-inference-replicas", "2")  # replicas without a rate: the rate is asked for
    response = estimate(page)
    assert response.status == 422
    assert response.json()["errors"][0]["field"] == "inference.requests_per_second"
    rate = page.locator("#f-inference-rate")
    expect(rate).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-inference-rate-error")).to_contain_text("needs a rate")

    rate.fill("2")
    page.select_option("#f-inference-serving", "eager")
    response = estimate(page)
    assert response.status == 200
    sent = response.request.post_data_json["inference"]
    assert sent["requests_per_second"] == 2 and sent["replicas"] == 2
    assert sent["serving"] == "eager" and sent["duration"] == "1 year"
    assert not {"batch_size", "fleet_utilization", "requests_per_day", "min_replicas",
                "max_replicas"} & set(sent)
    body = response.json()
    traffic = body["inference"]["traffic"]
    expect(page.locator("#traffic-box")).to_be_visible()
    for path, value in (("inference.traffic.replicas", traffic["replicas"]),
                        ("inference.traffic.replicas_needed", traffic["replicas_needed"]),
                        ("inference.traffic.utilization", traffic["utilization"]),
                        ("inference.traffic.concurrency", traffic["concurrency"]),
                        ("inference.replica.batch_size", body["inference"]["replica"][
                            "batch_size"])):
        cell = page.locator(f'#traffic tr[data-figure="{path}"] td')
        assert float(cell.get_attribute("data-value")) == pytest.approx(value, rel=1e-12)
    row = page.locator('#traffic tr[data-figure="inference.traffic.replicas_needed"]')
    expect(row.locator("th")).to_contain_text("Replicas the busiest hour's rate needs")
    expect(page.locator('#traffic tr[data-figure="inference.traffic.utilization"] td')
           ).to_have_text(f"{traffic['utilization'] * 100:.3g} %")
    expect(page.locator("#traffic-warning")).to_be_hidden()

    # A rate per day beside replicas is requests_per_day (the API reads it as a rate there).
    rate.fill("1e7")
    page.select_option("#f-inference-rate_unit", "day")
    sent = estimate(page).request.post_data_json["inference"]
    assert sent["requests_per_day"] == 1e7 and "requests_per_second" not in sent

    # Autoscaled up to one replica, beyond its capacity: with max_replicas alone the API would
    # read requests_per_day as a volume, so the rate goes with its unit; the over-capacity
    # warning is shown beside the figures.
    page.check("input[name='inference.scaling'][value='autoscaled']")
    expect(page.locator("#f-inference-replicas")).to_be_hidden()
    page.fill("#f-inference-max_replicas", "1")
    page.fill("#f-inference-max_batch_size", "64")
    response = estimate(page)
    sent = response.request.post_data_json["inference"]
    assert sent["requests_per_second"] == "1e7 request/day" and sent["max_replicas"] == 1
    assert sent["max_batch_size"] == 64
    assert not {"requests_per_day", "replicas", "batch_size"} & set(sent)
    body = response.json()
    [over] = [w for w in body["warnings"] if w["code"] == "over-capacity"]
    needed = body["inference"]["traffic"]["replicas_needed"]
    assert needed > 1
    expect(page.locator("#traffic-warning")).to_be_visible()
    expect(page.locator("#traffic-warning")).to_contain_text(  # in the form's words
        over["message"].replace("inference.max_replicas", "“Max replicas”"))
    expect(page.locator("#warnings")).to_contain_text("over-capacity")
    expect(page.locator("#status")).to_contain_text("exceeds what the replicas serve")
    assert body["inference"]["replica"]["batch_size"] <= 64

    page.click("#copy-link")  # the shared link keeps the traffic inputs
    other = page.context.new_page()
    other.on("pageerror", lambda error: problems.errors.append(str(error)))
    other.goto(page.input_value("#link-text"))
    expect(other.locator("#traffic-box")).to_be_visible()
    expect(other.locator("input[name='inference.scaling'][value='autoscaled']")).to_be_checked()
    expect(other.locator("#f-inference-rate_unit")).to_have_value("day")
    expect(other.locator("#f-inference-batch_size")).to_be_hidden()
