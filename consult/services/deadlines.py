"""Later closing dates, granted to all or to one state (`Consultation.deadline_for` reads them)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..models import AuditEvent, Consultation, DeadlineExtension, MemberState, Position, PositionEvent
from ..permissions import is_secretariat
from .audit import audit_record


class DeadlineError(ValueError):
    """An extension that cannot be granted; the message says why, for the person who asked."""


def deadline_extend(
    *,
    consultation: Consultation,
    closes_at: datetime,
    reason: str,
    actor,
    member_state: MemberState | None = None,
) -> DeadlineExtension:
    """Grant a later closing date to the whole consultation or to one state, with its reason."""
    if not is_secretariat(actor):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise DeadlineError(_("Give the reason for the extension."))
    with transaction.atomic():
        # Lock the consultation so that two extensions granted at once are compared in turn.
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        _check_later(closes_at, consultation.deadline_for(member_state))
        extension = DeadlineExtension.objects.create(
            consultation=consultation, member_state=member_state, closes_at=closes_at, reason=reason, granted_by=actor
        )
        if member_state is not None:
            _record_on_position(consultation, member_state, actor, reason)
        audit_record(
            action=AuditEvent.Action.DEADLINE_EXTENDED, actor=actor, consultation=consultation, obj=extension,
            details={"closes_at": closes_at, "reason": reason, "member_state": getattr(member_state, "iso3", "")},
        )
    return extension


def _check_later(closes_at: datetime, current: datetime | None) -> None:
    if current is None:
        raise DeadlineError(_("The consultation has no closing date to extend; set one on the consultation first."))
    if closes_at <= timezone.now():
        raise DeadlineError(_("The new closing date must be in the future."))
    if closes_at <= current:
        when = formats.date_format(timezone.localtime(current), "DATETIME_FORMAT")
        raise DeadlineError(_("The new closing date must be later than the current one (%(when)s).") % {"when": when})


def _record_on_position(consultation, member_state, actor, reason) -> None:
    """Note the extension in the state's history, where its focal points will see it."""
    position = Position.objects.filter(consultation=consultation, member_state=member_state).first()
    if position is not None:
        PositionEvent.objects.create(
            position=position, actor=actor, action=PositionEvent.Action.DEADLINE_EXTENDED, comment=reason
        )
