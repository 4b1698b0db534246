"""Errors and hints in the form's words: the API's message beside its field names other fields by
their labels (not ``requests_per_day``), shows numbers as people write them (not ``1e+07``) and
says the accepted range in words, with hours also in years.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import MARKS
from tests.browser.test_calculator import open_calculator
from tests.browser.test_first_screen import NARROW, WIDE, shoot

pytestmark = MARKS
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (pip install -e '.[test]')")
expect = sync_api.expect

# A bad value in a field, and what its error beside it says (live, after the pause).
CASES = [
    ("#f-inference-duration", "", "needed with “Requests per day”"),
    ("#f-inference-output_tokens", "0",
     "0 is outside the accepted range: more than 0 and at most 10 million tokens"),
    ("#f-inference-batch_size", "-3", "-3 is outside the accepted range: at least 1 and at most "
     "4,096"),
    ("#f-hardware_lifetime", "1e99", "1e99 is outside the accepted range: at least 2,191.5 and "
     "at most 262,980 h (0.25 to 30 years)"),
]


def test_errors_and_hints_name_fields_by_label_and_say_the_accepted_range_in_words(
        page, base_url, problems):
    problems.allowed_console.append("422")
    page.set_viewport_size(WIDE)
    open_calculator(page, base_url)
    page.locator("#f-hardware_lifetime").evaluate(  # under "More settings"
        "(field) => { const box = field.closest('details'); if (box) box.open = true; }")
    for selector, value, said in CASES:
        page.fill(selector, value)
        error = page.locator(f"{selector}-error")
        expect(error).to_have_text(said)
        # beside its field: the element right after the input, inside the field's box
        assert page.evaluate(f"() => document.querySelector('{selector}')"
                             ".nextElementSibling.id") == f"{selector[1:]}-error"
        expect(page.locator("#form-errors")).to_contain_text(said)
        text = error.inner_text()
        assert "_" not in text and "e+" not in text, text
        page.fill(selector, "1 year" if "duration" in selector else "")
        expect(error).to_have_count(0)

    page.check("input[name='inference.mode'][value='traffic']")  # no rate yet: what is needed
    expect(page.locator("#f-inference-rate-error")).to_have_text(
        "needed with traffic: the mean request rate, e.g. 2 per second (or choose “Batch size” "
        "above)")
    page.fill("#f-inference-rate", "5000")
    page.fill("#f-inference-replicas", "1")
    note = page.locator("#traffic-warning")
    expect(note).to_contain_text("(“Replicas”)")
    expect(note).not_to_contain_text("inference.replicas")
    shoot(page, "error-words", WIDE)

    page.check("input[name='inference.scaling'][value='autoscaled']")
    page.fill("#f-inference-min_replicas", "4")
    page.fill("#f-inference-max_replicas", "2")
    expect(page.locator("#f-inference-min_replicas-error")).to_have_text(
        "4 exceeds “Max replicas” (2)")
    expect(page.locator("#h-inference-min_replicas")).to_contain_text("at most “Max replicas”")
    page.set_viewport_size(NARROW)
    page.locator("#f-inference-min_replicas").scroll_into_view_if_needed()
    shoot(page, "error-words", NARROW)
