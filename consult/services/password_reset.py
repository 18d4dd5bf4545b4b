"""Password reset: the page only writes an outbox row; a worker mails the link, if the address has an account.

Django's reset view mails in the request, for an address with an account only: the time the page
took (and a slow mail server widens it) told whether the address has one. Here the request does
the same work whatever the address, and the mail goes from the worker, where no one times it.
"""

import hashlib

from django.db import transaction
from django.utils import translation

from .mail import PasswordResetMailForm
from .outbox import outbox_add, outbox_claim

PASSWORD_RESET_TASK = "consult.tasks.password_reset_mail_task"


def reset_key(email: str) -> str:
    """Return the outbox key of an address's reset: asking again before the worker sends it mails once."""
    return "password-reset:" + hashlib.sha256(email.casefold().encode()).hexdigest()


def password_reset_request(*, email: str, domain: str, use_https: bool, language: str) -> None:
    """Have a worker mail the reset link to the address (in the person's language), if it has an account."""
    with transaction.atomic():
        outbox_add(PASSWORD_RESET_TASK, [email, domain, use_https, language], reset_key(email))


def password_reset_mail_send(*, email: str, domain: str, use_https: bool, language: str) -> int:
    """Mail the link to each active account of the address that has a password; return how many were mailed."""
    outbox_claim(reset_key(email))
    form = PasswordResetMailForm({"email": email})
    if not form.is_valid():
        return 0
    accounts = len(list(form.get_users(form.cleaned_data["email"])))
    with translation.override(language):
        form.save(domain_override=domain, use_https=use_https)
    return accounts
