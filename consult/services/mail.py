"""E-mail to people, through Django's configured mailer (console by default, SMTP from the environment)."""

from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

# RFC 5322: a line of a message is at most 998 octets, its line break aside.
LONGEST_LINE = 998


class PlainTextEmail(EmailMessage):
    """A text e-mail whose body is sent 8-bit, so that a link stays on one line wherever it is read.

    Python picks quoted-printable for a body with an accent and a line longer than 78
    characters, which cuts every long link with "=" at the end of a line: in the console (the
    demo's mailer) and in any client that shows the source, it can no longer be copied. A body
    with a line too long even for 8-bit is sent base64, which a mail client decodes whole.
    """

    def message(self, **kwargs):
        message = super().message(**kwargs)
        if not self.attachments:
            charset = message.get_content_charset() or "utf-8"
            message.set_content(self.body, subtype=self.content_subtype, charset=charset, cte=body_encoding(self.body))
        return message


def body_encoding(body: str) -> str:
    """Return "8bit" if every line of the body fits a line of a message, else "base64"."""
    longest = max((len(line.encode()) for line in body.splitlines()), default=0)
    return "8bit" if longest <= LONGEST_LINE else "base64"


def mail_send(*, to: str, subject: str, template: str, context: dict) -> None:
    """Render a plain-text template and send it to one address."""
    body = render_to_string(template, context)
    PlainTextEmail(subject=subject.replace("\n", " "), body=body, to=[to]).send()


class PasswordResetMailForm(PasswordResetForm):
    """Django's password reset form, mailing its link like every other e-mail of the site."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        PlainTextEmail(subject=subject, body=body, from_email=from_email, to=[to_email]).send()
