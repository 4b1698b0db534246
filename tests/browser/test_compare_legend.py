"""The comparison chart's legend on a phone: each scenario's name fits the canvas, shortened in
its middle so that its start and its end (where scenario names differ) stay readable; a wide
screen shows the names whole.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import MARKS
from tests.browser.test_calculator import is_post, open_calculator
from tests.browser.test_first_screen import NARROW, WIDE, shoot

pytestmark = MARKS
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (pip install -e '.[test]')")
expect = sync_api.expect

LEGEND = """() => {
  const chart = Chart.getChart(document.querySelector('#compare-chart'));
  return {width: chart.width, names: chart.data.datasets.map((d) => d.label),
          texts: chart.legend.legendItems.map((item) => item.text),
          boxes: chart.legend.legendHitBoxes.map((b) => [b.left, b.left + b.width])};
}"""


def test_the_comparison_legend_fits_a_phone_and_keeps_where_names_differ(page, base_url):
    page.set_viewport_size(NARROW)
    open_calculator(page, base_url)
    page.click("#add-scenario")  # the defaults: served in France
    expect(page.locator("#scenario-list li")).to_have_count(1)
    with page.expect_response(is_post("/v1/estimates")):
        page.select_option("#f-inference-location", "POL")
    page.click("#add-scenario")
    expect(page.locator("#compare-table tbody tr")).to_have_count(2)
    page.locator("#compare-chart").scroll_into_view_if_needed()
    legend = page.evaluate(LEGEND)
    assert legend["names"][0].endswith("France (baseline)")
    assert legend["names"][1].endswith("Poland")
    for name, text, (left, right) in zip(legend["names"], legend["texts"], legend["boxes"],
                                         strict=True):
        assert left >= 0 and right <= legend["width"], (text, left, right, legend["width"])
        assert "…" in text and text != name  # too long for a phone: shortened in the middle
        head, tail = text.split("…")
        assert name.startswith(head) and name.endswith(tail)
    assert legend["texts"][0].endswith("(baseline)") and legend["texts"][1].endswith("Poland")
    shoot(page, "compare-legend", NARROW)

    page.set_viewport_size(WIDE)
    page.wait_for_function("() => Chart.getChart(document.querySelector('#compare-chart'))"
                           ".width > 600")
    legend = page.evaluate(LEGEND)
    assert legend["texts"] == legend["names"]  # room enough: the names whole
