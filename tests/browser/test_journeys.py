"""Journeys a diplomat, an organisation and a secretariat officer finish without help.

Driven only by what a person reads: roles, labels, headings and link texts, in the page's
language (English, French or Arabic; `Words` gives the interface's words in each, and fails on
one not translated). E-mails are read from the outbox: the live server runs in this process.
"""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils.text import capfirst
from playwright.sync_api import expect

from consult.models import CivilSocietyOrganisation, MemberState, Position
from consult.services.stakeholders import member_states_load
from surveys.models import Answer, Question

from ..factories import make_member_state, make_open_consultation
from .conftest import Words, log_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long unusual passphrase 42"
PRACTICE = "A joint committee of ministries and diaspora associations meets every quarter."
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# The choice a person picks, by the question's template (its code's ending): a value of its choices.
STATE_CHOICES = {"overall": "support", "priority": "4", "implementation": "in_progress", "support": "support"}
ORGANISATION_CHOICES = {"overall": "support_with_reservations", "importance": "5", "effectiveness": "partly_effective"}
EN, FR, AR = Words("en"), Words("fr"), Words("ar")


@pytest.fixture(autouse=True)
def empty_cache():
    # Registration limits and login throttling count in Redis across runs.
    cache.clear()


@pytest.fixture
def open_page(browser, live_server):
    """Open a page in a fresh browser context: another person, in the language their browser asks for."""
    contexts = []

    def opened(locale="en-GB"):
        context = browser.new_context(base_url=live_server.url, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield opened
    for context in contexts:
        context.close()


def link_in(message, path):
    return re.search(rf"https?://[^\s/]+({re.escape(path)}[^\s]+/)", message.body).group(1)


def language_choose(page, words, language_name, chosen):
    """Change the language with the header's switcher, by its label and the language's own name."""
    page.get_by_label(words("Language")).select_option(label=language_name)
    page.get_by_role("button", name=words("Change")).click()
    expect(page.locator("html")).to_have_attribute("lang", chosen)


def log_in_as(page, words, username, password):
    page.get_by_role("link", name=words("Log in")).click()
    # Django's login form names the field after the user model's "username", made a capital.
    page.get_by_label(capfirst(words("username"))).fill(username)
    words.field(page, "Password").fill(password)
    page.get_by_role("main").get_by_role("button", name=words("Log in")).click()
    expect(page.get_by_role("button", name=words("Log out"))).to_be_visible()


def area_answer(page, words, position, area, choices, texts=()):
    """Answer an area page: in each recommendation's card, pick each question's choice by its label."""
    questions = Question.objects.filter(
        survey=position.response.survey, is_current=True, section__code=area
    ).prefetch_related("choices")
    for question in questions:
        key = question.code.rsplit("-", 1)[1]
        card = page.get_by_role("region", name=card_heading(words, question))
        if key in choices:
            label = next(choice.label for choice in question.choices.all() if choice.value == choices[key])
            card.get_by_role("group", name=question.prompt).get_by_label(label, exact=True).check()
        elif key in texts:
            card.get_by_label(question.prompt).fill(texts[key])


def card_heading(words, question):
    code = question.code.rsplit("-", 1)[0]
    if "." in code:
        return words("Recommendation %(code)s", code=code)
    return words("Ranking of the recommendations") if question.code.endswith("ranking") else words(
        "Headline recommendation"
    )


def copied_text(page, text):
    """Click the text (the reference selects itself whole) and copy it; return the selection and the clipboard."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_text(text, exact=True).click()
    selection = page.evaluate("() => window.getSelection().toString()")
    page.keyboard.press("Control+C")
    return selection, page.evaluate("() => navigator.clipboard.readText()")


def test_a_focal_point_invited_in_english_answers_in_arabic_and_gets_a_receipt(open_page, officer, consultation):
    make_member_state("FRA")
    secretariat = open_page()
    log_in(secretariat, "officer")
    secretariat.get_by_role("link", name="Invitations", exact=True).click()
    secretariat.get_by_role("link", name="Invite a focal point").click()
    EN.field(secretariat, "Member state").select_option(label="France")
    EN.field(secretariat, "Name").fill("Marie Curie")
    EN.field(secretariat, "E-mail address").fill("marie@diplomatie.example")
    EN.field(secretariat, "Role").select_option(label="Authorised submitter")
    secretariat.get_by_role("button", name="Send the invitation").click()
    expect(secretariat.get_by_role("main")).to_contain_text("An invitation was sent to marie@diplomatie.example.")
    [invitation] = mail.outbox

    diplomat = open_page(locale="ar")
    diplomat.goto(link_in(invitation, "/invitations/"))
    expect(diplomat.locator("html")).to_have_attribute("dir", "rtl")
    expect(diplomat.get_by_role("heading", level=1)).to_have_text(AR("Accept the invitation"))
    AR.field(diplomat, "Password").fill(PASSWORD)
    AR.field(diplomat, "Password again").fill(PASSWORD)
    diplomat.get_by_role("button", name=AR("Accept")).click()
    france = MemberState.objects.get(iso3="FRA")
    expect(diplomat.get_by_role("main")).to_contain_text(
        AR("Welcome. You now act for %(state)s.", state=france.name_in("ar"))
    )

    diplomat.get_by_role("link", name=AR("My consultations")).click()
    diplomat.get_by_role("button", name=re.compile(f"^{AR('Start')}")).click()
    position = Position.objects.get(member_state=france)
    diplomat.get_by_role("link", name="1. Priority area 1", exact=True).click()
    area_answer(diplomat, AR, position, "1", STATE_CHOICES, {"practices": PRACTICE})
    diplomat.get_by_role("button", name=AR("Save and go to the next area")).click()
    expect(diplomat.get_by_role("heading", level=1)).to_have_text("2. Priority area 2")
    area_answer(diplomat, AR, position, "2", STATE_CHOICES)
    diplomat.get_by_role("button", name=AR("Save and go back to the start page")).click()

    expect(diplomat.get_by_role("main")).to_contain_text(AR.plural(
        "%(answered)s of %(count)s required answer given.", "%(answered)s of %(count)s required answers given.", 14,
        answered=14, count=14,
    ))
    diplomat.get_by_role("link", name=AR("Check the answers")).click()
    expect(diplomat.get_by_role("region", name="1. Priority area 1")).to_contain_text(PRACTICE)
    diplomat.get_by_role("link", name=AR("Back to the start page")).click()
    diplomat.get_by_role("button", name=AR("Send for review")).click()
    expect(diplomat.get_by_role("main")).to_contain_text(AR("The position was sent for review."))

    diplomat.get_by_role("link", name=AR("Submit"), exact=True).click()
    submission = diplomat.get_by_role("region", name=AR("Submit the official position"))
    confirmation = AR("I confirm this position is submitted on behalf of the Government %(of_state)s",
                      of_state=france.of_name("ar"))
    submission.get_by_label(confirmation).check()
    submission.get_by_role("button", name=AR("Submit")).click()
    position.refresh_from_db()
    assert position.status == Position.Status.SUBMITTED
    expect(diplomat.get_by_role("main")).to_contain_text(
        AR("Submitted. Your receipt number is %(receipt)s.", receipt=position.receipt_number)
    )

    diplomat.get_by_role("link", name=AR("View the receipt")).click()
    expect(diplomat.get_by_role("heading", level=1)).to_have_text(AR("Receipt"))
    expect(diplomat.get_by_role("main")).to_contain_text("Marie Curie (marie@diplomatie.example)")
    selection, clipboard = copied_text(diplomat, position.receipt_number)
    assert not BIDI_CONTROLS.search(selection + clipboard), f"bidi controls copied: {selection!r}, {clipboard!r}"
    assert selection == clipboard == position.receipt_number
    answers = Answer.objects.filter(response=position.response)
    assert answers.get(question__code="1.1-practices").text == PRACTICE
    chosen = answers.filter(choice__isnull=False).values_list("question__code", "choice__value")
    assert len(chosen) == 14
    assert {(code.rsplit("-", 1)[1], value) for code, value in chosen} == set(STATE_CHOICES.items())


def test_a_french_organisation_registers_is_accredited_and_answers(open_page, officer):
    make_member_state("FRA")
    consultation = make_open_consultation(slug="dhn", title="Dialogue de haut niveau", language="fr")
    applicant = open_page()
    applicant.goto("/")
    language_choose(applicant, EN, "français", "fr")
    applicant.get_by_role("link", name=FR("Register an organisation")).click()
    FR.field(applicant, "Name of the organisation").fill("Association des Sénégalais de Lyon")
    FR.field(applicant, "Country").select_option(label="France")
    FR.field(applicant, "Type of organisation").select_option(label=FR("Diaspora organisation"))
    FR.field(applicant, "Website").fill("https://senegalais-lyon.example")
    FR.field(applicant, "Contact person").fill("Awa Diop")
    FR.field(applicant, "Contact's e-mail address").fill("awa@senegalais-lyon.example")
    FR.field(applicant, "Password").fill(PASSWORD)
    FR.field(applicant, "Password again").fill(PASSWORD)
    applicant.get_by_role("button", name=FR("Register")).click()
    [confirmation] = mail.outbox
    applicant.goto(link_in(confirmation, "/organisations/confirm/"))
    applicant.get_by_role("button", name=FR("Confirm my address")).click()
    expect(applicant.get_by_role("main")).to_contain_text(
        FR("Thank you: your e-mail address is confirmed. You can now log in.")
    )

    secretariat = open_page()
    log_in(secretariat, "officer")
    secretariat.get_by_role("link", name="Accreditation", exact=True).click()
    secretariat.get_by_role("button", name="Accredit Association des Sénégalais de Lyon").click()
    expect(secretariat.get_by_role("main")).to_contain_text("Association des Sénégalais de Lyon is accredited.")

    log_in_as(applicant, FR, "awa@senegalais-lyon.example", PASSWORD)
    expect(applicant.get_by_role("banner")).to_contain_text("Awa Diop")
    applicant.get_by_role("link", name=FR("My consultations")).click()
    applicant.get_by_role("button", name=re.compile(f"^{FR('Start')}")).click()
    organisation = CivilSocietyOrganisation.objects.get(name="Association des Sénégalais de Lyon")
    position = Position.objects.get(consultation=consultation, organisation=organisation)
    area = position.response.survey.sections.get(code="1")
    applicant.get_by_role("link", name=f"1. {area.title}", exact=True).click()
    area_answer(applicant, FR, position, "1", ORGANISATION_CHOICES, {"own_work": PRACTICE})
    applicant.get_by_role("button", name=FR("Save draft")).click()
    saved_at = FR("Saved at %(time)s.").split("%(time)s")[0]
    expect(applicant.get_by_role("main").get_by_role("status").first).to_contain_text(saved_at)

    assert applicant.locator("html").get_attribute("lang") == "fr"
    saved = Answer.objects.filter(response=position.response)
    assert {code.rsplit("-", 1)[1] for code in saved.values_list("question__code", flat=True)} == {
        *ORGANISATION_CHOICES, "own_work"
    }
    assert saved.get(question__code="1.1-own_work").text == PRACTICE


def test_the_secretariat_opens_a_states_position_from_coverage_and_reopens_it(open_page, world):
    secretariat = open_page()
    log_in(secretariat, "officer")
    secretariat.get_by_role("link", name="High-Level Dialogue consultation").first.click()
    secretariat.get_by_role("link", name="Coverage", exact=True).first.click()
    expect(secretariat.get_by_role("heading", level=1)).to_have_text("Who has answered")
    secretariat.get_by_role("link", name="All positions and responses, filtered and sorted").click()

    secretariat.get_by_label("Status").select_option(label="Submitted")
    secretariat.get_by_label("Respondents").select_option(label="Member states")
    secretariat.get_by_role("button", name="Show").click()
    positions = secretariat.get_by_role("table")
    expect(positions.get_by_role("link", name="Mexico", exact=True)).to_be_visible()
    expect(positions.get_by_role("link", name="France", exact=True)).to_have_count(0)
    positions.get_by_role("link", name="History: Mexico", exact=True).click()
    expect(secretariat.get_by_role("main")).to_contain_text(world.mexico.receipt_number)
    secretariat.go_back()
    positions.get_by_role("link", name="Mexico", exact=True).click()

    expect(secretariat.get_by_role("main")).to_contain_text("Position of the Government of Mexico")
    secretariat.get_by_role("link", name="View the receipt").click()
    expect(secretariat.get_by_role("main")).to_contain_text("Submitted on behalf of the Government of Mexico")
    secretariat.get_by_role("link", name="Back to the position").click()
    secretariat.get_by_role("link", name="Reopen").click()
    secretariat.get_by_label("Reason for reopening").fill("The ministry of labour asked to correct area 2.")
    secretariat.get_by_role("button", name="Reopen").click()

    expect(secretariat.get_by_role("main")).to_contain_text("Reopened")
    world.mexico.refresh_from_db()
    assert world.mexico.status == Position.Status.REOPENED
    expect(secretariat.get_by_role("main")).to_contain_text("The ministry of labour asked to correct area 2.")


@pytest.mark.parametrize(
    ("words", "language_name", "language", "names"),
    [
        (EN, "English", "en", ["Republic of Korea", "Türkiye", "Democratic Republic of the Congo"]),
        (FR, "français", "fr", ["République de Corée", "Fédération de Russie", "Türkiye"]),
        (AR, "العربيّة", "ar", ["جمهورية كوريا", "فرنسا"]),
    ],
    ids=["en", "fr", "ar"],
)
def test_the_invitation_form_lists_the_193_states_by_their_un_names_in_the_pages_language(
    open_page, officer, consultation, words, language_name, language, names
):
    member_states_load()
    secretariat = open_page()
    log_in(secretariat, "officer")
    secretariat.get_by_role("link", name="Invitations", exact=True).click()
    language_choose(secretariat, EN, language_name, language)
    secretariat.get_by_role("link", name=words("Invite a focal point")).click()

    states = words.field(secretariat, "Member state")
    options = [name.strip() for name in states.get_by_role("option").all_text_contents()][1:]
    assert len(options) == 193
    assert set(names) <= set(options)
    assert "South Korea" not in options and "Corée du Sud" not in options
    expected = [state.name_in(language) for state in MemberState.objects.in_name_order(language)]
    assert options == expected
    states.select_option(label=names[0])
    words.field(secretariat, "Name").fill("Kim Min-ji")
    words.field(secretariat, "E-mail address").fill("kim@mofa.example")
    secretariat.get_by_role("button", name=words("Send the invitation")).click()
    [invitation] = mail.outbox
    assert invitation.to == ["kim@mofa.example"]
    assert MemberState.objects.get(iso3="KOR").invitations.get().email == "kim@mofa.example"
