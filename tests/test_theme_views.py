"""The theme review pages: the secretariat reviews, a coordinator reads their region, every act audited."""

import io
import json

import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import escape

from consult.models import AnalysedAnswer, AuditEvent, QuestionReview, Source, Theme, ThemeMembership

from .theme_cases import CODE, analyse, answer_many, members

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(consultation):
    answer_many(consultation, 24)
    answer_many(consultation, 6, start=50, country="FR")
    analyse(consultation)
    return consultation


def url(name, consultation, *args):
    return reverse(f"consult:{name}", args=[consultation.slug, *(getattr(arg, "public_id", arg) for arg in args)])


def logged_in(client, user):
    client.force_login(user)
    return client


def actions(consultation):
    return list(AuditEvent.objects.filter(consultation=consultation).values_list("action", flat=True))


def test_the_question_page_shows_themes_progress_and_actions(client, officer, analysed):
    page = logged_in(client, officer).get(url("theme-question", analysed, CODE)).content.decode()
    assert "0 of 30 answers reviewed" in page
    assert all(escape(theme.label) in page for theme in Theme.objects.filter(status="proposed"))
    assert "Accept" in page and "Mark the review done" in page


def test_accept_rename_discard_and_done_are_recorded(client, officer, analysed):
    client = logged_in(client, officer)
    first, second = Theme.objects.all()[:2]
    client.post(url("theme-accept", analysed, CODE, first))
    client.post(url("theme-edit", analysed, CODE, second), {"label": "Données", "description": "Sur les données."})
    third = Theme.objects.exclude(pk__in=[first.pk, second.pk]).first()
    client.post(url("theme-discard", analysed, CODE, third))
    client.post(url("theme-review-done", analysed, CODE))
    assert Theme.objects.get(pk=first.pk).status == Theme.Status.ACCEPTED
    second.refresh_from_db()
    assert (second.label, second.description, second.status) == ("Données", "Sur les données.", "accepted")
    assert Theme.objects.get(pk=third.pk).status == Theme.Status.DISCARDED
    assert QuestionReview.objects.get(question_code=CODE).done_by == officer
    assert actions(analysed)[:4] == ["theme_review_done", "theme_discarded", "theme_edited", "theme_accepted"]
    edited = AuditEvent.objects.get(action="theme_edited")
    assert edited.details["after"]["label"] == "Données" and edited.actor == officer


def test_merge_moves_the_answers_and_marks_the_others(client, officer, analysed):
    target, other = Theme.objects.all()[:2]
    expected = members(target) | members(other)
    logged_in(client, officer).post(url("theme-merge", analysed, CODE, target), {"themes": [other.pk]})
    assert members(target) == expected
    other.refresh_from_db()
    assert (other.status, other.merged_into) == (Theme.Status.MERGED, target)
    assert "themes_merged" in actions(analysed)


def test_split_by_choosing_answers(client, officer, analysed):
    theme = Theme.objects.first()
    chosen = list(theme.memberships.filter(is_member=True).values_list("answer_id", flat=True)[:2])
    response = logged_in(client, officer).post(url("theme-answers-choose", analysed, CODE, theme),
                                              {"answers": chosen, "action": "split", "label": "Nouveau thème"})
    new = Theme.objects.get(label="Nouveau thème")
    assert response.url == url("theme-detail", analysed, CODE, new)
    assert set(new.memberships.filter(is_member=True).values_list("answer_id", flat=True)) == set(chosen)
    assert not theme.memberships.filter(answer_id__in=chosen, is_member=True).exists()
    assert (new.status, new.source) == (Theme.Status.ACCEPTED, Source.HUMAN)


def test_split_needs_a_name_and_answers(client, officer, analysed):
    theme = Theme.objects.first()
    client = logged_in(client, officer)
    client.post(url("theme-answers-choose", analysed, CODE, theme), {"action": "split", "label": "Sans réponses"})
    answer = theme.memberships.first().answer_id
    client.post(url("theme-answers-choose", analysed, CODE, theme), {"answers": [answer], "action": "split"})
    assert Theme.objects.count() == Theme.objects.filter(source=Source.MACHINE).count()


def test_move_an_answer_in_and_out_and_flag_it(client, officer, analysed):
    client = logged_in(client, officer)
    theme = Theme.objects.first()
    outside = AnalysedAnswer.objects.exclude(memberships__theme=theme).first()
    client.post(url("theme-answer-move", analysed, CODE), {"answer": outside.pk, "theme": theme.pk, "into": "on"})
    assert ThemeMembership.objects.get(theme=theme, answer=outside).source == Source.HUMAN
    client.post(url("theme-answer-move", analysed, CODE), {"answer": outside.pk, "theme": theme.pk})
    assert not ThemeMembership.objects.get(theme=theme, answer=outside).is_member
    client.post(url("theme-answer-flag", analysed, CODE), {"answer": outside.pk, "notable_practice": "on"})
    outside.refresh_from_db()
    assert outside.notable_practice and not outside.evidence_rich and outside.reviewed_by == officer
    assert actions(analysed)[:3] == ["answer_flagged", "theme_answer_moved", "theme_answer_moved"]


def test_answers_marked_reviewed_show_in_the_progress(client, officer, analysed):
    client = logged_in(client, officer)
    page = client.get(url("theme-answers", analysed, CODE) + "?show=unreviewed")
    ids = [answer.pk for answer in page.context["page"].object_list]
    client.post(url("theme-answers-reviewed", analysed, CODE), {"answers": ids})
    assert f"{len(ids)} of 30 answers reviewed" in client.get(url("theme-question", analysed, CODE)).content.decode()
    remaining = client.get(url("theme-answers", analysed, CODE) + "?show=unreviewed").context["page"].paginator.count
    assert remaining == 30 - len(ids)


def test_exports_json_and_xlsx(client, officer, analysed):
    client = logged_in(client, officer)
    document = json.loads(client.get(url("themes-export-json", analysed)).content)
    question = next(question for question in document["questions"] if question["code"] == CODE)
    assert len(question["themes"]) == Theme.objects.count()
    response = client.get(url("themes-export-xlsx", analysed))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["themes", "assignments"]
    assert actions(analysed).count("themes_exported") == 2


def test_a_coordinator_reads_their_region_only(client, coordinator_africa, analysed):
    client = logged_in(client, coordinator_africa)
    page = client.get(url("theme-question", analysed, CODE)).content.decode()
    assert "0 of 24 answers reviewed" in page  # the six French organisations are not theirs
    assert "Accept" not in page and "Mark the review done" not in page
    theme = Theme.objects.first()
    assert client.post(url("theme-accept", analysed, CODE, theme)).status_code == 403
    answers = client.get(url("theme-answers", analysed, CODE)).context["page"]
    assert answers.paginator.count == 24


@pytest.mark.parametrize("name", ["theme-overview", "theme-question", "theme-answers"])
def test_others_may_not_see_the_themes(client, outsider, civil_society_rep, analysed, name):
    args = [] if name == "theme-overview" else [CODE]
    assert client.get(url(name, analysed, *args)).status_code == 302  # to log in
    assert logged_in(client, outsider).get(url(name, analysed, *args)).status_code == 403
    assert logged_in(client, civil_society_rep).get(url(name, analysed, *args)).status_code == 403


def test_an_unknown_question_is_not_found(client, officer, analysed):
    assert logged_in(client, officer).get(url("theme-question", analysed, "1.1-importance")).status_code == 404


def test_theme_label_is_escaped(client, officer, analysed):
    Theme.objects.filter(pk=Theme.objects.first().pk).update(label="<script>alert(1)</script>")
    page = logged_in(client, officer).get(url("theme-question", analysed, CODE)).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
