"""Civil society organisations: registration, e-mail confirmation, duplicates flagged, accreditation."""

import logging
import re
import unicodedata
from datetime import timedelta

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import AuditEvent, CivilSocietyOrganisation, CivilSocietyRepresentative
from ..permissions import is_secretariat
from ..selectors.accounts import account_for_email
from .audit import audit_record
from .mail import mail_send
from .rate_limits import rate_limit_count

logger = logging.getLogger(__name__)

Accreditation = CivilSocietyOrganisation.Accreditation

CONFIRMATION_MAX_AGE = timedelta(days=3)
CONFIRMATION_SALT = "consult.organisation-email"
# Words that say what kind of body an organisation is rather than which one it is, in the
# organisation's languages, compared after accents are stripped.
NAME_STOPWORDS = frozenset(
    "a an and for of the in on at "
    "association associations asociacion ong ngo organisation organization organizacion "
    "le la les l de des du d et pour en au aux "
    "el los las del y por para "
    "inc ltd ev".split()
)


class RegistrationError(ValueError):
    """A confirmation link or accreditation step that cannot be done; the message says why."""


def organisation_register(
    *, name, country, type, website, contact_name, email, password, ip, request_base_url
) -> CivilSocietyOrganisation | None:
    """Register an organisation pending accreditation, with its contact's inactive account; e-mail a link.

    When the address already has an account, create nothing and tell its owner by e-mail
    instead (or send the confirmation link again): the page never reveals who has an account.
    """
    # Raises RateLimited past the limits of rate_limits.LIMITS["registration"].
    rate_limit_count(action="registration", ip=ip, email=email)
    account = account_for_email(email)
    if account is not None:
        # Hash the password all the same, and throw it away: hashing is most of a new address's
        # time, so without it the answer's speed would tell that the address has an account.
        make_password(password)
        _existing_account_notify(account, email, request_base_url)
        return None
    with transaction.atomic():
        organisation = CivilSocietyOrganisation.objects.create(
            name=name, country=country, type=type, website=website, contact_name=contact_name, email=email,
            possible_duplicate_of=organisation_duplicate_find(name=name, country=country),
        )
        contact = _contact_account_create(email=email, contact_name=contact_name, password=password)
        CivilSocietyRepresentative.objects.create(user=contact, organisation=organisation)
        _confirmation_mail(organisation, request_base_url)
        _organisation_audit(AuditEvent.Action.ORGANISATION_REGISTERED, organisation, contact, ip=ip)
    return organisation


def _contact_account_create(*, email, contact_name, password):
    contact = get_user_model()(username=email.lower(), email=email, first_name=contact_name[:150], is_active=False)
    password_validation.validate_password(password, user=contact)
    contact.set_password(password)
    contact.save()
    password_validation.password_changed(password, user=contact)
    return contact


def _existing_account_notify(account, email, request_base_url):
    unconfirmed = CivilSocietyOrganisation.objects.filter(
        representatives__user=account, email_confirmed_at__isnull=True
    ).first()
    if unconfirmed is not None and not account.is_active:
        _confirmation_mail(unconfirmed, request_base_url)
        return
    mail_send(
        to=account.email or email,
        subject=_("You already have an account"),
        template="consult/email/registration_existing_account.txt",
        context={"account": account, "login_link": request_base_url + reverse("login")},
    )


def organisation_name_normalise(name: str) -> str:
    """Return the distinctive words of a name: casefolded, without accents, punctuation or common words."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(character for character in text if not unicodedata.combining(character))
    return " ".join(word for word in re.findall(r"[^\W_]+", text) if word not in NAME_STOPWORDS)


def organisation_duplicate_find(*, name, country) -> CivilSocietyOrganisation | None:
    """Return the earliest organisation of the country whose name normalises to the same words."""
    wanted = organisation_name_normalise(name)
    if not wanted:
        return None
    # Compared in Python: the normalisation (accents, stopwords) has no portable SQL form, and
    # one country's organisations are few enough to read their names once per registration.
    candidates = CivilSocietyOrganisation.objects.filter(country=country).order_by("created_at", "pk")
    for organisation in candidates.only("pk", "name").iterator():
        if organisation_name_normalise(organisation.name) == wanted:
            return organisation
    return None


def organisation_confirmation_token(organisation) -> str:
    return signing.TimestampSigner(salt=CONFIRMATION_SALT).sign_object(
        {"organisation": organisation.pk, "email": organisation.email}
    )


def _confirmation_mail(organisation, request_base_url):
    token = organisation_confirmation_token(organisation)
    link = request_base_url + reverse("consult:organisation-confirm-email", args=[token])
    mail_send(
        to=organisation.email,
        subject=_("Confirm your e-mail address"),
        template="consult/email/registration_confirm.txt",
        context={"organisation": organisation, "link": link, "days": CONFIRMATION_MAX_AGE.days},
    )


def organisation_for_confirmation(token) -> CivilSocietyOrganisation:
    """Return the organisation a confirmation link is for; raise RegistrationError if the link is bad or old."""
    signer = signing.TimestampSigner(salt=CONFIRMATION_SALT)
    try:
        claim = signer.unsign_object(token, max_age=CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise RegistrationError(
            _("This link has expired. Register again with the same address to receive a new one.")
        ) from None
    except signing.BadSignature:
        raise RegistrationError(_("This link is not valid. Check that you copied the whole link.")) from None
    organisation = CivilSocietyOrganisation.objects.filter(pk=claim["organisation"], email=claim["email"]).first()
    if organisation is None:
        raise RegistrationError(_("This link is not valid. Check that you copied the whole link."))
    return organisation


def organisation_confirm_email(*, token) -> CivilSocietyOrganisation:
    """Record that the contact received the e-mail and let them log in; a second use changes nothing."""
    organisation = organisation_for_confirmation(token)
    with transaction.atomic():
        confirmed = CivilSocietyOrganisation.objects.filter(pk=organisation.pk, email_confirmed_at__isnull=True)
        # Only the first confirmation activates: an old link must not revive an account closed since.
        if confirmed.update(email_confirmed_at=timezone.now()):
            get_user_model().objects.filter(
                representations__organisation=organisation, email__iexact=organisation.email
            ).update(is_active=True)
    organisation.refresh_from_db()
    return organisation


def organisation_accredit(*, organisation, actor, request_base_url) -> CivilSocietyOrganisation:
    """Accredit an organisation whose contact confirmed their address, and tell the contact."""
    with transaction.atomic():
        organisation = _decidable(organisation, actor)
        if organisation.email_confirmed_at is None:
            raise RegistrationError(_("The contact has not confirmed their e-mail address yet."))
        if organisation.accreditation == Accreditation.ACCREDITED:
            raise RegistrationError(_("This organisation is already accredited."))
        organisation.accreditation, organisation.decline_reason = Accreditation.ACCREDITED, ""
        organisation.save(update_fields=["accreditation", "decline_reason"])
        _decision_mail(organisation, request_base_url)
        _organisation_audit(AuditEvent.Action.ORGANISATION_ACCREDITED, organisation, actor)
    logger.info("Organisation %s accredited by %s", organisation.pk, actor.pk)
    return organisation


def organisation_decline(*, organisation, actor, reason, request_base_url) -> CivilSocietyOrganisation:
    """Decline an organisation's accreditation and e-mail the reason to its contact."""
    reason = reason.strip()
    if not reason:
        raise RegistrationError(_("Give the reason: the organisation will receive it."))
    with transaction.atomic():
        organisation = _decidable(organisation, actor)
        if organisation.accreditation == Accreditation.DECLINED:
            raise RegistrationError(_("This organisation was already declined."))
        organisation.accreditation, organisation.decline_reason = Accreditation.DECLINED, reason
        organisation.save(update_fields=["accreditation", "decline_reason"])
        _decision_mail(organisation, request_base_url)
        _organisation_audit(AuditEvent.Action.ORGANISATION_DECLINED, organisation, actor, reason=reason)
    logger.info("Organisation %s declined by %s", organisation.pk, actor.pk)
    return organisation


def _organisation_audit(action, organisation, actor, *, ip=None, reason=""):
    details = {"country": str(organisation.country), "email": organisation.email, "reason": reason}
    audit_record(action=action, actor=actor, obj=organisation, details=details, ip=ip)


def _decidable(organisation, actor):
    """Return the organisation locked for a decision; only the secretariat decides."""
    if not is_secretariat(actor):
        raise PermissionDenied
    # The lock makes a double click send one decision and one e-mail.
    return CivilSocietyOrganisation.objects.select_for_update().get(pk=organisation.pk)


def _decision_mail(organisation, request_base_url):
    accredited = organisation.accreditation == Accreditation.ACCREDITED
    subject = _("Your organisation is accredited") if accredited else _("Your accreditation request")
    mail_send(
        to=organisation.email,
        subject=subject,
        template=f"consult/email/organisation_{organisation.accreditation}.txt",
        context={"organisation": organisation, "login_link": request_base_url + reverse("login")},
    )
