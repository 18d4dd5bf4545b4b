"""The workflow of a position: review, send back, submission with a receipt, reopening."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from consult.models import AuditEvent, DeadlineExtension, Position, PositionEvent
from consult.permissions import can_edit_position
from consult.services import workflow
from consult.services.positions import position_for
from consult.services.workflow import (
    WorkflowError,
    position_reopen,
    position_send_back,
    position_send_for_review,
    position_submit,
)
from surveys.models import Answer, Response, ResponseSection

from .factories import make_open_consultation

Action = PositionEvent.Action
RECEIPT = re.compile(r"^HLD-FRA-\d{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$")


def answer_required(position):
    """Answer every required question of the position with its first choice, as the ORM allows."""
    questions = position.response.survey.questions.filter(is_current=True, required=True)
    for question in questions:
        Answer.objects.create(response=position.response, question=question, choice=question.choices.first())


def draft_of(consultation, member_state, actor, answered=True):
    position = position_for(consultation=consultation, member_state=member_state, actor=actor)
    if answered:
        answer_required(position)
    return position


def reviewed(consultation, france, drafter):
    position = draft_of(consultation, france, drafter)
    return position_send_for_review(position=position, actor=drafter)


def actions(position):
    return list(position.events.values_list("action", flat=True))


def test_full_flow_from_draft_through_review_and_send_back_to_submission(
    consultation, france, drafter_france, reviewer_france, focal_point_france
):
    position = draft_of(consultation, france, drafter_france)

    position = position_send_for_review(position=position, actor=drafter_france)
    assert position.status == Position.Status.READY_FOR_REVIEW
    position = position_send_back(position=position, actor=reviewer_france, comment="Rework area 2, please.")
    assert position.status == Position.Status.DRAFT
    position = position_send_for_review(position=position, actor=drafter_france)
    position = position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=True)

    position.refresh_from_db()
    assert position.status == Position.Status.SUBMITTED
    assert RECEIPT.match(position.receipt_number)
    assert position.submitted_by == focal_point_france
    assert position.submitted_at is not None
    assert Response.objects.get(pk=position.response_id).status == Response.Status.SUBMITTED
    events = list(position.events.values_list("action", "actor__username", "comment"))
    assert events == [
        (Action.CREATED, "drafter-france", ""),
        (Action.SENT_FOR_REVIEW, "drafter-france", ""),
        (Action.SENT_BACK, "reviewer-france", "Rework area 2, please."),
        (Action.SENT_FOR_REVIEW, "drafter-france", ""),
        (Action.SUBMITTED, "fp-france", position.receipt_number),
    ]


def test_a_drafter_cannot_submit(consultation, france, drafter_france):
    position = reviewed(consultation, france, drafter_france)

    with pytest.raises(WorkflowError, match="authorised submitter"):
        position_submit(position=position, actor=drafter_france, on_behalf_confirmed=True)

    position.refresh_from_db()
    assert position.status == Position.Status.READY_FOR_REVIEW


def test_a_reviewer_cannot_submit(consultation, france, drafter_france, reviewer_france):
    position = reviewed(consultation, france, drafter_france)

    with pytest.raises(WorkflowError, match="authorised submitter"):
        position_submit(position=position, actor=reviewer_france, on_behalf_confirmed=True)


def test_the_submitter_must_confirm_the_submission_on_behalf_of_the_government(
    consultation, france, drafter_france, focal_point_france
):
    position = reviewed(consultation, france, drafter_france)

    with pytest.raises(WorkflowError, match="on behalf of the Government of France"):
        position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=False)

    position.refresh_from_db()
    assert position.status == Position.Status.READY_FOR_REVIEW
    assert position.receipt_number is None


def test_a_draft_must_be_reviewed_before_it_is_submitted(consultation, france, focal_point_france):
    position = draft_of(consultation, france, focal_point_france)

    with pytest.raises(WorkflowError, match="for review first"):
        position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=True)


def test_missing_required_answers_refuse_submission_counting_them_by_area(
    consultation, france, drafter_france, focal_point_france
):
    position = draft_of(consultation, france, drafter_france, answered=False)
    position = position_send_for_review(position=position, actor=drafter_france)

    with pytest.raises(WorkflowError) as refusal:
        position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=True)

    assert refusal.value.message == "Some required questions are not answered yet: 7 in area 1; 7 in area 2."
    position.refresh_from_db()
    assert position.status == Position.Status.READY_FOR_REVIEW


def test_after_the_deadline_submission_is_refused_and_the_draft_kept(
    consultation, france, drafter_france, focal_point_france
):
    position = reviewed(consultation, france, drafter_france)
    answers = Answer.objects.filter(response=position.response).count()
    consultation.closes_at = timezone.now() - timedelta(minutes=1)
    consultation.save()

    with pytest.raises(WorkflowError, match="deadline has passed"):
        position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=True)

    position.refresh_from_db()
    assert position.status == Position.Status.READY_FOR_REVIEW
    assert Answer.objects.filter(response=position.response).count() == answers
    assert actions(position)[-1] == Action.SENT_FOR_REVIEW


def test_a_state_with_an_extension_may_submit_after_the_consultation_closed(
    consultation, france, drafter_france, focal_point_france, officer
):
    position = reviewed(consultation, france, drafter_france)
    consultation.closes_at = timezone.now() - timedelta(minutes=1)
    consultation.save()
    DeadlineExtension.objects.create(
        consultation=consultation, member_state=france, closes_at=timezone.now() + timedelta(days=2),
        reason="Elections", granted_by=officer,
    )

    position = position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=True)

    assert position.status == Position.Status.SUBMITTED


def test_a_submitted_position_is_locked_and_cannot_be_sent_back(
    consultation, france, drafter_france, reviewer_france, focal_point_france
):
    position = reviewed(consultation, france, drafter_france)
    position = position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=True)

    assert not can_edit_position(drafter_france, position)
    assert not can_edit_position(focal_point_france, position)
    with pytest.raises(WorkflowError, match="under review"):
        position_send_back(position=position, actor=reviewer_france, comment="Too late")
    with pytest.raises(WorkflowError, match="Only a draft"):
        position_send_for_review(position=position, actor=drafter_france)


def test_sending_back_needs_a_reviewer_and_a_comment(consultation, france, drafter_france, reviewer_france):
    position = reviewed(consultation, france, drafter_france)

    with pytest.raises(WorkflowError, match="reviewer"):
        position_send_back(position=position, actor=drafter_france, comment="I changed my mind")
    with pytest.raises(WorkflowError, match="comment is required"):
        position_send_back(position=position, actor=reviewer_france, comment="   ")

    position.refresh_from_db()
    assert position.status == Position.Status.READY_FOR_REVIEW


def test_only_focal_points_of_the_state_send_it_for_review(
    consultation, france, drafter_france, focal_point_senegal, officer
):
    position = draft_of(consultation, france, drafter_france)

    for person in (focal_point_senegal, officer):
        with pytest.raises(WorkflowError, match="focal point of the state"):
            position_send_for_review(position=position, actor=person)


def test_only_the_secretariat_reopens_and_only_with_a_reason(
    consultation, france, drafter_france, focal_point_france, officer
):
    position = reviewed(consultation, france, drafter_france)
    position = position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=True)

    with pytest.raises(WorkflowError, match="Only the secretariat"):
        position_reopen(position=position, actor=focal_point_france, reason="We want to change area 1")
    with pytest.raises(WorkflowError, match="reason"):
        position_reopen(position=position, actor=officer, reason="")
    position = position_reopen(position=position, actor=officer, reason="Wrong ministry answered area 1")

    assert position.status == Position.Status.REOPENED
    assert can_edit_position(drafter_france, position)
    event = position.events.last()
    assert (event.action, event.actor, event.comment) == (
        Action.REOPENED, officer, "Wrong ministry answered area 1"
    )


def test_a_reopened_position_is_submitted_again_with_a_new_receipt(
    consultation, france, drafter_france, focal_point_france, officer
):
    position = reviewed(consultation, france, drafter_france)
    first = position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=True).receipt_number
    position_reopen(position=position, actor=officer, reason="Correction requested by the mission")

    position = position_send_for_review(position=position, actor=drafter_france)
    position = position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=True)

    assert position.status == Position.Status.SUBMITTED
    assert position.receipt_number != first
    assert list(position.events.filter(action=Action.SUBMITTED).values_list("comment", flat=True)) == [
        first, position.receipt_number
    ]


def test_a_receipt_number_already_given_is_drawn_again(
    consultation, france, drafter_france, focal_point_france, civil_society_rep, monkeypatch
):
    position = reviewed(consultation, france, drafter_france)
    year = f"{timezone.now():%Y}"
    organisation = civil_society_rep.representations.get().organisation
    other = position_for(consultation=consultation, organisation=organisation, actor=civil_society_rep)
    Position.objects.filter(pk=other.pk).update(receipt_number=f"HLD-FRA-{year}-222222")
    draws = iter(["222222", "333333"])
    monkeypatch.setattr(workflow, "random_part", lambda: next(draws))

    position = position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=True)

    assert position.receipt_number == f"HLD-FRA-{year}-333333"
    assert Position.objects.get(pk=position.pk).receipt_number == position.receipt_number
    assert list(position.events.filter(action=Action.SUBMITTED).values_list("comment", flat=True)) == [
        position.receipt_number
    ]
    audited = AuditEvent.objects.filter(action=AuditEvent.Action.SUBMITTED, object_id=str(position.pk))
    assert [event.details["receipt_number"] for event in audited] == [position.receipt_number]


def test_submitting_twice_creates_one_receipt_and_one_event(
    consultation, france, drafter_france, focal_point_france
):
    position = reviewed(consultation, france, drafter_france)

    first = position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=True)
    second = position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=True)

    assert second.receipt_number == first.receipt_number
    assert second.submitted_at == first.submitted_at
    assert actions(position).count(Action.SUBMITTED) == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_create_one_receipt_and_one_event(
    consultation, france, drafter_france, focal_point_france
):
    position = reviewed(consultation, france, drafter_france)
    start = threading.Barrier(2)
    receipts, errors = [], []

    def submit():
        # Each thread has its own database connection: two sessions, as two web processes would.
        try:
            start.wait()
            receipts.append(
                position_submit(position=position, actor=focal_point_france, on_behalf_confirmed=True).receipt_number
            )
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(receipts) == 2 and receipts[0] == receipts[1]
    assert PositionEvent.objects.filter(position=position, action=Action.SUBMITTED).count() == 1


def cso_draft(consultation, representative):
    organisation = representative.representations.get().organisation
    position = position_for(consultation=consultation, organisation=organisation, actor=representative)
    answer_required(position)
    return position


def page_saved(position):
    """Record that a page of the response was saved now, as the questionnaire does on save."""
    section = position.response.survey.sections.first()
    ResponseSection.objects.update_or_create(
        response=position.response, section=section,
        defaults={"saved_at": timezone.now(), "version": 1},
    )


def test_civil_society_submits_a_draft_without_review(consultation, civil_society_rep):
    position = cso_draft(consultation, civil_society_rep)

    position = position_submit(position=position, actor=civil_society_rep, on_behalf_confirmed=False)

    assert position.status == Position.Status.SUBMITTED
    assert re.match(r"^HLD-CSO-\d{4}-\w{6}$", position.receipt_number)
    assert actions(position) == [Action.CREATED, Action.SUBMITTED]


def test_civil_society_amends_before_the_deadline_with_a_new_receipt(consultation, civil_society_rep):
    position = position_submit(position=cso_draft(consultation, civil_society_rep), actor=civil_society_rep)
    first = position.receipt_number
    assert can_edit_position(civil_society_rep, position)

    unchanged = position_submit(position=position, actor=civil_society_rep)
    page_saved(position)
    amended = position_submit(position=position, actor=civil_society_rep)

    assert unchanged.receipt_number == first
    assert amended.receipt_number != first
    assert actions(position).count(Action.SUBMITTED) == 2


def test_civil_society_cannot_amend_when_the_consultation_does_not_allow_it(civil_society_rep):
    consultation = make_open_consultation(slug="hld", civil_society_can_amend=False)
    position = position_submit(position=cso_draft(consultation, civil_society_rep), actor=civil_society_rep)

    page_saved(position)
    again = position_submit(position=position, actor=civil_society_rep)

    assert not can_edit_position(civil_society_rep, position)
    assert again.receipt_number == position.receipt_number
    assert actions(position).count(Action.SUBMITTED) == 1


def test_only_its_representatives_submit_an_organisations_response(consultation, civil_society_rep, outsider):
    position = cso_draft(consultation, civil_society_rep)

    with pytest.raises(WorkflowError, match="representative"):
        position_submit(position=position, actor=outsider)
