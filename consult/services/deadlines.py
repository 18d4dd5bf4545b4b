"""Closing dates: the consultation's own, and later ones granted to all or to one state."""

from django.db.models import Q
from django.utils import timezone

from ..models import Consultation, DeadlineExtension, MemberState


def deadline_for(consultation: Consultation, member_state: MemberState | None = None):
    """Return when the consultation closes for the state (or for everyone): the latest extension wins."""
    extensions = DeadlineExtension.objects.filter(consultation=consultation)
    scope = Q(member_state__isnull=True)
    if member_state is not None:
        scope |= Q(member_state=member_state)
    extended = extensions.filter(scope).order_by("-closes_at").values_list("closes_at", flat=True).first()
    if extended and (consultation.closes_at is None or extended > consultation.closes_at):
        return extended
    return consultation.closes_at


def is_accepting(consultation: Consultation, member_state: MemberState | None = None, now=None) -> bool:
    """Tell whether answers may be saved and submitted now for the state (or for civil society)."""
    now = now or timezone.now()
    if consultation.status != Consultation.Status.OPEN:
        return False
    if consultation.opens_at and now < consultation.opens_at:
        return False
    closes_at = deadline_for(consultation, member_state)
    return closes_at is None or now < closes_at
