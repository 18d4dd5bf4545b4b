"""Answering a questionnaire: saving a page of a position's answers, the publication choice."""

from datetime import timedelta

from django.db import connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from surveys.models import Question, ResponseSection, Section
from surveys.services import StaleSection, response_section_save

from ..models import AuditEvent, CivilSocietyOrganisation, Position, PositionEvent, Publication
from ..permissions import acts_for, can_edit_position
from .aggregation import aggregates_refresh_enqueue
from .audit import audit_record
from .figure_changes import MINUS, PLUS, figures_change_record

Accreditation = CivilSocietyOrganisation.Accreditation

# Autosave saves every few seconds: the history records one save per person and page per sitting.
SAVED_EVENT_INTERVAL = timedelta(minutes=30)


class PositionNotEditable(Exception):
    """The person may not change the position now; the message says why, for them to read."""

    @property
    def message(self) -> str:
        return self.args[0]


def edit_refusal(user, position: Position) -> str | None:
    """Return why the person may not change the position's answers now, or None when they may."""
    if can_edit_position(user, position):
        return None
    if not acts_for(user, position):
        return _("You can read this position but not change it.")
    if not position.consultation.is_accepting(position.member_state):
        return closed_message(position)
    if position.organisation_id and position.organisation.accreditation != Accreditation.ACCREDITED:
        return _("The organisation is not accredited: its answers cannot be changed.")
    if position.status == Position.Status.READY_FOR_REVIEW:
        return _("Locked while under review: the answers cannot change until a reviewer sends the position back to "
                 "drafting.")
    if position.status == Position.Status.SUBMITTED:
        when = formats.date_format(timezone.localtime(position.submitted_at), "DATETIME_FORMAT")
        return _("Submitted on %(when)s and locked; only the secretariat can reopen it.") % {"when": when}
    return _("This position cannot be changed now.")


def closed_message(position: Position) -> str:
    deadline = position.consultation.deadline_for(position.member_state)
    if deadline is not None and timezone.now() >= deadline:
        return _("The deadline has passed: the answers are kept and can be read, but no longer changed.")
    return _("The consultation is not open for answers now; the answers saved so far are kept.")


def locked_position(position: Position) -> Position:
    """Return the position read again with its row locked until commit.

    The workflow locks the same row to submit: a save waits for a submission under way, then
    sees the position locked, so no answer changes after a position is submitted.
    """
    related = ("consultation", "member_state", "organisation", "response")
    return Position.objects.select_for_update(of=("self",)).select_related(*related).get(pk=position.pk)


def refuse_unless_editable(user, position: Position) -> None:
    refusal = edit_refusal(user, position)
    if refusal:
        raise PositionNotEditable(refusal)


def position_section_save(
    *, position: Position, section: Section, cleaned_data: dict, expected_version: int, actor,
    questions: list[Question] | None = None,
) -> ResponseSection:
    """Save the answers of one area page of the position, if the person may change them now.

    `questions` are the page's questions as the view loaded them (see response_section_save).
    Raise PositionNotEditable when they may not, and surveys' StaleSection when someone saved
    the page since `expected_version`; either way nothing is changed.
    """
    # No savepoint (each costs two statements): nothing is raised inside the block, so a
    # refusal leaves the caller's transaction usable.
    with transaction.atomic(savepoint=False):
        position = locked_position(position)
        refusal = edit_refusal(actor, position)
        if refusal is None:
            counts = position.counts()
            if counts:  # An amendment: the figures follow the answers of a response that counts.
                figures_change_record(position=position, sign=MINUS)
            try:
                page = response_section_save(
                    response=position.response, section=section, cleaned_data=cleaned_data,
                    expected_version=expected_version, user=actor, questions=questions,
                )
            except StaleSection as stale:
                refusal = stale
            else:
                if counts:
                    figures_change_record(position=position, sign=PLUS)
                    aggregates_refresh_enqueue(position.consultation_id)
                saved_event_record(position, actor, section)
                return page
    raise refusal if isinstance(refusal, StaleSection) else PositionNotEditable(refusal)


# The history records the save unless this person's latest event on the position is a save of
# this page, recent enough to be the same sitting: checked and written in one statement.
SAVED_EVENT_SQL = """
INSERT INTO {event} (position_id, actor_id, action, comment, created_at)
SELECT %(position)s, %(actor)s, %(action)s, %(comment)s, %(now)s
WHERE NOT EXISTS (
    SELECT 1 FROM (SELECT action, actor_id, comment, created_at FROM {event} WHERE position_id = %(position)s
                   ORDER BY created_at DESC, id DESC LIMIT 1) AS latest
    WHERE latest.action = %(action)s AND latest.actor_id = %(actor)s AND latest.comment = %(comment)s
      AND latest.created_at > %(recent)s
)
RETURNING id
"""


def saved_event_record(position: Position, actor, section: Section) -> None:
    """Record the save in the position's history and the audit trail, unless this person just saved this page."""
    now = timezone.now()
    parameters = {
        "position": Position._meta.pk.get_db_prep_value(position.pk, connection),  # SQLite keeps UUIDs as text.
        "actor": actor.pk, "action": PositionEvent.Action.SAVED.value,
        "comment": f"{section.code}. {section.title}", "now": now, "recent": now - SAVED_EVENT_INTERVAL,
    }
    with connection.cursor() as cursor:
        cursor.execute(SAVED_EVENT_SQL.format(event=PositionEvent._meta.db_table), parameters)
        recorded = cursor.fetchone() is not None
    if recorded:
        audit_record(action=AuditEvent.Action.DRAFT_SAVED, actor=actor, consultation=position.consultation_id,
                     obj=position, details={"section": section.code})


def position_publication_set(*, position: Position, publication: str, actor) -> Position:
    """Set how the position's answers may be used, recording the change in its history."""
    if publication not in Publication.values:
        raise ValueError(f"Unknown publication choice {publication!r}.")
    with transaction.atomic():
        position = locked_position(position)
        refuse_unless_editable(actor, position)
        if position.publication == publication:
            return position
        previous = position.get_publication_display()
        previous_value = position.publication
        position.publication = publication
        position.save(update_fields=["publication", "updated_at"])
        comment = f"{previous} → {position.get_publication_display()}"
        PositionEvent.objects.create(
            position=position, actor=actor, action=PositionEvent.Action.PUBLICATION_CHANGED, comment=comment
        )
        audit_record(
            action=AuditEvent.Action.PUBLICATION_CHANGED, actor=actor, consultation=position.consultation_id,
            obj=position, details={"from": previous_value, "to": publication},
        )
        if position.counts():  # Its texts may now be quoted, or no longer: excerpts are picked again.
            figures_change_record(position=position, sign=MINUS)
            figures_change_record(position=position, sign=PLUS)
            aggregates_refresh_enqueue(position.consultation_id)
    return position

