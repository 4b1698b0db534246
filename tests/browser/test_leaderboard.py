"""The calculator's leaderboard view (issue 19, item 4): a leaderboard's table (a file read in
the browser, or the built-in sample) sent to POST /v1/leaderboards, drawn as a scatter of score
against footprint with the Pareto front, and listed in a table sortable by any column, with the
rows left out and why. Screenshots land in artifacts/screenshots/ (see conftest.py).
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.browser.conftest import MARKS
from tests.browser.test_calculator import is_post, open_calculator

pytestmark = MARKS
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (pip install -e '.[test]')")
expect = sync_api.expect

# A leaderboard file as the Open LLM Leaderboard publishes it (its column names; values of the
# sample's rows), written with a byte-order mark and CRLF line ends: a quoted name holding a
# comma, a doubled quote and a line break, the Type column's quoted commas, a column the API
# does not read (given on the first row only), and two bad rows.
BOARD = (
    "\ufefffullname,#Params (B),Precision,MoE,Type,Official Providers,Average ⬆️,IFEval,"
    "CO₂ cost (kg),Hub License\r\n"
    '"openai-community/gpt2, ""the""\nfirst",0.137,bfloat16,False,🟢 pretrained,True,6.510807,'
    '17.8,0.08594126,"mit, say"\r\n'
    'tiiuae/Falcon3-3B-Instruct,3.228,bfloat16,False,"💬 chat models (RLHF, DPO, IFT, ...)",'
    "True,26.551992,69.77,0.48046365\r\n"
    'tiiuae/Falcon3-7B-Instruct,7.456,bfloat16,False,"💬 chat models (RLHF, DPO, IFT, ...)",'
    "True,34.906699,76.12,0.61876067\r\n"
    'mistralai/Mixtral-8x7B-Instruct-v0.1,46.703,bfloat16,True,"💬 chat models (RLHF, DPO, '
    'IFT, ...)",True,23.8,55.99,13.7\r\n'
    "example/bad-score,7.0,bfloat16,False,🔶 fine-tuned,False,n/a,30,1.0\r\n"
    "example/odd-precision,7.0,bf12,False,🔶 fine-tuned,False,20,30,1.0\r\n"
)
LEADERBOARD = """(selector) => {
  const chart = Chart.getChart(document.querySelector(selector));
  return chart ? {type: chart.config.type, x_type: chart.options.scales.x.type,
                  x_title: chart.options.scales.x.title.text,
                  width: chart.width, height: chart.height,
                  datasets: chart.data.datasets.map((d) => ({kind: d.kind, label: d.label,
                    show_line: Boolean(d.showLine), data: d.data}))} : null;
}"""
HOVER = """([selector, name]) => {
  const chart = Chart.getChart(document.querySelector(selector));
  for (const [i, dataset] of chart.data.datasets.entries()) {
    const j = dataset.data.findIndex((p) => p.name === name);
    if (dataset.kind === 'model' && j >= 0) {
      const element = chart.getDatasetMeta(i).data[j];
      return {x: element.x, y: element.y};
    }
  }
  return null;
}"""
TOOLTIP = """(selector) => {
  const tooltip = Chart.getChart(document.querySelector(selector)).tooltip;
  return {title: tooltip.title, body: tooltip.body.map((b) => b.lines).flat()};
}"""


def analysed(page, action, check=lambda body: True):
    """Run ``action`` and return the response to the leaderboard request it makes."""
    with page.expect_response(lambda r: is_post("/v1/leaderboards")(r)
                              and check(r.request.post_data_json)) as info:
        action()
    return info.value


def load_sample(page, base_url: str) -> dict:
    open_calculator(page, base_url)
    response = analysed(page, lambda: page.click("#lb-sample"))
    assert response.status == 200
    expect(page.locator("#lb-body")).to_be_visible()
    return response.json()


def points(chart: dict, kind: str = "model") -> list[dict]:
    return [p for d in chart["datasets"] if d["kind"] == kind for p in d["data"]]


def table_names(page) -> list[str]:
    return page.locator("#lb-table tbody th").evaluate_all(
        "(cells) => cells.map((th) => th.dataset.value)")


def test_the_sample_gives_a_scatter_with_the_front_and_a_table_of_every_model(page, base_url):
    open_calculator(page, base_url)
    link = page.get_by_role("link", name="Leaderboard view")
    link.focus()
    page.keyboard.press("Enter")  # the header's link leads to the view
    assert page.url.endswith("#leaderboard")
    expect(page.locator("#lb-status")).to_contain_text("No leaderboard loaded")
    expect(page.locator("#lb-sample-note")).to_contain_text("made up for illustration")
    body = analysed(page, lambda: page.click("#lb-sample")).json()
    summary = body["summary"]
    assert summary == {"rows": 8, "models": 7, "rejected": 1, "samples": summary["samples"]}
    expect(page.locator("#lb-summary")).to_contain_text(
        "8 rows read: 7 models analysed, 1 left out")
    expect(page.locator("#lb-status")).to_contain_text(
        "From the built-in sample: 7 models analysed")

    chart = page.evaluate(LEADERBOARD, "#lb-chart")
    assert chart["type"] == "scatter" and chart["x_type"] == "logarithmic"
    assert chart["width"] > 300 and chart["height"] > 300
    assert chart["x_title"].startswith("Greenhouse gases per request (")
    drawn = points(chart)
    assert sorted(p["name"] for p in drawn) == sorted(m["name"] for m in body["models"])
    for p in drawn:
        model = body["models"][p["index"]]
        assert p["y"] == model["scores"]["Average ⬆️"]
        assert p["value"] == model["per_request"]["gwp"]["value"]
    [front] = [d for d in chart["datasets"] if d["kind"] == "front"]
    assert front["show_line"] and front["label"] == "Pareto front (GHG)"
    on_front = {f["name"] for f in body["analysis"]["pareto_front"]}
    assert {p["name"] for p in front["data"]} == on_front
    xs = [p["x"] for p in front["data"]]
    assert xs == sorted(xs)  # the line runs from the smallest footprint up

    # Hovering a point names its model and gives its figures, in units for people.
    falcon = "tiiuae/Falcon3-7B-Instruct"
    page.locator("#lb-chart").scroll_into_view_if_needed()
    at = page.evaluate(HOVER, ["#lb-chart", falcon])
    canvas = page.locator("#lb-chart").bounding_box()
    page.mouse.move(canvas["x"] + at["x"], canvas["y"] + at["y"])
    page.wait_for_function(f"() => (Chart.getChart(document.querySelector('#lb-chart'))"
                           f".tooltip.title || [])[0] === {json.dumps(falcon)}")
    tooltip = page.evaluate(TOOLTIP, "#lb-chart")
    assert tooltip["body"][0] == "Average ⬆️: 34.9"
    assert tooltip["body"][1].startswith("Greenhouse gases per request: ")
    assert tooltip["body"][1].split(": ")[1].split(" (")[0].endswith("CO₂e")
    assert tooltip["body"][3] == "Parameters: 7.46 billion (<10B)"

    rows = page.locator("#lb-table tbody tr")
    expect(rows).to_have_count(7)
    assert table_names(page) == [m["name"] for m in body["models"]]  # the file's order
    header = page.locator('#lb-table thead th[data-column="per_request"]')
    expect(header).to_contain_text("GHG per request (")
    unit = header.locator(".unit").inner_text().strip(" ()")
    assert unit in ("mg CO₂e", "g CO₂e")
    size = {"mg CO₂e": 1e-6, "g CO₂e": 1e-3}[unit]
    falcon_row = page.locator('#lb-table tbody tr[data-row="7"]')
    cell = falcon_row.locator('td[data-column="per_request"]')
    value = body["models"][6]["per_request"]["gwp"]["value"]
    assert float(cell.get_attribute("data-value")) == value
    assert float(cell.locator(".value").inner_text()) == pytest.approx(value / size, rel=6e-3)
    co2 = falcon_row.locator('td[data-column="co2"]')
    expect(co2.locator(".value")).to_have_text("619 g CO₂e")
    expect(co2).to_contain_text("evaluation time recovered from it")
    expect(page.locator("#lb-classes tbody tr").first).to_contain_text("<10B")
    official = body["analysis"]["groups"]["official_vs_community"]["official"]
    group = page.locator("#lb-groups tbody tr").first
    expect(group.locator("th")).to_have_text("Official providers")
    expect(group.locator("td").first).to_have_text(str(official["models"]))
    assert float(group.locator('td[data-column="score"]').get_attribute("data-value")) == (
        official["score"]["median"])

    expect(page.locator("#lb-rejects tbody tr")).to_have_count(1)
    reject = body["rejects"][0]
    assert reject["index"] == 7 and reject["name"] == "example/no-size"
    cells = page.locator("#lb-rejects tbody tr td")
    assert cells.all_inner_texts() == ["8", "example/no-size", reject["reason"]]
    expect(page.locator("#lb-rejects-title")).to_have_text("Rows left out (1)")


def test_a_heading_sorts_the_table_and_says_so_with_aria_sort(page, base_url):
    body = load_sample(page, base_url)
    models = body["models"]
    heading = page.locator('#lb-table thead th[data-column="parameters"]')
    expect(heading).not_to_have_attribute("aria-sort", "ascending")
    expect(heading.get_by_role("button")).to_have_accessible_name("Parameters")  # no arrows
    heading.get_by_role("button").click()
    expect(heading).to_have_attribute("aria-sort", "ascending")
    by_size = sorted(models, key=lambda m: (m["parameters"], m["index"]))
    assert table_names(page) == [m["name"] for m in by_size]
    expect(page.locator("#lb-caption")).to_contain_text("sorted by Parameters (ascending)")
    expect(heading.get_by_role("button")).to_be_focused()

    page.keyboard.press("Enter")  # the same heading again, from the keyboard: descending
    expect(heading).to_have_attribute("aria-sort", "descending")
    by_size_down = sorted(models, key=lambda m: (-m["parameters"], m["index"]))
    assert table_names(page) == [m["name"] for m in by_size_down]

    score = page.locator('#lb-table thead th[data-column="score:MMLU-PRO"]')
    score.get_by_role("button").click()
    expect(score).to_have_attribute("aria-sort", "ascending")
    expect(heading).not_to_have_attribute("aria-sort", "descending")
    assert table_names(page) == [m["name"] for m in sorted(
        models, key=lambda m: (m["scores"]["MMLU-PRO"], m["index"]))]

    page.locator('#lb-table thead th[data-column="name"] button').click()
    assert table_names(page) == sorted(table_names(page), key=str.lower)


def test_score_indicator_footprint_and_target_are_sent_and_drawn(page, base_url):
    load_sample(page, base_url)
    options = page.locator("#lb-score option").all_inner_texts()
    assert options == ["Average ⬆️", "IFEval", "MMLU-PRO"]
    expect(page.locator("#lb-score")).to_have_value("Average ⬆️")

    body = analysed(page, lambda: page.select_option("#lb-score", "IFEval"),
                    lambda sent: sent.get("score") == "IFEval").json()
    assert body["analysis"]["score"] == "IFEval"
    chart = page.evaluate(LEADERBOARD, "#lb-chart")
    assert {p["y"] for p in points(chart)} == {m["scores"]["IFEval"] for m in body["models"]}

    body = analysed(page, lambda: page.select_option("#lb-indicator", "water"),
                    lambda sent: sent.get("indicator") == "water").json()
    expect(page.locator('#lb-table thead th[data-column="per_request"]')).to_contain_text(
        "Water per request")
    body = analysed(page, lambda: page.select_option("#lb-footprint", "evaluation"),
                    lambda sent: sent.get("footprint") == "evaluation").json()
    chart = page.evaluate(LEADERBOARD, "#lb-chart")
    assert chart["x_title"].startswith("Water consumed for the evaluation run (")
    for p in points(chart):
        assert p["value"] == body["models"][p["index"]]["evaluation"]["water"]["value"]

    page.fill("#lb-target", "60")
    body = analysed(page, lambda: page.press("#lb-target", "Enter"),
                    lambda sent: sent.get("target") == 60).json()
    target = body["analysis"]["target"]
    chosen = target["selected"]["name"]
    expect(page.locator("#lb-target-text")).to_contain_text(
        f"Cheapest reaching IFEval ≥ 60: {chosen} — ")
    expect(page.locator("#lb-target-text")).to_contain_text("for the evaluation run")
    chart = page.evaluate(LEADERBOARD, "#lb-chart")
    assert [p["name"] for p in points(chart, "selected")] == [chosen]
    assert {p["y"] for p in points(chart, "target")} == {60}


def test_a_bad_file_or_value_is_shown_next_to_its_field(page, base_url, problems, tmp_path):
    problems.allowed_console.append("422")
    open_calculator(page, base_url)
    broken = tmp_path / "broken.csv"
    broken.write_text('fullname,#Params (B),Average ⬆️\n"open,7,30\n', encoding="utf-8")
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "leaderboards" in r.url else None)
    page.set_input_files("#lb-file", str(broken))
    error = page.locator("#lb-file-error")
    expect(error).to_contain_text("broken.csv: a quoted field opened on line 2 is never closed")
    expect(page.locator("#lb-file")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#lb-errors")).to_be_visible()
    assert requests == []  # nothing sent

    # A table with other column names: the API names the role, beside the columns field.
    other = tmp_path / "other.csv"
    other.write_text("model,size,score\nx,7,30\ny,70,60\n", encoding="utf-8")
    response = analysed(page, lambda: page.set_input_files("#lb-file", str(other)))
    assert response.status == 422
    field = response.json()["errors"][0]["field"]
    assert field == "columns.name"
    expect(page.locator("#lb-columns-box")).to_have_attribute("open", "")
    columns_error = page.locator("#lb-columns-error")
    expect(columns_error).to_contain_text("columns.name: the table has no column 'fullname'")
    expect(page.locator("#lb-status")).to_contain_text("not analysed")
    page.locator("#lb-errors a").click()
    expect(page.locator("#lb-columns")).to_be_focused()

    page.fill("#lb-columns", '{"name": "model", "parameters": size}')
    requests.clear()
    page.click("#lb-columns-apply")
    expect(columns_error).to_contain_text("not valid JSON")
    assert requests == []  # nothing sent
    page.fill("#lb-columns", '{"name": "model", "parameters": "size", "scores": ["score"]}')
    response = analysed(page, lambda: page.click("#lb-columns-apply"))
    assert response.status == 200
    assert response.request.post_data_json["columns"]["scores"] == ["score"]
    expect(columns_error).to_have_count(0)
    expect(page.locator("#lb-table tbody tr")).to_have_count(2)
    page.fill("#lb-columns", "")

    assert analysed(page, lambda: page.click("#lb-sample")).status == 200
    expect(error).to_have_count(0)
    expect(page.locator("#lb-file")).not_to_have_attribute("aria-invalid", "true")
    page.fill("#lb-target", "high")
    response = analysed(page, lambda: page.press("#lb-target", "Enter"),
                        lambda sent: sent.get("target") == "high")
    assert response.status == 422
    expect(page.locator("#lb-target-error")).to_contain_text("Not a valid number")
    expect(page.locator("#lb-target")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#lb-errors")).to_be_focused()
    expect(page.locator("#lb-body")).to_have_class("stale")  # not the figures asked for

    not_rows = tmp_path / "rows.json"
    not_rows.write_text('{"models": []}', encoding="utf-8")
    page.set_input_files("#lb-file", str(not_rows))
    expect(error).to_contain_text("rows.json: expected an array of rows")


def test_a_csv_with_a_bom_crlf_and_quoted_commas_and_line_breaks_is_read_as_python_reads_it(
        page, base_url, tmp_path):
    open_calculator(page, base_url)
    path = tmp_path / "board.csv"
    path.write_bytes(BOARD.encode("utf-8"))
    response = analysed(page, lambda: page.set_input_files("#lb-file", str(path)))
    assert response.status == 200
    sent = response.request.post_data_json["rows"]
    # Sent as Python reads the file, less the columns the API does not read (Hub License).
    read = list(csv.DictReader(io.StringIO(BOARD.lstrip("\ufeff"), newline="")))
    assert read[0]["Hub License"] == "mit, say"
    assert sent == [{k: v for k, v in row.items() if k != "Hub License"} for row in read]
    assert sent[0]["fullname"] == 'openai-community/gpt2, "the"\nfirst'
    assert sent[1]["Type"] == "💬 chat models (RLHF, DPO, IFT, ...)"
    assert len(sent) == 6 and "fullname" in sent[0]  # the BOM is not in the first name
    body = response.json()
    expect(page.locator("#lb-table tbody tr")).to_have_count(4)
    expect(page.locator("#lb-rejects tbody tr")).to_have_count(2)
    [note] = body["models"][3]["notes"]  # a MoE without its active parameters says how
    expect(page.locator('#lb-table tbody tr[data-row="4"] th')).to_contain_text(note)
    for reject, row in zip(body["rejects"], page.locator("#lb-rejects tbody tr").all(),
                           strict=True):
        expect(row.locator("td").first).to_have_text(str(reject["index"] + 1))
        expect(row.locator("td").last).to_have_text(reject["reason"])
    expect(page.locator("#lb-status")).to_contain_text(
        "From board.csv, 6 rows: 4 models analysed, 2 left out")


CSV_CASES = [
    "a,b\r\n1,2\r\n",
    "a,b\n1,2",  # no line end at the end
    "a,b\r1,2\r",  # old Mac line ends
    'a,b\n"",""\n',  # empty quoted fields
    'a,b\n"x, y","say ""hi"""\n',
    'a,b\n"two\r\nlines",2\n',
    "a,b\n\n1,2\n\n",  # blank lines
    "a,b,\n1,2,\n",  # a trailing comma: an empty last column
    "a\n,\n",
]


@pytest.mark.parametrize("text", CSV_CASES)
def test_the_csv_reader_reads_as_pythons_csv_module(page, base_url, text):
    page.goto(base_url)
    page.wait_for_function("() => window.lcaLeaderboard")
    records = page.evaluate("(text) => window.lcaLeaderboard.parseCsv(text)", text)
    assert records == [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    with_bom = page.evaluate("(text) => window.lcaLeaderboard.parseCsv(text)", "\ufeff" + text)
    assert with_bom == records


def test_a_json_file_names_its_own_columns_and_a_long_table_shows_a_page_at_a_time(
        page, base_url, tmp_path):
    open_calculator(page, base_url)
    rows = [{"model": f"m{k}", "size": 1 + k % 80, "precision": "bf16", "quality": 20 + k % 50}
            for k in range(150)]
    path = tmp_path / "board.json"
    path.write_text(json.dumps({
        "rows": rows,
        "columns": {"name": "model", "parameters": "size", "precision": "precision",
                    "scores": ["quality"]}}), encoding="utf-8")
    response = analysed(page, lambda: page.set_input_files("#lb-file", str(path)))
    assert response.status == 200
    assert response.request.post_data_json["columns"]["name"] == "model"
    expect(page.locator("#lb-score")).to_have_value("quality")
    expect(page.locator("#lb-rejects-none")).to_be_visible()
    chart = page.evaluate(LEADERBOARD, "#lb-chart")
    assert sorted(p["y"] for p in points(chart)) == sorted(r["quality"] for r in rows)

    expect(page.locator("#lb-table tbody tr")).to_have_count(100)  # a page at a time
    expect(page.locator("#lb-caption")).to_contain_text("The first 100 of 150 models")
    page.locator('#lb-table thead th[data-column="score:quality"] button').click()
    best = sorted(rows, key=lambda r: (r["quality"], rows.index(r)))
    assert table_names(page) == [r["model"] for r in best[:100]]  # sorted, then cut
    more = page.locator("#lb-more")
    expect(more).to_have_text("Show 50 more (50 not shown yet)")
    more.click()
    expect(page.locator("#lb-table tbody tr")).to_have_count(150)
    expect(more).to_be_hidden()
    assert table_names(page) == [r["model"] for r in best]


def test_on_a_phone_the_view_fits_and_its_wide_table_scrolls_in_its_own_box(page, base_url):
    page.set_viewport_size({"width": 390, "height": 844})
    load_sample(page, base_url)
    page.locator("#lb-columns-box summary").click()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    wrap = page.locator("#lb-table").locator("xpath=..")
    expect(wrap).to_have_class(re.compile(r"\bscrolls\b"))  # says so, and takes the keyboard
    expect(wrap).to_have_attribute("tabindex", "0")
    chart = page.evaluate(LEADERBOARD, "#lb-chart")
    assert 300 <= chart["width"] <= 390 and chart["height"] > 300
