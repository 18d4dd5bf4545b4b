"""The life of a position: send for review, send back, submit with a receipt, reopen.

Each step locks the position row first (select_for_update), so that two clicks, two tabs or
two people acting at once run one after the other and the second sees what the first did.

A member state's position goes draft -> ready for review -> submitted, and only from ready
for review: the authorised submitter's own work is reviewed too, by sending it for review
and then submitting it. A civil society response goes draft -> submitted, and may be
submitted again with changes before the deadline when the consultation allows amending.

Each step returns the position as it saved it; the instance passed in is left as it was read.
"""

import secrets
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from surveys.services import response_missing, response_submit, unanswered_required_exists

from ..models import Audience, AuditEvent, DeadlineExtension, Position, PositionEvent
from ..permissions import may_reopen, may_send_back, may_send_for_review, may_submit
from .aggregation import aggregates_refresh_enqueue
from .audit import audit_event_new, audit_record, seal_soon
from .figure_changes import MINUS, figures_change_record

Status = Position.Status
Action = PositionEvent.Action

# No 0/O, 1/I/L or U: a receipt number is read aloud and typed back from paper.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_RANDOM_LENGTH = 6


class WorkflowError(Exception):
    """A step that may not happen now; the message says why, in the person's language."""

    @property
    def message(self) -> str:
        return self.args[0]


def position_send_for_review(*, position: Position, actor) -> Position:
    """Hand the draft to the state's reviewers; its answers are frozen while it is reviewed."""
    with step_transaction():
        position = locked(position)
        refuse_unless(
            may_send_for_review(actor, position), _("Only a focal point of the state can send its position for review.")
        )
        refuse_unless(position.status in (Status.DRAFT, Status.REOPENED), _("Only a draft can be sent for review."))
        return step(position, actor, Action.SENT_FOR_REVIEW, status=Status.READY_FOR_REVIEW)


def position_send_back(*, position: Position, actor, comment: str) -> Position:
    """Return the position to drafting with the reviewer's comment."""
    with step_transaction():
        position = locked(position)
        refuse_unless(
            may_send_back(actor, position), _("Only a reviewer or the authorised submitter can send the position back.")
        )
        refuse_unless(position.status == Status.READY_FOR_REVIEW, _("Only a position under review can be sent back."))
        refuse_unless(comment.strip(), _("Say what should change: a comment is required to send the position back."))
        return step(position, actor, Action.SENT_BACK, status=Status.DRAFT, comment=comment.strip())


def position_submit(*, position: Position, actor, on_behalf_confirmed: bool = False) -> Position:
    """Submit the position officially, lock it and give it a receipt number.

    Submitting again what is already submitted, unchanged, returns it as it is: a double click
    or a resubmitted form creates no second receipt and no second event.
    """
    with step_transaction():
        position = locked(position)
        refuse_unless(may_submit(actor, position), submitter_only_message(position))
        if position.status == Status.SUBMITTED and not position.is_amended():
            return position
        refuse_unless(
            position.status in position.submittable_statuses(),
            _("Send the position for review first: only a reviewed position can be submitted."),
        )
        if position.audience == Audience.MEMBER_STATE:
            refuse_unless(on_behalf_confirmed, on_behalf_message(position))
        refuse_unless(position.consultation.is_accepting(position.member_state), deadline_passed_message())
        refuse_if_missing(position)
        return record_submission(position, actor)


def position_reopen(*, position: Position, actor, reason: str) -> Position:
    """Unlock a submitted position so that it can be changed and submitted again."""
    with step_transaction():
        position = locked(position)
        refuse_unless(may_reopen(actor, position), _("Only the secretariat can reopen a submitted position."))
        refuse_unless(position.status == Status.SUBMITTED, _("Only a submitted position can be reopened."))
        refuse_unless(reason.strip(), _("Give the reason for reopening: it is recorded."))
        figures_change_record(position=position, sign=MINUS)  # It no longer counts.
        aggregates_refresh_enqueue(position.consultation_id)
        return step(position, actor, Action.REOPENED, status=Status.REOPENED, comment=reason.strip())


@contextmanager
def step_transaction():
    """Run a step in a transaction, or in the caller's without a savepoint (each costs two statements).

    A refusal comes before any change and is raised once the block is left, so that it leaves the
    caller's transaction usable.
    """
    refusal = None
    with transaction.atomic(savepoint=False):
        try:
            yield
        except WorkflowError as error:
            refusal = error
    if refusal is not None:
        raise refusal


def locked(position: Position) -> Position:
    """Return the position read again from the database, its row locked until commit.

    The same statement reads the state's latest deadline extension (kept for the request, see
    Consultation.deadline_for) and whether required questions are unanswered (`is_incomplete`),
    which a submission checks.
    """
    extensions = DeadlineExtension.objects.filter(
        Q(member_state__isnull=True) | Q(member_state=OuterRef("member_state")), consultation=OuterRef("consultation")
    )
    position = (
        Position.objects.select_for_update(of=("self",))
        .select_related("consultation", "member_state", "organisation", "response")
        .annotate(
            extended_to=Subquery(extensions.order_by("-closes_at").values("closes_at")[:1]),
            is_incomplete=unanswered_required_exists("response_id", "response__survey_id"),
        )
        .get(pk=position.pk)
    )
    position.consultation.deadline_note(position.member_state_id, position.extended_to)
    return position


def refuse_unless(condition, message: str) -> None:
    if not condition:
        raise WorkflowError(message)


def refuse_if_missing(position: Position) -> None:
    if not position.is_incomplete:
        return
    missing = response_missing(position.response)
    if not any(missing.values()):
        return
    areas = "; ".join(
        ngettext("%(count)s in area %(area)s", "%(count)s in area %(area)s", len(codes))
        % {"count": len(codes), "area": area}
        for area, codes in missing.items()
        if codes
    )
    raise WorkflowError(_("Some required questions are not answered yet: %(missing)s.") % {"missing": areas})


def record_submission(position: Position, actor) -> Position:
    position.submitted_by = actor
    position.submitted_at = timezone.now()
    response_submit(response=position.response)
    if connection.vendor != "postgresql":  # SQLite, the demo's database: the same writes one by one.
        position.receipt_number = receipt_number_new(position)
        return step(position, actor, Action.SUBMITTED, status=Status.SUBMITTED, comment=position.receipt_number)
    position.status, position.updated_at = Status.SUBMITTED, position.submitted_at
    while not submission_written(position, actor):  # The random receipt number was taken: another one.
        pass
    seal_soon()
    return position


# The position, its "submitted" event and the audit event in one statement, written only if the
# receipt number is not taken already (then nothing is).
SUBMISSION_SQL = """
WITH moved AS (
    UPDATE {position} SET status = %(status)s, submitted_by_id = %(actor)s, submitted_at = %(now)s,
                          receipt_number = %(receipt)s, updated_at = %(now)s
    WHERE id = %(position_id)s AND NOT EXISTS (SELECT 1 FROM {position} WHERE receipt_number = %(receipt)s)
    RETURNING id
),
event AS (
    INSERT INTO {event} (position_id, actor_id, action, comment, created_at)
    SELECT id, %(actor)s, %(action)s, %(receipt)s, %(now)s FROM moved
)
INSERT INTO {audit} ({audit_columns}) SELECT {audit_values} FROM moved RETURNING id
"""


def submission_written(position: Position, actor) -> bool:
    """Write the submission with a new receipt number (PostgreSQL); return False if that number was taken."""
    position.receipt_number = receipt_number_new(position, checked=False)
    details = {"status": position.status, "comment": position.receipt_number, "receipt_number": position.receipt_number}
    audit = audit_event_new(
        action=Action.SUBMITTED, actor=actor, consultation=position.consultation, obj=position, details=details
    )
    fields = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
    audit_values = {f"audit_{field.column}": field.get_db_prep_save(getattr(audit, field.attname), connection)
                    for field in fields}
    quote = connection.ops.quote_name
    sql = SUBMISSION_SQL.format(
        position=quote(Position._meta.db_table), event=quote(PositionEvent._meta.db_table),
        audit=quote(AuditEvent._meta.db_table), audit_columns=", ".join(quote(field.column) for field in fields),
        audit_values=", ".join(f"%({name})s" for name in audit_values),
    )
    parameters = {
        "status": position.status, "actor": actor.pk, "now": position.submitted_at, "receipt": position.receipt_number,
        "position_id": Position._meta.pk.get_db_prep_value(position.pk, connection), "action": Action.SUBMITTED.value,
        **audit_values,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return cursor.fetchone() is not None


def step(position: Position, actor, action: str, *, status: str, comment: str = "") -> Position:
    """Move the position to the status and record who did it, and why."""
    position.status = status
    position.save()
    PositionEvent.objects.create(position=position, actor=actor, action=action, comment=comment)
    details = {"status": status, "comment": comment, "receipt_number": position.receipt_number or ""}
    audit_record(action=action, actor=actor, consultation=position.consultation, obj=position, details=details)
    return position


def receipt_number_new(position: Position, *, checked: bool = True) -> str:
    """Return a reference like "HLD-FRA-2026-7KQ2M9"; its random part cannot be guessed.

    It is unused unless `checked` is False (the caller then writes it only if it is unused).
    """
    while True:
        parts = [consultation_prefix(position), respondent_code(position), f"{position.submitted_at:%Y}", random_part()]
        number = "-".join(parts)
        if not checked or not Position.objects.filter(receipt_number=number).exists():
            return number


def consultation_prefix(position: Position) -> str:
    letters = "".join(character for character in position.consultation.slug.upper() if character.isalnum())
    return letters[:8] or "POS"


def respondent_code(position: Position) -> str:
    return position.member_state.iso3 if position.member_state_id else "CSO"


def random_part() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _index in range(RECEIPT_RANDOM_LENGTH))


def submitter_only_message(position: Position) -> str:
    if position.audience == Audience.MEMBER_STATE:
        return _("Only an authorised submitter of the state can submit its position.")
    return _("Only a representative of the organisation can submit its response.")


def deadline_passed_message() -> str:
    return _("The deadline has passed: submissions are no longer accepted. Your draft is kept.")


def on_behalf_message(position: Position) -> str:
    return _("Confirm that the position is submitted on behalf of the Government %(of_state)s.") % {
        "of_state": position.member_state.of_name()
    }
