"""The demo builds the real consultation and can be run again without duplicating anything."""

import io

from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.core.management import call_command

from django.utils import translation
from pypdf import PdfReader

from consult.models import Consultation, FocalPoint, Position, PositionPaper, PriorityArea, Recommendation
from consult.selectors.summaries import regional_summary
from consult.services.demo import DEMO_SLUG, demo_setup
from consult.services.reports.pdf import render_pdf
from surveys.models import Answer, Question


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (PriorityArea, Recommendation, Question, PositionPaper, FocalPoint, Position, Answer)
    }


def test_demo_imports_the_real_paper_and_generates_questions(db):
    result = demo_setup()

    assert result.consultation.slug == DEMO_SLUG
    assert result.consultation.areas.count() == 6
    assert Recommendation.objects.filter(area__consultation=result.consultation).count() == 30
    assert Question.objects.filter(survey__questionnaire__consultation=result.consultation).count() > 30


def test_demo_accounts_log_in_with_the_printed_passwords(db):
    result = demo_setup()

    roles = {account.username for account in result.accounts}
    assert {"secretariat", "focal.france", "focal.senegal", "cso.rep", "coordinator.africa"} <= roles
    for account in result.accounts:
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=account.username, password=account.password) is not None


def test_running_the_demo_twice_duplicates_nothing(db, capsys):
    call_command("demo_setup")
    first = row_counts()
    call_command("demo_setup")

    assert row_counts() == first
    assert "focal.france" in capsys.readouterr().out


def test_demo_has_responses_from_states_and_organisations_but_leaves_france_to_its_focal_points(db):
    result = demo_setup()

    positions = Position.objects.filter(consultation=result.consultation)
    assert positions.filter(audience="member_state").count() == 40
    assert positions.filter(audience="civil_society").count() == 60
    assert positions.filter(status="submitted").exclude(receipt_number=None).count() == positions.filter(
        status="submitted"
    ).count()
    assert not positions.filter(member_state__iso3__in=["FRA", "SEN"]).exists()
    submitted = positions.filter(status="submitted", audience="member_state").first()
    required = submitted.response.survey.questions.filter(is_current=True, required=True).count()
    answered = submitted.response.answers.values("question").distinct().count()
    assert answered >= required


# Measured on the demo (40 states, 60 organisations): 21 pages in French, Arabic and Chinese, the
# annex from page 20 (72 pages before the summaries were redesigned). Issue 12: a body of 20 pages at most.
WORLD_PDF_PAGES = 22
WORLD_PDF_BODY_PAGES = 20


def test_the_demo_world_summary_pdf_stays_short(db):
    demo_setup()
    consultation = Consultation.objects.get(slug=DEMO_SLUG)
    with translation.override("fr"):
        summary = regional_summary(consultation)
    pages = PdfReader(io.BytesIO(render_pdf(summary, language="fr"))).pages
    texts = [page.extract_text() for page in pages]

    annex = next(number for number, text in enumerate(texts, 1) if text.lstrip().startswith("Annexe"))
    assert len(pages) <= WORLD_PDF_PAGES
    assert annex - 1 <= WORLD_PDF_BODY_PAGES
    assert texts[0].find("Messages clés") < texts[0].find("Classement par consensus")
