"""The summary page on a phone and a wide screen, in English and Arabic: key messages first, no sideways page.

A table too wide for a phone scrolls inside a labelled region (focusable, so that keys scroll
it); a chart keeps a readable size and scrolls the same way. The page itself never scrolls
sideways.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from consult.selectors.summaries import regional_summary
from consult.services.reports.html import render_html

from .conftest import opened_as

pytestmark = pytest.mark.django_db(transaction=True)

CONSENSUS = {"en": "Consensus ranking", "ar": "الترتيب حسب توافق الآراء"}
KEY_MESSAGES = {"en": "Key messages", "ar": "الرسائل الرئيسية"}
# The scrolling box is named by its section's heading and the hint under it (the section by its heading alone).
HINT = {"en": "On a narrow screen", "ar": "على الشاشات الضيقة"}
PAGE_WIDTH = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("width", [375, 1280])
def test_the_summary_opens_with_key_messages_and_never_scrolls_sideways(browser, live_server, world, language, width):
    page = opened_as(browser, live_server, "officer", language=language, width=width)
    page.goto(reverse("consult:summary", kwargs={"slug": world.consultation.slug}))

    scrolled, shown = page.evaluate(PAGE_WIDTH)
    assert scrolled <= shown, f"the page is {scrolled} px wide in a {shown} px window"
    headings = page.locator("article.report h2").all_inner_texts()
    assert headings[0] == KEY_MESSAGES[language]
    region = page.get_by_role("region", name=re.compile(f"^{CONSENSUS[language]} {HINT[language]}"))
    assert region.get_attribute("tabindex") == "0"
    assert region.get_by_role("table").count() == 1
    page.context.close()


def test_on_a_phone_the_wide_table_and_the_charts_scroll_in_their_own_box(browser, live_server, world):
    page = opened_as(browser, live_server, "officer", language="en", width=375)
    page.goto(reverse("consult:summary", kwargs={"slug": world.consultation.slug}))

    region = page.get_by_role("region", name=re.compile(f"^{CONSENSUS['en']} {HINT['en']}"))
    inner, outer = region.evaluate("box => [box.scrollWidth, box.clientWidth]")
    assert inner > outer
    assert page.get_by_text("scroll the table sideways").first.is_visible()
    chart = page.locator("figure.report-chart").first
    assert chart.get_attribute("aria-label").startswith("Chart of")
    image, box = chart.evaluate("figure => [figure.querySelector('img').clientWidth, figure.clientWidth]")
    assert image > box  # drawn at a readable size, not shrunk to the phone's width
    page.context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_html_report_file_on_a_phone_never_scrolls_sideways(browser, world, language):
    with translation.override(language):
        summary = regional_summary(world.consultation, internal=True)  # As the secretariat sees it: no cell hidden.
    context = browser.new_context(locale=language, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.set_content(render_html(summary, language=language).decode())

    scrolled, shown = page.evaluate(PAGE_WIDTH)
    assert scrolled <= shown, f"the report is {scrolled} px wide in a {shown} px window"
    region = page.get_by_role("region", name=re.compile(f"^{CONSENSUS[language]} {HINT[language]}"))
    inner, outer = region.evaluate("box => [box.scrollWidth, box.clientWidth]")
    assert inner > outer
    assert page.get_by_text(re.compile(HINT[language])).first.is_visible()
    context.close()
