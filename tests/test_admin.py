"""The admin the secretariat works in: every page opens, lists stay cheap, read-only stays read-only."""

import hashlib

import pytest
from django.utils import timezone
from django.contrib import admin
from django.urls import reverse

from consult.models import (
    AuditEvent,
    CivilSocietyRepresentative,
    DeadlineExtension,
    Invitation,
    Position,
    PositionEvent,
    FocalPoint,
    MemberState,
    PositionPaper,
    Questionnaire,
    RegionalCoordinator,
)
from consult.services.audit import audit_record
from consult.services.stakeholders import member_states_load
from surveys.models import Answer, Response

from .factories import (
    make_grouping,
    make_member_state,
    make_organisation,
    make_paper_consultation,
    make_question,
    make_survey,
    make_user,
)

ADMIN_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in {"consult", "surveys"}),
    key=lambda model: model._meta.label,
)
READ_ONLY_MODELS = {
    PositionPaper, Response, Answer, Position, PositionEvent, DeadlineExtension, Invitation, AuditEvent,
}
PAPER_CONTENT = b"%PDF-1.4 the uploaded bytes themselves"


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def one_of_each(officer):
    """Create at least one row of every model the admin shows."""
    consultation = make_paper_consultation(areas=2, recommendations=2)
    france = make_member_state("FRA")
    grouping = make_grouping("colombo-process", name="Colombo Process", kind="rcp")
    grouping.members.add(france)
    FocalPoint.objects.create(user=make_user("fp", password=None), member_state=france)
    CivilSocietyRepresentative.objects.create(user=make_user("rep", password=None), organisation=make_organisation())
    RegionalCoordinator.objects.create(user=make_user("coord", password=None), grouping=grouping)
    question = make_question(survey=make_survey(title="Member states"), code="1.1-priority")
    Questionnaire.objects.create(consultation=consultation, audience="member_state", survey=question.survey)
    response = Response.objects.create(survey=question.survey, status=Response.Status.SUBMITTED)
    Answer.objects.create(response=response, question=question, choice=question.choices.first())
    PositionPaper.objects.create(
        consultation=consultation,
        filename="paper.pdf",
        content=PAPER_CONTENT,
        sha256=hashlib.sha256(PAPER_CONTENT).hexdigest(),
        uploaded_by=officer,
    )
    position = Position.objects.create(
        consultation=consultation, audience="member_state", member_state=france, response=response
    )
    PositionEvent.objects.create(position=position, actor=officer, action=PositionEvent.Action.SUBMITTED)
    DeadlineExtension.objects.create(
        consultation=consultation, member_state=france, closes_at=timezone.now(), reason="Elections", granted_by=officer
    )
    Invitation.objects.create(
        consultation=consultation, member_state=france, email="fp@example.org", name="F. P.", token_hash="0" * 64, expires_at=timezone.now()
    )
    audit_record(action=AuditEvent.Action.SUBMITTED, actor=officer, consultation=consultation, obj=position)
    return question


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model._meta.label)
def test_officer_opens_every_changelist_and_change_page(client, officer, one_of_each, model):
    client.force_login(officer)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    obj = model.objects.first()
    assert obj is not None, f"one_of_each makes no {model._meta.label}"
    assert client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model._meta.label)
def test_officer_opens_every_add_page_except_read_only_ones(client, officer, model):
    client.force_login(officer)
    expected = 403 if model in READ_ONLY_MODELS else 200
    assert client.get(admin_url(model, "add")).status_code == expected


def test_admin_index_lists_both_apps(client, officer):
    client.force_login(officer)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:app_list", args=["consult"]) in page
    assert reverse("admin:app_list", args=["surveys"]) in page


def test_member_state_search_finds_by_name_and_iso3(client, officer):
    member_states_load()
    client.force_login(officer)
    url = admin_url(MemberState, "changelist")
    by_name = client.get(url, {"q": "senegal"})
    assert by_name.context["cl"].result_count == 1
    assert "SEN" in by_name.content.decode()
    by_code = client.get(url, {"q": "JPN"})
    assert [state.iso3 for state in by_code.context["cl"].result_list] == ["JPN"]


def test_member_state_changelist_queries_do_not_grow_with_states(client, officer, django_assert_max_num_queries):
    member_states_load()
    client.force_login(officer)
    with django_assert_max_num_queries(20):
        response = client.get(admin_url(MemberState, "changelist"), {"all": ""})
    assert response.context["cl"].result_count == 193


def test_member_state_autocomplete_answers_the_officer(client, officer):
    member_states_load()
    client.force_login(officer)
    params = {"app_label": "consult", "model_name": "focalpoint", "field_name": "member_state", "term": "sene"}
    response = client.get(reverse("admin:autocomplete"), params)
    assert [result["text"] for result in response.json()["results"]] == ["Senegal"]


def test_position_paper_shows_size_and_sha256_never_the_content(client, officer, one_of_each):
    client.force_login(officer)
    paper = PositionPaper.objects.get()
    for url in (admin_url(PositionPaper, "changelist"), admin_url(PositionPaper, "change", paper.pk)):
        page = client.get(url).content
        assert PAPER_CONTENT not in page
        assert f"{len(PAPER_CONTENT)}\xa0bytes".encode() in page
    assert paper.sha256.encode() in page
    assert client.post(admin_url(PositionPaper, "change", paper.pk), {"filename": "x"}).status_code == 403


def test_answered_question_cannot_be_changed(client, officer, one_of_each):
    client.force_login(officer)
    url = admin_url(one_of_each.__class__, "change", one_of_each.pk)
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": "Rewritten"}).status_code == 403
    one_of_each.refresh_from_db()
    assert one_of_each.text == "What do you think?"


def test_non_staff_user_is_sent_to_the_admin_login(client, outsider):
    client.force_login(outsider)
    url = admin_url(MemberState, "changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('admin:login')}?next={url}"


def test_officer_finds_a_person_to_make_a_focal_point(client, officer):
    make_user("amadou.diallo", first_name="Amadou")
    client.force_login(officer)

    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "amadou", "app_label": "consult", "model_name": "focalpoint", "field_name": "user"},
    )

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["amadou.diallo"]
