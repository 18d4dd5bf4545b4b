"""E-mail to people, through Django's configured mailer (console by default, SMTP from the environment)."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def mail_send(*, to: str, subject: str, template: str, context: dict) -> None:
    """Render a plain-text template and send it to one address."""
    body = render_to_string(template, context)
    EmailMessage(subject=subject.replace("\n", " "), body=body, to=[to]).send()
