"""Reads of invitations for the secretariat's pages."""

from django.db import models
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Invitation


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


def invitations_for_secretariat(*, consultation, member_state=None, status=None, now=None):
    """Return the consultation's invitations, newest first, each with its `status`, optionally of one state or status."""
    now = now or timezone.now()
    invitations = Invitation.objects.filter(consultation=consultation).select_related("member_state", "invited_by")
    invitations = invitations.annotate(
        status=Case(
            When(accepted_at__isnull=False, then=Value(InvitationStatus.ACCEPTED)),
            When(revoked_at__isnull=False, then=Value(InvitationStatus.REVOKED)),
            When(expires_at__lte=now, then=Value(InvitationStatus.EXPIRED)),
            default=Value(InvitationStatus.PENDING),
            output_field=models.CharField(),
        )
    )
    if member_state:
        invitations = invitations.filter(member_state=member_state)
    if status:
        invitations = invitations.filter(status=status)
    return invitations.order_by("-created_at")
