"""The respondents' journeys end to end in a real browser, with e-mails read from the outbox.

The live server runs in this process, so the e-mails it sends land in django.core.mail.outbox.
Pages in a language other than English are driven by names and ids, never by their words: the
tests pass whether or not that language's translations are complete.
"""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from consult.models import CivilSocietyOrganisation, FocalPoint, Position
from consult.services.positions import position_for
from consult.services.workflow import position_send_for_review
from surveys.models import Answer

from .conftest import axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long unusual passphrase 42"
LONG_TEXT = (
    "Our national migration strategy, adopted in 2012, commits every ministry to consult diaspora "
    "associations before new rules on recruitment are drafted; a joint committee meets each quarter "
    "and publishes its minutes. The main obstacle remains data: departures are not counted at all."
)
# Area pages of the member-state questionnaire: question code -> (label clicked, value stored).
STATE_ANSWERS = {
    "1": {
        "1-overall": ("Support", "support"),
        "1.1-priority": ("High priority", "4"),
        "1.1-implementation": ("In progress", "in_progress"),
        "1.1-support": ("Support", "support"),
        "1.2-priority": ("Medium priority", "3"),
        "1.2-implementation": ("Planned", "planned"),
        "1.2-support": ("Support with reservations", "support_with_reservations"),
    },
    "2": {
        "2-overall": ("Support with reservations", "support_with_reservations"),
        "2.1-priority": ("Very high priority", "5"),
        "2.1-implementation": ("Implemented", "implemented"),
        "2.1-support": ("Support", "support"),
        "2.2-priority": ("Low priority", "2"),
        "2.2-implementation": ("Not started", "not_started"),
        "2.2-support": ("Do not support", "do_not_support"),
    },
}
STATE_TEXTS = {"1.1-practices": LONG_TEXT, "2.2-practices": "No measure is planned before 2015."}
# Area 1 of the civil-society questionnaire, by value only: the page is in French.
ORGANISATION_ANSWERS = {
    "1-overall": "support",
    "1.1-importance": "5",
    "1.1-effectiveness": "partly_effective",
    "1.2-importance": "3",
    "1.2-effectiveness": "dont_know",
}
ORGANISATION_TEXT = "Nous accompagnons 400 familles de la diaspora sénégalaise à Lyon chaque année."


@pytest.fixture(autouse=True)
def empty_cache():
    # Registration limits and login throttling count in Redis across runs.
    cache.clear()


@pytest.fixture
def open_page(browser, live_server):
    """Open a page in a fresh browser context (another person, or the same after closing the browser)."""
    contexts = []

    def opened(locale="en-GB"):
        context = browser.new_context(base_url=live_server.url, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.console_errors = []
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        return page

    yield opened
    for context in contexts:
        context.close()


def by_id(page, element_id):
    # Question codes put dots in ids, which CSS would read as classes.
    return page.locator(f'[id="{element_id}"]')


def question(page, code):
    return by_id(page, f"div_id_{code}")


def choice(page, code, value):
    return page.locator(f'input[name="{code}"][value="{value}"]')


def click_label_of(page, code, value):
    """Click the label of a choice, found by the choice's value (whatever the page's language)."""
    element_id = choice(page, code, value).get_attribute("id")
    page.locator(f'label[for="{element_id}"]').click()


def main_form_button(page):
    """The submit button of the page's own form, not of the header's forms (language, log out)."""
    return page.locator("main form button[type=submit]")


def link_in(message, path):
    return re.search(rf"https?://[^\s/]+({re.escape(path)}[^\s]+/)", message.body).group(1)


def language_choose(page, code):
    """Change the language with the header's switcher, by its id and value, then wait for the page."""
    page.locator("#language-select").select_option(code)
    page.locator("form:has(#language-select) button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def log_in_any_language(page, username, password):
    page.goto(reverse("login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    main_form_button(page).click()
    page.wait_for_url(lambda url: reverse("login") not in url)


def area_answer(page, code):
    """Answer an area page of the state questionnaire by clicking labels and typing the long text."""
    for name, (label, _value) in STATE_ANSWERS[code].items():
        question(page, name).get_by_text(label, exact=True).click()
    for name, text in STATE_TEXTS.items():
        if name.startswith(f"{code}."):
            field = by_id(page, f"id_{name}")
            field.click()
            field.press_sequentially(text)


def save_draft(page):
    page.get_by_role("button", name="Save draft").click()
    # The message of the page the save leads to; autosave says "Saved at" elsewhere, on this page.
    expect(page.locator("main .alert-success")).to_contain_text("Saved at")


def assert_area_shows_answers(page, code):
    for name, (_label, value) in STATE_ANSWERS[code].items():
        expect(choice(page, name, value)).to_be_checked()
    for name, text in STATE_TEXTS.items():
        if name.startswith(f"{code}."):
            expect(by_id(page, f"id_{name}")).to_have_value(text)


def test_a_focal_point_follows_the_invitation_drafts_comes_back_and_sends_for_review(
    open_page, officer, france, consultation
):
    secretariat = open_page()
    log_in(secretariat, "officer")
    secretariat.goto(reverse("consult:invitation-create", args=[consultation.slug]))
    secretariat.locator("select[name=member_state]").select_option("FRA")
    secretariat.locator("input[name=name]").fill("Marie Curie")
    secretariat.locator("input[name=email]").fill("marie@diplomatie.example")
    secretariat.locator("select[name=role]").select_option(FocalPoint.Role.DRAFTER)
    secretariat.get_by_role("button", name="Send the invitation").click()
    expect(secretariat.get_by_role("main")).to_contain_text("An invitation was sent to marie@diplomatie.example.")
    [invitation] = mail.outbox
    assert invitation.to == ["marie@diplomatie.example"]

    first_visit = open_page()
    first_visit.goto(link_in(invitation, "/invitations/"))
    assert axe_violations(first_visit) == [], "invitation page"
    first_visit.locator("input[name=password1]").fill(PASSWORD)
    first_visit.locator("input[name=password2]").fill(PASSWORD)
    first_visit.get_by_role("button", name="Accept").click()
    expect(first_visit.get_by_role("main")).to_contain_text("Welcome. You now act for France.")
    expect(first_visit.get_by_role("banner")).to_contain_text("Marie Curie")

    first_visit.get_by_role("link", name="My consultations").click()
    first_visit.get_by_role("button", name=re.compile("^Start")).click()
    expect(first_visit.get_by_role("heading", level=1)).to_have_text("High-Level Dialogue consultation")
    first_visit.get_by_role("link", name="1. Priority area 1", exact=True).click()
    area_answer(first_visit, "1")
    save_draft(first_visit)
    first_visit.get_by_role("link", name=re.compile("^Next area")).click()
    area_answer(first_visit, "2")
    save_draft(first_visit)
    assert first_visit.console_errors == []
    first_visit.context.close()

    position = Position.objects.get(consultation=consultation, member_state=france)
    saved = Answer.objects.filter(response=position.response)
    assert set(saved.filter(choice__isnull=False).values_list("question__code", "choice__value")) == {
        (name, value) for answers in STATE_ANSWERS.values() for name, (_label, value) in answers.items()
    }

    second_visit = open_page()
    log_in(second_visit, "marie@diplomatie.example", PASSWORD)
    second_visit.get_by_role("link", name="My consultations").click()
    second_visit.get_by_role("link", name=re.compile("^Open")).click()
    for code in ("1", "2"):
        second_visit.get_by_role("link", name=f"{code}. Priority area {code}", exact=True).click()
        assert_area_shows_answers(second_visit, code)
        second_visit.get_by_role("link", name="Back to the start page").click()
        expect(second_visit.get_by_role("heading", name="Priority areas")).to_be_visible()

    second_visit.get_by_role("button", name="Send for review").click()
    expect(second_visit.get_by_role("main")).to_contain_text("The position was sent for review.")
    position.refresh_from_db()
    assert position.status == Position.Status.READY_FOR_REVIEW
    assert second_visit.console_errors == []
    assert secretariat.console_errors == []


@pytest.fixture
def position_in_review(consultation, france, drafter_france):
    """France's position, every required question answered, sent for review by a drafter."""
    position = position_for(consultation=consultation, member_state=france, actor=drafter_france)
    for required in position.response.survey.questions.filter(is_current=True, required=True):
        Answer.objects.create(response=position.response, question=required, choice=required.choices.last())
    Answer.objects.create(
        response=position.response,
        question=position.response.survey.questions.get(is_current=True, code="1.1-practices"),
        text=LONG_TEXT,
    )
    return position_send_for_review(position=position, actor=drafter_france)


def test_the_authorised_submitter_submits_on_behalf_and_downloads_the_receipt(
    page, focal_point_france, position_in_review
):
    log_in(page, "fp-france")
    page.get_by_role("link", name="My consultations").click()
    page.get_by_role("link", name=re.compile("^Open")).click()
    page.get_by_role("link", name="Submit", exact=True).click()

    page.get_by_role("button", name="Submit").click()
    assert axe_violations(page) == [], "submit page with its error"
    expect(page.get_by_role("alert")).to_contain_text(
        "Confirm that the position is submitted on behalf of the Government of France."
    )
    assert Position.objects.get(pk=position_in_review.pk).status == Position.Status.READY_FOR_REVIEW

    page.get_by_label("I confirm this position is submitted on behalf of the Government of France").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("main")).to_contain_text("Submitted. Your receipt number is")
    position = Position.objects.get(pk=position_in_review.pk)
    assert position.status == Position.Status.SUBMITTED
    expect(page.get_by_role("main")).to_contain_text(f"Submitted. Your receipt number is {position.receipt_number}.")

    page.get_by_role("link", name="View the receipt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Receipt")
    expect(page.locator(".receipt-facts")).to_contain_text(position.receipt_number)
    expect(page.locator(".receipt-facts")).to_contain_text("Submitted on behalf of the Government of France")
    expect(page.locator(".receipt-answers")).to_contain_text(LONG_TEXT)
    assert axe_violations(page) == [], "receipt page"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the receipt (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"receipt-{position.receipt_number}.pdf"
    with open(download.path(), "rb") as pdf:
        content = pdf.read()
    assert content.startswith(b"%PDF")
    assert len(content) > 5_000
    assert page.console_errors == []


def test_an_organisation_registers_in_french_is_accredited_and_answers(open_page, officer, consultation):
    applicant = open_page()
    applicant.goto(reverse("consult:organisation-register"))
    language_choose(applicant, "fr")
    assert applicant.url.endswith(reverse("consult:organisation-register"))
    assert axe_violations(applicant) == [], "registration page in French"
    applicant.locator("input[name=name]").fill("Association des Sénégalais de Lyon")
    applicant.locator("select[name=country]").select_option("FR")
    applicant.locator("select[name=type]").select_option(CivilSocietyOrganisation.Type.DIASPORA)
    applicant.locator("input[name=website]").fill("https://senegalais-lyon.example")
    applicant.locator("input[name=contact_name]").fill("Awa Diop")
    applicant.locator("input[name=email]").fill("awa@senegalais-lyon.example")
    applicant.locator("input[name=password1]").fill(PASSWORD)
    applicant.locator("input[name=password2]").fill(PASSWORD)
    main_form_button(applicant).click()
    applicant.wait_for_url(f"**{reverse('consult:organisation-register-done')}")
    organisation = CivilSocietyOrganisation.objects.get()
    assert (organisation.name, organisation.country.code, organisation.email_confirmed_at) == (
        "Association des Sénégalais de Lyon", "FR", None
    )

    [confirmation] = mail.outbox
    assert confirmation.to == ["awa@senegalais-lyon.example"]
    applicant.goto(link_in(confirmation, "/organisations/confirm/"))
    main_form_button(applicant).click()
    applicant.wait_for_url(f"**{reverse('login')}")
    organisation.refresh_from_db()
    assert organisation.email_confirmed_at is not None

    secretariat = open_page()
    log_in(secretariat, "officer")
    secretariat.get_by_role("link", name="Accreditation", exact=True).click()
    secretariat.get_by_role("button", name="Accredit Association des Sénégalais de Lyon").click()
    expect(secretariat.get_by_role("main")).to_contain_text("Association des Sénégalais de Lyon is accredited.")
    organisation.refresh_from_db()
    assert organisation.accreditation == CivilSocietyOrganisation.Accreditation.ACCREDITED

    log_in_any_language(applicant, "awa@senegalais-lyon.example", PASSWORD)
    expect(applicant.get_by_role("banner")).to_contain_text("Awa Diop")
    applicant.locator(f'header a[href="{reverse("consult:my-consultations")}"]').click()
    applicant.wait_for_url(f"**{reverse('consult:my-consultations')}")
    main_form_button(applicant).click()
    applicant.wait_for_url(re.compile(r"/positions/[0-9a-f-]+/$"))
    position = Position.objects.get(organisation=organisation)
    applicant.locator(f'a[href="{reverse("consult:position-section", args=[position.pk, "1"])}"]').first.click()
    for name, value in ORGANISATION_ANSWERS.items():
        click_label_of(applicant, name, value)
    by_id(applicant, "id_1.1-own_work").press_sequentially(ORGANISATION_TEXT)
    applicant.locator("button[name=action][value=save]").click()
    expect(applicant.locator(".alert-success")).to_be_visible()

    assert applicant.locator("html").get_attribute("lang") == "fr"
    answers = Answer.objects.filter(response=position.response)
    assert dict(answers.filter(choice__isnull=False).values_list("question__code", "choice__value")) == (
        ORGANISATION_ANSWERS
    )
    assert answers.get(question__code="1.1-own_work").text == ORGANISATION_TEXT
    applicant.reload()
    for name, value in ORGANISATION_ANSWERS.items():
        expect(choice(applicant, name, value)).to_be_checked()
    assert axe_violations(applicant) == [], "questionnaire page in French"
    assert applicant.console_errors == []
    assert secretariat.console_errors == []


def test_the_arabic_questionnaire_is_right_to_left_and_both_languages_pass_axe(
    page, consultation, france, focal_point_france
):
    position = position_for(consultation=consultation, member_state=france, actor=focal_point_france)
    section = reverse("consult:position-section", args=[position.pk, "1"])
    start = reverse("consult:position-start", args=[consultation.slug])
    log_in(page, "fp-france")
    page.goto(section)

    language_choose(page, "ar")
    assert page.url.endswith(section)
    assert page.locator("html").get_attribute("dir") == "rtl"
    stylesheets = page.locator("link[rel=stylesheet]").evaluate_all("links => links.map(link => link.href)")
    assert any(href.endswith("bootstrap.rtl.min.css") for href in stylesheets)
    assert not any(href.endswith("bootstrap.min.css") for href in stylesheets)
    # Bootstrap's RTL sheet is applied: the body's text starts on the right.
    assert page.locator("body").evaluate("body => getComputedStyle(body).direction") == "rtl"

    for language in ("ar", "en"):
        if language == "en":
            language_choose(page, "en")
            assert page.locator("html").get_attribute("dir") == "ltr"
        page.goto(section)
        assert axe_violations(page) == [], f"questionnaire page in {language}"
        page.goto(start)
        assert page.url.endswith(reverse("consult:position-detail", args=[position.pk]))
        assert axe_violations(page) == [], f"position start page in {language}"
        page.goto(reverse("consult:my-consultations"))
        assert axe_violations(page) == [], f"my consultations in {language}"
    assert page.console_errors == []
