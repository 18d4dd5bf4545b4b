"""Pages of a real headless Chromium (the session's `browser`, tests/conftest.py) against the live test server."""

import re
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from .pages import consultation_under_way

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


@pytest.fixture
def world(live_server, consultation, officer, focal_point_france, focal_point_senegal, settings, tmp_path):
    """A consultation under way (tests/browser/pages.py), its files in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return consultation_under_way(
        consultation=consultation, officer=officer, focal_point_france=focal_point_france,
        focal_point_senegal=focal_point_senegal, base_url=live_server.url,
    )


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


class Words:
    """The interface's words in one language, to find what a person reads on the page.

    A word that is not translated fails the test: a person reading the page in that language
    would meet it in English.
    """

    def __init__(self, language):
        self.language = language

    def __call__(self, text, *, context=None, **values):
        with translation.override(self.language):
            word = translation.pgettext(context, text) if context else translation.gettext(text)
        assert self.language == "en" or word != text, f"not translated into {self.language}: {text!r}"
        return word % values if values else word

    def plural(self, singular, plural, number, **values):
        with translation.override(self.language):
            word = translation.ngettext(singular, plural, number)
        translated = self.language == "en" or word not in (singular, plural)
        assert translated, f"not translated into {self.language}: {plural!r}"
        return word % values

    def field(self, page, label):
        """Return the form field of this label (a required field's label ends with an asterisk)."""
        return page.get_by_label(re.compile(rf"^\s*{re.escape(self(label))}\s*\*?\s*$"))


def opened_as(browser, live_server, username=None, *, language="en", width=1280):
    """Open a page in a new browser context, logged in as the user (through a session cookie)."""
    context = browser.new_context(base_url=live_server.url, locale=language, viewport={"width": width, "height": 800})
    if username:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page
