"""What "one request" is: the per-request column says the prompt and answer lengths it was
estimated for (the task's medians, or what the user typed), and the token boxes show the task's
median first so that a phone-wide box never cuts the number off (the task's name may be).
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

HEADER = '#figures thead th[data-block="inference.per_request"]'
# The width of the placeholder's number in its box's font, against the room the box leaves.
PLACEHOLDER_FITS = """(input) => {
  const style = getComputedStyle(input);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return context.measureText(input.placeholder.split(" ")[0]).width <= room;
}"""


def test_the_per_request_column_says_the_prompt_and_answer_lengths_it_is_for(page, base_url):
    page.set_viewport_size(WIDE)
    open_calculator(page, base_url)
    header = page.locator(HEADER)
    expect(header).to_have_text("Per request (one answer: 1,020 tokens in, 415 out)")

    with page.expect_response(is_post("/v1/estimates")):
        page.select_option("#f-inference-task", "reasoning")
    expect(header).to_contain_text("tokens in, 5,535 out")  # the reasoning task's median
    with page.expect_response(is_post("/v1/estimates")):
        page.fill("#f-inference-output_tokens", "200")
    expect(header).to_contain_text("tokens in, 200 out")  # what the user typed
    shoot(page, "request-lengths", WIDE)


def test_token_boxes_show_the_tasks_median_first_where_a_phone_shows_it(page, base_url):
    page.set_viewport_size(NARROW)
    open_calculator(page, base_url)
    for task, output in (("chat", "415"), ("classification", "3"), ("summarization", None)):
        page.select_option("#f-inference-task", task)
        box = page.locator("#f-inference-output_tokens")
        if output:
            expect(box).to_have_attribute("placeholder", f"{output} ({task})")
        for selector in ("#f-inference-input_tokens", "#f-inference-output_tokens"):
            field = page.locator(selector)
            assert field.get_attribute("placeholder").split(" ")[0].replace(",", "").isdigit()
            assert field.evaluate(PLACEHOLDER_FITS), (task, field.get_attribute("placeholder"))
    page.locator("#f-inference-task").scroll_into_view_if_needed()
    shoot(page, "token-placeholders", NARROW)
