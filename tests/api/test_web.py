"""GET /: the web calculator is served with its assets, under a strict CSP, outside the API doc.

The browser tests (tests/browser) drive the page; these check what needs no browser.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from web import STATIC


class Page(HTMLParser):
    """What a page loads, and anything the CSP would block: inline script, style or handler."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name in attributes:
            if name == "style" or name.startswith("on"):
                self.inline.append(f"<{tag} {name}>")
        if tag == "style":
            self.inline.append("<style>")
        if tag == "script":
            self._in_script = "src" not in attributes
        for name in ("src", "href"):
            if attributes.get(name) and not attributes[name].startswith("#"):
                self.urls.append(attributes[name])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append("<script> with a body")


def test_the_page_is_served_at_the_root_with_a_strict_policy(client):
    with client.get("/") as response:
        assert response.status_code == 200 and response.mimetype == "text/html"
        policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_page_has_no_inline_code_and_loads_only_its_own_assets(client):
    page = Page()
    with client.get("/") as response:
        page.feed(response.get_data(as_text=True))
    assert page.inline == []
    local = [url for url in page.urls if not url.startswith("data:")]
    assert all(not re.match(r"^[a-z]+:|^//", url) for url in local), local
    for url in local:
        with client.get(f"/{url}") as response:
            assert response.status_code == 200, url
    assert {"web/app.js", "web/app.css", "web/vendor/chartjs/chart.umd.js"} <= set(local)


def test_the_scripts_write_no_inline_style_or_html():
    script = (STATIC / "app.js").read_text()
    for pattern in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                    "setAttribute(\"style", "eval(", "new Function"):
        assert pattern not in script, pattern


def test_the_calculator_stays_out_of_the_openapi_document(client):
    paths = client.get("/openapi.json").json["paths"]
    assert "/" not in paths and not any(p.startswith("/web") for p in paths)
    with client.get("/web/nothing-here.js") as response:
        assert response.status_code == 404


def test_the_vendored_chart_library_is_pinned_with_its_licence():
    vendor = STATIC / "vendor"
    header = (vendor / "chartjs" / "chart.umd.js").read_text()[:200]
    version = re.search(r"Chart\.js v(\d+\.\d+\.\d+)", header).group(1)
    assert f"| Chart.js | {version} |" in (vendor / "README.md").read_text()
    assert "MIT License" in (vendor / "chartjs" / "LICENSE.md").read_text()


def test_the_page_gets_the_everyday_items_with_their_sources_and_canonical_amounts(client):
    from lca.report.equivalences import EQUIVALENCES, ILLUSTRATED

    response = client.get("/web/equivalences.json")
    assert response.status_code == 200
    body = response.get_json()
    assert body["indicators"] == list(ILLUSTRATED) and "Illustrations only" in body["note"]
    by_key = {item["key"]: item for item in body["items"]}
    assert set(by_key) == {e.key for e in EQUIVALENCES}
    for e in EQUIVALENCES:
        item = by_key[e.key]
        assert item["per_item"] == e.per_item and item["source"] == e.source
        assert item["year"] == e.year and item["one"]
    assert abs(by_key["car_km_eu"]["per_item"] - 0.1066) < 1e-12  # 106.6 gCO2e/km in kgCO2e
    assert "/web/equivalences.json" not in client.get("/openapi.json").get_json()["paths"]
