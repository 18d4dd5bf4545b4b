"""The interface in a real browser: language switch, right to left for Arabic, no CSP breakage."""

import pytest

from .conftest import axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_choosing_arabic_lays_the_page_out_right_to_left_and_is_remembered(page):
    page.goto("/")
    assert page.locator("html").get_attribute("dir") == "ltr"

    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "bootstrap.rtl.min.css" in page.locator("link[rel=stylesheet]").first.get_attribute("href")
    page.goto("/")
    assert page.locator("html").get_attribute("dir") == "rtl"


def test_a_person_logs_in_through_the_browser(page, officer):
    log_in(page, "officer")

    assert page.get_by_text("Olga Secretariat").is_visible()
    assert page.console_errors == []


def test_the_home_page_has_no_serious_accessibility_violation(page, consultation):
    page.goto("/")

    assert axe_violations(page) == []
