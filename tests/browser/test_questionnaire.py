"""The questionnaire page in a real browser: autosave, a lost connection, the ranking control, axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from consult.services.positions import position_for
from surveys.models import Answer

from .conftest import axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def position(consultation, france, focal_point_france, drafter_france):
    return position_for(consultation=consultation, member_state=france, actor=focal_point_france)


def section_path(position, code="1"):
    return reverse("consult:position-section", args=[position.pk, code])


def by_id(page, element_id):
    # Question codes put dots in ids, which CSS would read as classes.
    return page.locator(f'[id="{element_id}"]')


def policy_violations(page):
    """Return the console errors of the Content Security Policy (a lost connection logs others)."""
    return [error for error in page.console_errors if "Content Security Policy" in error]


def saved_texts(position):
    return list(Answer.objects.filter(response=position.response, question__code="1.1-practices").values_list("text"))


def test_typing_is_saved_without_a_click_and_kept_through_a_lost_connection(page, position, browser, live_server):
    log_in(page, "fp-france")
    page.goto(section_path(position))
    status = page.locator("#save-status")

    by_id(page, "id_1.1-practices").fill("Written online.")
    expect(status).to_contain_text("Saved at", timeout=10_000)
    assert saved_texts(position) == [("Written online.",)]

    page.context.set_offline(True)
    by_id(page, "id_1.1-practices").fill("Written while the connection was lost.")
    expect(status).to_contain_text("Not saved: connection lost, your text is kept in this page", timeout=10_000)
    assert by_id(page, "id_1.1-practices").input_value() == "Written while the connection was lost."
    page.context.set_offline(False)
    expect(status).to_contain_text("Saved at", timeout=20_000)
    assert saved_texts(position) == [("Written while the connection was lost.",)]

    another_browser = browser.new_context(base_url=live_server.url)
    elsewhere = another_browser.new_page()
    log_in(elsewhere, "drafter-france")
    elsewhere.goto(section_path(position))
    assert by_id(elsewhere, "id_1.1-practices").input_value() == "Written while the connection was lost."
    another_browser.close()
    assert policy_violations(page) == []


def test_the_ranking_moves_with_the_keyboard_and_is_saved(page, position):
    log_in(page, "fp-france")
    page.goto(section_path(position))

    move_up = page.get_by_role("button", name="Move up: Recommendation 1.2.")
    move_up.focus()
    page.keyboard.press("Enter")

    expect(move_up).to_be_focused()
    assert by_id(page, "id_1-ranking_1").input_value() == "1"
    assert by_id(page, "id_1-ranking_0").input_value() == "2"
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    ranks = Answer.objects.filter(response=position.response, question__code="1-ranking")
    assert sorted(ranks.values_list("choice__value", "rank")) == [("1.1", 2), ("1.2", 1)]


def test_a_long_text_counts_its_characters(page, position):
    log_in(page, "fp-france")
    page.goto(section_path(position))

    by_id(page, "id_1.1-practices").fill("Ten chars.")

    expect(page.locator(".char-counter").first).to_have_text("Characters left: 4,990")


def test_the_questionnaire_pages_have_no_serious_accessibility_violation(page, position):
    log_in(page, "fp-france")

    page.goto(reverse("consult:position-detail", args=[position.pk]))
    assert axe_violations(page) == []
    page.goto(section_path(position))
    assert axe_violations(page) == []
    page.goto(section_path(position) + "?check=1")
    assert axe_violations(page) == []
    assert policy_violations(page) == []


def test_save_draft_right_after_typing_is_not_taken_for_someone_else(page, position):
    log_in(page, "fp-france")
    page.goto(section_path(position))
    by_id(page, "id_1.1-practices").fill("First words.")
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)

    by_id(page, "id_1.1-practices").fill("First words, then more.")
    by_id(page, "id_1.1-practices").blur()
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()

    assert "someone else saved this page" not in page.content()
    expect(page.get_by_role("status").first).to_contain_text("Saved at")
    assert saved_texts(position) == [("First words, then more.",)]
