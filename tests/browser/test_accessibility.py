"""axe-core finds no violation, of any impact, on any page a respondent or the secretariat uses.

Each page is opened by the person who uses it, in English at 1280 px and in Arabic (right to
left) at 375 px, on a consultation under way (tests/browser/pages.py).
"""

import pytest
from django.urls import reverse

from .conftest import axe_violations, opened_as
from .pages import themes_proposed, world_summary_built

pytestmark = pytest.mark.django_db(transaction=True)


def consultation_url(name, **kwargs):
    return lambda world: reverse(f"consult:{name}", kwargs={"slug": world.consultation.slug, **kwargs})


def position_url(name, position, suffix=""):
    return lambda world: reverse(f"consult:{name}", args=[getattr(world, position).pk]) + suffix


def area_url(position, suffix=""):
    return lambda world: reverse("consult:position-section", args=[getattr(world, position).pk, "1"]) + suffix


def theme_question_url(world):
    return reverse("consult:theme-question", args=[world.consultation.slug, "1.1-own_work"])


def fixed(path):
    return lambda world: path


# Page -> (who opens it: a username or None for a visitor, its address, what it needs built first).
PAGES = {
    "login": (None, fixed("/accounts/login/"), ()),
    "home": ("officer", fixed("/"), ()),
    "consultation": ("officer", consultation_url("consultation-detail"), ()),
    "my consultations": ("fp-senegal", fixed("/my/"), ()),
    "position start": ("fp-senegal", position_url("position-detail", "senegal"), ()),
    "questionnaire": ("fp-senegal", area_url("senegal"), ()),
    "questionnaire with what is missing": ("fp-senegal", area_url("senegal", "?check=1"), ()),
    "send for review incomplete": ("fp-senegal", position_url("position-send-for-review", "senegal"), ()),
    "work offline": ("fp-senegal", position_url("position-offline-upload", "senegal"), ()),
    "check answers": ("fp-france", position_url("position-answers", "france"), ()),
    "submit": ("fp-france", position_url("position-submit", "france"), ()),
    "send back": ("fp-france", position_url("position-send-back", "france"), ()),
    "receipt": ("fp-mexico", position_url("position-receipt", "mexico"), ()),
    "history": ("fp-mexico", position_url("position-history", "mexico"), ()),
    "positions list": ("officer", consultation_url("position-list"), ()),
    "position detail (secretariat)": ("officer", position_url("position-detail", "mexico"), ()),
    "reopen": ("officer", position_url("position-reopen", "mexico"), ()),
    "coverage": ("officer", consultation_url("coverage"), ()),
    "extend the deadline": ("officer", consultation_url("deadline-extend"), ()),
    "dashboard": ("officer", consultation_url("dashboard"), ()),
    "audit": ("officer", fixed("/audit/"), ()),
    "background failures": ("officer", fixed("/failures/"), ()),
    "new consultation": ("officer", fixed("/consultations/new/"), ()),
    "import position paper": ("officer", consultation_url("paper-upload"), ()),
    "import responses": ("officer", consultation_url("response-import"), ()),
    "reports": ("officer", consultation_url("report-list"), ("summary",)),
    "world summary": ("officer", consultation_url("summary"), ()),
    "regional summary": ("officer", consultation_url("summary", grouping_code="m49-002"), ()),
    "public page": (None, consultation_url("public-consultation"), ("summary",)),
    "themes": ("officer", consultation_url("theme-overview"), ("themes",)),
    "themes of a question": ("officer", theme_question_url, ("themes",)),
    "invitations": ("officer", consultation_url("invitation-list"), ()),
    "invite a focal point": ("officer", consultation_url("invitation-create"), ()),
    "invite from a CSV file": ("officer", consultation_url("invitation-import"), ()),
    "invitation link": (None, lambda world: world.invitation_link, ()),
    "accreditation queue": ("officer", fixed("/accreditation/"), ()),
    "organisation registration": (None, fixed("/organisations/register/"), ()),
    "API tokens": ("fp-france", fixed("/account/api-tokens/"), ()),
    "page not found": ("officer", fixed("/consultations/no-such-consultation/"), ()),
}


# English on a wide screen, Arabic on a phone: a table that scrolls sideways is checked too.
@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("ar", 375)], ids=["en-1280", "ar-375"])
@pytest.mark.parametrize("name", list(PAGES))
def test_the_page_has_no_accessibility_violation(browser, live_server, world, officer, name, language, width):
    username, url, needs = PAGES[name]
    if "themes" in needs:
        themes_proposed(world.consultation)
    if "summary" in needs:
        world_summary_built(world.consultation, officer)
    page = opened_as(browser, live_server, username, language=language, width=width)
    response = page.goto(url(world))

    assert response.status < 400 or name == "page not found", f"{name}: HTTP {response.status}"
    assert page.locator("html").get_attribute("lang") == language
    violations = axe_violations(page, impacts=("minor", "moderate", "serious", "critical"))
    assert violations == [], f"{name} in {language}: {violations}"
    page.context.close()
