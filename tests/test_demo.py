"""The demo builds the real consultation and can be run again without duplicating anything."""

from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.core.management import call_command

from consult.models import FocalPoint, PositionPaper, PriorityArea, Recommendation
from consult.services.demo import DEMO_SLUG, demo_setup
from surveys.models import Question


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (PriorityArea, Recommendation, Question, PositionPaper, FocalPoint)
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
