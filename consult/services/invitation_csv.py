"""Reading a CSV of focal points to invite: country,name,email,role, one person a line."""

import csv
import io

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django_countries import countries

from surveys.text import entered_text

from ..models import FocalPoint, Invitation

CSV_COLUMNS = ("country", "name", "email", "role")
MAX_INVITATIONS = 1000
# Accounts are named after their e-mail address, and a Django username holds 150 characters.
MAX_EMAIL_LENGTH = 150
MAX_NAME_LENGTH = Invitation._meta.get_field("name").max_length


class InvitationImportError(ValueError):
    """A CSV of invitations that cannot be used; `errors` lists the problems, each naming its line."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


def invitation_rows_read(file, *, states) -> list[dict]:
    """Return the invitations a CSV asks for (member_state, name, email, role); raise on any bad line."""
    reader = _reader(_decode(file))
    try:
        rows, errors = _rows_parse(reader, {state.iso3: state for state in states})
    except csv.Error:
        raise InvitationImportError(
            [_("Line %(line)d: this is not a valid CSV line.") % {"line": reader.line_num}]
        ) from None
    _rows_check(rows, errors)
    return rows


def _rows_parse(reader, states_by_iso3):
    header = [column.strip().lower() for column in next(reader, [])]
    if sorted(header) != sorted(CSV_COLUMNS):
        return [], [_("Line 1: the header must be %(columns)s.") % {"columns": ",".join(CSV_COLUMNS)}]
    rows, errors, seen = [], [], set()
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        try:
            rows.append(_row_parse(dict(zip(header, values)), len(values), states_by_iso3, seen))
        except ValidationError as error:
            problems = " ".join(error.messages)
            errors.append(_("Line %(line)d: %(problems)s") % {"line": reader.line_num, "problems": problems})
    return rows, errors


def _decode(file) -> str:
    content = file.read() if hasattr(file, "read") else file
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvitationImportError([_("The file is not UTF-8 text: save it as “CSV UTF-8”.")]) from None


def _reader(text):
    """Return a CSV reader for commas, or the semicolons a spreadsheet writes in many locales."""
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text), delimiter=dialect.delimiter)


def _row_parse(record, count, states_by_iso3, seen) -> dict:
    if count != len(CSV_COLUMNS):
        raise ValidationError(
            _("expected %(expected)d values, found %(found)d.") % {"expected": len(CSV_COLUMNS), "found": count}
        )
    country, name, email, role = (entered_text(record[column]).strip() for column in CSV_COLUMNS)
    problems = [
        *_country_problems(country, states_by_iso3),
        *_name_problems(name),
        *_email_problems(email),
        *_role_problems(role),
    ]
    if problems:
        raise ValidationError(problems)
    state = states_by_iso3[countries.alpha3(country)]
    if (state.pk, email.casefold()) in seen:
        raise ValidationError(_("%(email)s is listed twice for %(state)s.") % {"email": email, "state": state})
    seen.add((state.pk, email.casefold()))
    return {"member_state": state, "name": name, "email": email, "role": role.lower()}


def _country_problems(country, states_by_iso3):
    if countries.alpha3(country) not in states_by_iso3:
        yield _("“%(code)s” is not the ISO code of a member state (use FRA or FR, for example).") % {"code": country}


def _name_problems(name):
    if not name:
        yield _("the name is missing.")
    elif len(name) > MAX_NAME_LENGTH:
        yield _("the name is longer than %(limit)d characters.") % {"limit": MAX_NAME_LENGTH}


def _email_problems(email):
    try:
        validate_email(email)
    except ValidationError:
        yield _("“%(email)s” is not an e-mail address.") % {"email": email}
        return
    if len(email) > MAX_EMAIL_LENGTH:
        yield _("the e-mail address is longer than %(limit)d characters.") % {"limit": MAX_EMAIL_LENGTH}


def _role_problems(role):
    if role.lower() not in FocalPoint.Role.values:
        roles = ", ".join(FocalPoint.Role.values)
        yield _("the role “%(role)s” is not one of %(roles)s.") % {"role": role, "roles": roles}


def _rows_check(rows, errors):
    if not errors and not rows:
        errors.append(_("The file lists nobody to invite."))
    if len(rows) > MAX_INVITATIONS:
        errors.append(_("The file lists more than %(limit)d people; split it.") % {"limit": MAX_INVITATIONS})
    if errors:
        raise InvitationImportError(errors)
