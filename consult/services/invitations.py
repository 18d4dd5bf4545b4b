"""Invitations of focal points: a single-use link, e-mailed, that expires after INVITATION_DAYS.

Only the SHA-256 of a token is stored; the e-mail holds the only copy of the token itself.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..cache_guard import cache_try
from ..models import AuditEvent, FocalPoint, Invitation, MemberState
from ..permissions import SECRETARIAT
from ..selectors.accounts import account_for_email
from .audit import audit_record
from .invitation_csv import invitation_rows_read
from .mail import mail_send

INVITATION_DAYS = 14
# A person whose invitation was revoked may ask the secretariat for a new one once a day.
REQUEST_INTERVAL = 24 * 3600
# What invitation_request_new did.
RESENT, SECRETARIAT_ASKED, USABLE = "resent", "secretariat_asked", "usable"



class InvitationError(ValueError):
    """An invitation that cannot be used or changed; the message is for the person, `reason` for the code.

    Reasons: unknown, used, expired, revoked, superseded, account (the address already has an
    account and the person is not logged in with it), asked (a new link was asked for already).
    """

    def __init__(self, message, reason):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class InvitationImportResult:
    invitations: list[Invitation]

    def __len__(self):
        return len(self.invitations)


def token_hash(token: str) -> str:
    """Return what is stored of a token: its SHA-256, which cannot be turned back into a link."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    """Return the invitation the token of a link belongs to, or None."""
    invitations = Invitation.objects.select_related("consultation", "member_state")
    return invitations.filter(token_hash=token_hash(token)).first()


def invitation_send(
    *, consultation, member_state, email, name, role, invited_by, request_base_url,
    action=AuditEvent.Action.INVITATION_SENT,
) -> Invitation:
    """Invite a person to act for a state in a consultation: e-mail a single-use link; revoke their
    unused invitations of the consultation.

    `action` is what the audit trail records: a first invitation, or one sent again.
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Locking the state serialises two invitations of the same person, so one stays usable.
        MemberState.objects.select_for_update().filter(pk=member_state.pk).first()
        _unused(consultation, member_state, email).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            consultation=consultation, member_state=member_state, email=email, name=name, role=role,
            invited_by=invited_by,
            token_hash=token_hash(token), expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        # Sent inside the transaction: if the mail fails, no invitation exists without its e-mail.
        _invitation_mail(invitation, token, request_base_url)
        _invitation_audit(action, invitation, invited_by)
    return invitation


def _invitation_audit(action, invitation, actor):
    details = {
        "consultation": invitation.consultation.slug, "member_state": invitation.member_state.iso3,
        "email": invitation.email, "role": invitation.role,
    }
    audit_record(action=action, actor=actor, obj=invitation, details=details)


def _unused(consultation, member_state, email):
    return Invitation.objects.filter(
        consultation=consultation, member_state=member_state, email__iexact=email,
        accepted_at__isnull=True, revoked_at__isnull=True,
    )


def _invitation_mail(invitation, token, request_base_url):
    link = request_base_url + reverse("consult:invitation-accept", args=[token])
    mail_send(
        to=invitation.email,
        subject=_("Invitation to answer for %(state)s") % {"state": invitation.member_state},
        template="consult/email/invitation.txt",
        context={"invitation": invitation, "link": link, "days": INVITATION_DAYS},
    )


def invitations_import_csv(*, consultation, file, invited_by, request_base_url) -> InvitationImportResult:
    """Invite everyone a CSV lists to the consultation, once every line is valid; if any is not, send nothing.

    Each invitation is sent in its own transaction: should the mail server fail half-way, those
    already e-mailed stay valid and the error stops the rest.
    """
    rows = invitation_rows_read(file, states=MemberState.objects.all())
    invitations = [
        invitation_send(consultation=consultation, **row, invited_by=invited_by, request_base_url=request_base_url)
        for row in rows
    ]
    return InvitationImportResult(invitations)


def invitation_resend(*, invitation, invited_by, request_base_url) -> Invitation:
    """Send the person a new link for the same consultation, state and role; the old link stops working."""
    if invitation.accepted_at:
        raise InvitationError(_("This invitation was already accepted."), "used")
    return invitation_send(
        consultation=invitation.consultation, member_state=invitation.member_state, email=invitation.email,
        name=invitation.name, role=invitation.role, invited_by=invited_by, request_base_url=request_base_url,
        action=AuditEvent.Action.INVITATION_RESENT,
    )


def invitation_revoke(*, invitation, actor=None) -> None:
    """Withdraw an invitation that was not accepted; its link stops working."""
    unused = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True)
    with transaction.atomic():
        if unused.update(revoked_at=timezone.now()):
            _invitation_audit(AuditEvent.Action.INVITATION_REVOKED, invitation, actor)
            return
    invitation.refresh_from_db()
    if invitation.accepted_at:
        raise InvitationError(_("This invitation was already accepted and cannot be revoked."), "used")


def invitation_check(invitation: Invitation | None) -> None:
    """Raise InvitationError saying why, unless the invitation can be accepted now."""
    if invitation is None:
        raise InvitationError(
            _("This invitation link is not valid. Check that you copied the whole link from the e-mail."), "unknown"
        )
    if invitation.accepted_at:
        raise InvitationError(_("This invitation link was already used. Log in with your password."), "used")
    if invitation.revoked_at and _newer_invitation(invitation):
        raise InvitationError(
            _("A newer invitation was sent to your address: use the link in the latest e-mail."), "superseded"
        )
    if invitation.revoked_at:
        raise InvitationError(_("This invitation was withdrawn by the secretariat."), "revoked")
    if not invitation.is_usable():
        raise InvitationError(_("This invitation link has expired."), "expired")


def _newer_invitation(invitation) -> bool:
    return Invitation.objects.filter(
        consultation=invitation.consultation_id, member_state=invitation.member_state_id,
        email__iexact=invitation.email, created_at__gt=invitation.created_at, revoked_at__isnull=True,
    ).exists()


def invitee_account(invitation, user):
    """Return the account the invitation goes to if `user` is logged in with it, None if there is none.

    Raise InvitationError when the address has an account and the person is not logged in with it.
    """
    account = account_for_email(invitation.email)
    if account is None:
        return None
    if account.pk != user.pk:
        raise InvitationError(
            _("An account with the address %(email)s exists: log in with it, then open this link again.")
            % {"email": invitation.email},
            "account",
        )
    return account


def invitation_accept(*, token, password=None, user=None):
    """Make the invited person a focal point with the invited role; return their account.

    A new account (username = e-mail) gets `password`, checked by Django's validators; a person
    logged in with the invited address joins with their account as it is.
    """
    with transaction.atomic():
        # The row lock makes a link used twice at the same moment work only once.
        invitation = Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
        invitation_check(invitation)
        person = invitee_account(invitation, user or AnonymousUser()) or _account_create(invitation, password)
        FocalPoint.objects.update_or_create(
            user=person, member_state=invitation.member_state, defaults={"role": invitation.role}
        )
        invitation.accepted_at, invitation.user = timezone.now(), person
        invitation.save(update_fields=["accepted_at", "user"])
        _invitation_audit(AuditEvent.Action.INVITATION_ACCEPTED, invitation, person)
    return person


def invitee_unsaved_account(invitation):
    """Return the account the invitation would create, unsaved (password validators compare with it)."""
    email = invitation.email
    # The whole name goes in first_name: names do not split the same way in every culture.
    return get_user_model()(username=email.lower(), email=email, first_name=invitation.name[:150])


def _account_create(invitation, password):
    person = invitee_unsaved_account(invitation)
    if not password:
        raise ValidationError(_("Choose a password."))
    password_validation.validate_password(password, user=person)
    person.set_password(password)
    person.save()
    password_validation.password_changed(password, user=person)
    return person


def invitation_request_new(*, token, request_base_url) -> str:
    """Answer a person whose link no longer works; return what was done: RESENT, SECRETARIAT_ASKED or USABLE.

    An expired invitation is sent again at once: the new link goes to the address the
    secretariat chose, so asking gives the asker nothing more. A revoked one was withdrawn on
    purpose, so the secretariat is asked by e-mail and decides. Any other case raises InvitationError.
    """
    invitation = invitation_for_token(token)
    try:
        invitation_check(invitation)
    except InvitationError as error:
        if error.reason == "expired":
            invitation_send(
                consultation=invitation.consultation, member_state=invitation.member_state,
                email=invitation.email, name=invitation.name,
                role=invitation.role, invited_by=invitation.invited_by, request_base_url=request_base_url,
                action=AuditEvent.Action.INVITATION_RESENT,
            )
            return RESENT
        if error.reason != "revoked":
            raise
        _secretariat_ask(invitation, request_base_url)
        return SECRETARIAT_ASKED
    return USABLE


def _secretariat_ask(invitation, request_base_url):
    if not _first_request(invitation):
        raise InvitationError(_("The secretariat was already asked; it will write to you."), "asked")
    list_url = reverse("consult:invitation-list", args=[invitation.consultation.slug])
    link = f"{request_base_url}{list_url}?member_state={invitation.member_state.iso3}"
    for address in _secretariat_addresses(invitation):
        mail_send(
            to=address,
            subject=_("%(name)s asks for a new invitation") % {"name": invitation.name},
            template="consult/email/invitation_request.txt",
            context={"invitation": invitation, "link": link},
        )


def _first_request(invitation) -> bool:
    """Tell whether this is the first request for the invitation within REQUEST_INTERVAL.

    Without the cache (Redis down) the request is let through: the secretariat may get the
    same request twice, which is better than a page that fails.
    """
    key = f"invitation-request:{invitation.pk}"
    added = partial(cache.add, key, 1, timeout=REQUEST_INTERVAL)
    return cache_try(added, fallback=True, skipped="Repeated invitation requests not checked")


def _secretariat_addresses(invitation) -> list[str]:
    """Return the inviter's address, or else every secretariat officer's."""
    inviter = invitation.invited_by
    if inviter and inviter.is_active and inviter.email:
        return [inviter.email]
    officers = get_user_model().objects.filter(groups__name=SECRETARIAT, is_active=True).exclude(email="")
    return list(officers.values_list("email", flat=True))
