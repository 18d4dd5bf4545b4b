"""Reminders to the focal points of states that have not submitted, before the deadline."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Consultation, MemberState, Position, ReminderLog
from .mail import mail_send


def reminders_send(*, consultation: Consultation, today: date | None = None) -> int:
    """E-mail the focal points of every state that has not submitted, once a day at most.

    Reminders start `consultation.reminder_days` days before the state's deadline (its own
    extension included) and stop when it passes. Return the number of states reminded.
    """
    today = today or timezone.localdate()
    if consultation.status != Consultation.Status.OPEN:
        return 0
    return sum(state_remind(consultation, state, today) for state in states_to_remind(consultation))


def states_to_remind(consultation: Consultation):
    submitted = Position.objects.filter(consultation=consultation, status=Position.Status.SUBMITTED)
    return (
        MemberState.objects.filter(focal_points__isnull=False)
        .exclude(pk__in=submitted.values("member_state"))
        .distinct()
        .prefetch_related("focal_points__user")
    )


def state_remind(consultation, state, today) -> bool:
    deadline = consultation.deadline_for(state)
    if deadline is None or not reminder_due(deadline, consultation.reminder_days, today):
        return False
    recipients = [fp.user.email for fp in state.focal_points.all() if fp.user.is_active and fp.user.email]
    if not recipients:
        return False
    try:
        with transaction.atomic():
            # The unique row is the guard: a second run the same day, on any worker, stops here.
            ReminderLog.objects.create(consultation=consultation, member_state=state, sent_on=today,
                                       recipients=len(recipients))
            for address in recipients:
                reminder_mail(consultation, state, deadline, address)
    except IntegrityError:
        return False
    return True


def reminder_due(deadline, days_before: int, today: date) -> bool:
    closing_day = timezone.localtime(deadline).date()
    return closing_day - timedelta(days=days_before) <= today <= closing_day


def reminder_mail(consultation, state, deadline, address):
    mail_send(
        to=address,
        subject=_("Reminder: %(consultation)s closes on %(date)s")
        % {"consultation": consultation.title, "date": timezone.localtime(deadline).date().isoformat()},
        template="consult/email/reminder.txt",
        context={"consultation": consultation, "state": state, "deadline": deadline},
    )
