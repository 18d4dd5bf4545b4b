"""E-mails are sent 8-bit, so that their links stay on one line in the console and in any mail source."""

import io
import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.utils import translation

from consult.services.invitations import invitation_send
from consult.services.mail import PlainTextEmail
from consult.services.password_reset import password_reset_mail_send

LINK = re.compile(r"https?://testserver/\S+")


def printed(message) -> str:
    """Return the message as the console mailer, the demo's, prints it."""
    stream = io.StringIO()
    ConsoleBackend(stream=stream).send_messages([message])
    return stream.getvalue()


def test_an_invitation_with_accents_prints_its_link_on_one_line(officer, france, consultation):
    with translation.override("fr"):
        invitation_send(
            consultation=consultation, member_state=france, email="helene@diplomatie.example", name="Hélène Déléguée", role="drafter",
            invited_by=officer, request_base_url="http://testserver",
        )
    [message] = mail.outbox
    link = LINK.search(message.body).group(0)

    source = printed(message)

    headers, body = source.split("\n\n", 1)
    assert "Content-Transfer-Encoding: 8bit" in headers
    assert link in body.splitlines()
    assert "Hélène Déléguée" in body
    assert "=C3" not in body and "=\n" not in body


def test_a_password_reset_link_stays_on_one_line(db):
    get_user_model().objects.create_user("amina", email="amina@example.org", password="x" * 20, first_name="Amina")

    with translation.override("fr"):
        password_reset_mail_send(email="amina@example.org", domain="testserver", use_https=False, language="fr")

    [message] = mail.outbox
    source = printed(message)
    link = LINK.search(message.body).group(0)
    headers, body = source.split("\n\n", 1)
    assert "Content-Transfer-Encoding: 8bit" in headers
    assert link in body.splitlines()


def test_a_line_too_long_for_8_bit_is_sent_base64():
    body = "Réponse : " + "é" * 600 + "\n"

    source = printed(PlainTextEmail(subject="Réponse", body=body, to=["a@example.org"]))

    assert "Content-Transfer-Encoding: base64" in source
    assert body not in source
