"""Pages of a real headless Chromium (the session's `browser`, tests/conftest.py) against the live test server."""

import time
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    in_flight = set()
    context.on("request", lambda request: in_flight.add(request))
    context.on("requestfinished", lambda request: in_flight.discard(request))
    context.on("requestfailed", lambda request: in_flight.discard(request))
    yield page
    settled(page, in_flight)
    context.close()


def settled(page, in_flight, timeout=10.0):
    """Leave the page and wait for its last requests (the autosave sent on pagehide) to be answered.

    The test database is flushed after the test: a save still running on the live server then
    deadlocks with the flush.
    """
    if not page.is_closed():
        page.goto("about:blank")
    deadline = time.monotonic() + timeout
    while in_flight and time.monotonic() < deadline:
        page.wait_for_timeout(50) if not page.is_closed() else time.sleep(0.05)
    time.sleep(0.2)  # The server's answer is sent just before its transaction's last statement returns.


def log_in(page, username, password="correct horse battery staple"):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core in the page and return its violations of the given impacts."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": violation["id"], "impact": violation["impact"], "nodes": [n["target"] for n in violation["nodes"]]}
        for violation in results["violations"]
        if violation["impact"] in impacts
    ]
