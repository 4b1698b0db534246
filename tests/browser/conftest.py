"""Browser fixtures: the app on a loopback port, Debian's Chromium driven by Playwright.

Every test gets a fresh page; when it ends, a full-page screenshot goes to
artifacts/screenshots/<test>.png (kept by CI), and the page must have logged no error, broken no
Content-Security-Policy rule and asked nothing of any host but the app.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).parents[2] / "artifacts" / "screenshots"

MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's Chromium is not installed at "
                       f"{CHROMIUM} (apt-get install chromium; .ci/run installs it)"),
]
"""The marks of every browser test module (``pytestmark = MARKS``)."""


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The whole app (API and calculator) served by werkzeug on a free loopback port."""
    from werkzeug.serving import make_server

    from api import create_app

    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="lca-web", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class PageProblems:
    """What a page did wrong: console errors, uncaught exceptions, requests to other hosts."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.console: list[str] = []
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.allowed_console: list[str] = []

    def on_console(self, message: object) -> None:
        if message.type == "error":
            self.console.append(message.text)

    def on_request(self, request: object) -> None:
        if not request.url.startswith((self.base_url, "data:", "blob:")):
            self.foreign.append(request.url)

    def unexpected_console(self) -> list[str]:
        return [text for text in self.console
                if not any(allowed in text for allowed in self.allowed_console)]


@pytest.fixture()
def problems(base_url: str) -> PageProblems:
    return PageProblems(base_url)


@pytest.fixture()
def page(browser: object, base_url: str, problems: PageProblems,
         request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh page at 1366x900 with reduced motion (charts draw without animation)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900},
                                  reduced_motion="reduce", accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("console", problems.on_console)
    page.on("pageerror", lambda error: problems.errors.append(str(error)))
    page.on("request", problems.on_request)
    try:
        yield page
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for k, each in enumerate(context.pages):
            suffix = "" if k == 0 else f"-{k + 1}"
            each.screenshot(path=str(SCREENSHOTS / f"{request.node.name}{suffix}.png"),
                            full_page=True)
        context.close()
    assert problems.errors == [], "uncaught errors in the page"
    assert problems.unexpected_console() == [], "errors in the console (CSP, 404, ...)"
    assert problems.foreign == [], "the page asked for something outside the app"
