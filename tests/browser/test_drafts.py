"""Drafts live on the server: a browser closed abruptly loses at most the last 5 seconds of typing.

The questionnaire saves 3 s after typing stops and, however long typing goes on, at most 4 s
after the first unsaved keystroke (plus the save's own time); leaving the page saves too.
Here the browser is closed without warning (its context is closed, as a crash or a killed
tab would), then the person logs in from a new browser and finds their text.
"""

import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from consult.services.positions import position_for
from surveys.models import Answer

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

# What the person may lose at most: the last seconds of typing before the browser died.
LOSS_ALLOWED_SECONDS = 5.0


@pytest.fixture
def position(consultation, france, focal_point_france):
    return position_for(consultation=consultation, member_state=france, actor=focal_point_france)


def section_path(position):
    return reverse("consult:position-section", args=[position.pk, "1"])


def practices(page):
    return page.locator('[id="id_1.1-practices"]')


def saved_text(position) -> str:
    answer = Answer.objects.filter(response=position.response, question__code="1.1-practices").first()
    return answer.text if answer else ""


def open_page(browser, live_server, position):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, "fp-france")
    page.goto(section_path(position))
    return context, page


def test_text_typed_then_left_for_five_seconds_survives_a_browser_closed_abruptly(browser, live_server, position):
    context, page = open_page(browser, live_server, position)
    practices(page).press_sequentially("Our diaspora council meets twice a year.", delay=20)
    time.sleep(5)
    context.close()

    context, page = open_page(browser, live_server, position)
    assert practices(page).input_value() == "Our diaspora council meets twice a year."
    context.close()


def test_typing_without_a_pause_is_saved_every_few_seconds(browser, live_server, position):
    context, page = open_page(browser, live_server, position)
    field = practices(page)
    field.click()
    typed = [(time.monotonic(), "")]  # (when, the text so far)
    words = 0
    while time.monotonic() - typed[0][0] < 8:
        words += 1
        page.keyboard.type(f"word{words} ", delay=15)
        typed.append((time.monotonic(), typed[-1][1] + f"word{words} "))
    closed = time.monotonic()
    context.close()

    # Saved while typing, before anything the closing browser may still send: what was typed by
    # 5 s before it closed is there, in the order it was typed.
    text = saved_text(position)
    must_have = [so_far for moment, so_far in typed if moment <= closed - LOSS_ALLOWED_SECONDS][-1]
    assert typed[-1][1].startswith(text)
    assert len(text) >= len(must_have), (text, must_have)
    lost = closed - next(moment for moment, so_far in typed if len(so_far) >= len(text))

    # The closing page's last save (pagehide, keepalive) may bring more; never anything else.
    context, page = open_page(browser, live_server, position)
    found = practices(page).input_value()
    context.close()
    assert typed[-1][1].startswith(found) and len(found) >= len(text)
    print(f"\nTyped for {closed - typed[0][0]:.1f} s without a pause ({words} words), then the browser closed: "
          f"{len(text)} of {len(typed[-1][1])} characters saved by then (the last {lost:.1f} s missing), "
          f"{len(found)} found from a new browser.")


def test_an_autosave_answered_503_keeps_the_text_says_so_and_saves_once_the_site_is_back(
    browser, live_server, position
):
    context, page = open_page(browser, live_server, position)
    status = page.locator("#save-status")
    # The database is down: the middleware's answer, as the site gives it then.
    outage = {"status": 503, "content_type": "application/json",
              "body": '{"error": "Not saved yet: the site cannot reach its database for a moment."}'}

    def database_down(route):
        if route.request.method == "POST":
            return route.fulfill(**outage)
        return route.continue_()

    page.route("**/areas/1/", database_down)

    practices(page).fill("Written during the outage.")
    expect(status).to_contain_text("Not saved yet", timeout=10_000)
    assert practices(page).input_value() == "Written during the outage."
    assert saved_text(position) == ""

    page.unroute("**/areas/1/")
    expect(status).to_contain_text("Saved at", timeout=20_000)
    assert saved_text(position) == "Written during the outage."
    context.close()
