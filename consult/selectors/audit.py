"""Reading the audit trail: the events the secretariat asks for, newest first."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import AuditEvent


def audit_events(
    *, consultation=None, action: str = "", actor: str = "", date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    """Return the events matching every filter given, newest first; dates are whole days in the current time zone."""
    events = AuditEvent.objects.order_by("-id")
    if consultation is not None:
        events = events.filter(consultation=consultation)
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(Q(actor_name__icontains=actor) | Q(actor__username__iexact=actor))
    if date_from:
        events = events.filter(created_at__gte=day_start(date_from))
    if date_to:
        events = events.filter(created_at__lt=day_start(date_to + timedelta(days=1)))
    return events


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
