"""The calculator's detail tables (assumptions, factor sources, drivers) read on a phone and on a
wide screen: a key such as ``models.llama-3.1-70b.parameters`` wraps only after a dot or an
underscore, no column shrinks to a letter, and a table wider than the phone scrolls in its box.
The leaderboard's model names break at hyphens or spaces, never inside a word.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import MARKS
from tests.browser.test_calculator import open_calculator
from tests.browser.test_first_screen import NARROW, WIDE, shoot

pytestmark = MARKS
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (pip install -e '.[test]')")
expect = sync_api.expect

# Each key (or cell) of the tables, as the lines the browser laid it out in.
KEY_LINES = """(selector) => [...document.querySelectorAll(selector)].map((code) => {
  const lines = [];
  let top = null;
  const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let k = 0; k < node.length; k++) {
      const range = document.createRange();
      range.setStart(node, k);
      range.setEnd(node, k + 1);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      if (top === null || rect.top > top + 2) { lines.push(""); top = rect.top; }
      lines[lines.length - 1] += node.data[k];
    }
  }
  return lines;
})"""
TABLES = ("#assumptions", "#sources", "#drivers")


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["390px", "1440px"])
def test_keys_of_the_detail_tables_wrap_only_after_dots_or_underscores_and_columns_stay_readable(
        page, base_url, size):
    page.set_viewport_size(size)
    open_calculator(page, base_url)
    expect(page.locator("#assumptions tbody tr").first).to_be_visible()
    page.click("#sources-title")  # open the factor sources
    expect(page.locator("#sources tbody tr").first).to_be_visible()
    for table in TABLES:
        keys = page.evaluate(KEY_LINES, f"{table} tbody td code")
        assert keys, f"{table} shows no key"
        for lines in keys:  # lines end at a dot or _: never 'llama-', 'llama-3.', 'preci'
            assert all(line.endswith((".", "_")) and not re.search(r"\d\.$", line)
                       for line in lines[:-1]), (table, lines)
    for table in ("#assumptions", "#sources"):
        for column in (1, 3):  # the key and the text: never a column a few letters wide
            cells = page.locator(f"{table} tbody tr td:nth-of-type({column})")
            narrowest = min(cell.bounding_box()["width"] for cell in cells.all()[:8])
            assert narrowest >= 120, (table, column, narrowest)
    # The page never scrolls sideways; a wide table does, in its own box, and says so.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"]
    if size is NARROW:
        expect(page.locator("#sources").locator("xpath=..")).to_have_class("table-wrap scrolls")
    page.locator("#sources").scroll_into_view_if_needed()
    shoot(page, "detail-tables", size)


def test_leaderboard_model_names_on_a_phone_break_at_hyphens_never_inside_a_word(
        page, base_url):
    page.set_viewport_size(NARROW)
    open_calculator(page, base_url)
    page.click("#lb-sample")
    expect(page.locator("#lb-classes tbody tr").first).to_be_visible()
    names = [lines for lines in page.evaluate(KEY_LINES, "#lb-classes tbody td")
             if len(lines) > 1 or (lines and "/" in lines[0])]
    assert names, "no model named in the best-per-class table"
    for lines in names:
        assert all(line.endswith(("-", " ", "/")) for line in lines[:-1]), lines
    page.locator("#lb-classes").scroll_into_view_if_needed()
    shoot(page, "leaderboard-names", NARROW)
