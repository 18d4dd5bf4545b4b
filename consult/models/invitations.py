import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .consultation import Consultation
from .stakeholders import FocalPoint, MemberState


class Invitation(models.Model):
    """An e-mailed, single-use, expiring invitation to act as a focal point of a state in a consultation.

    The focal point it makes acts for the state (in every consultation); the invitation itself
    belongs to the consultation it was sent for: its list, its e-mail and its coverage.
    Only a hash of the token is stored: the link in the e-mail is the only copy of the token.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="invitations")
    member_state = models.ForeignKey(MemberState, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=10, choices=FocalPoint.Role.choices, default=FocalPoint.Role.DRAFTER)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return _("%(name)s <%(email)s> for %(state)s") % {
            "name": self.name,
            "email": self.email,
            "state": self.member_state,
        }

    def is_usable(self, now=None):
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at
