"""Forms of the invitation pages: invite one person, import a CSV, filter the list, accept."""

from pathlib import Path

from django import forms
from django.contrib.auth import password_validation
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from surveys.forms import EnteredTextField

from ..models import FocalPoint, MemberState
from ..selectors.invitations import InvitationStatus
from ..services.invitation_csv import MAX_EMAIL_LENGTH, MAX_NAME_LENGTH
from ..services.invitations import invitee_unsaved_account

CSV_MAX_BYTES = 1024 * 1024


class InvitationForm(forms.Form):
    member_state = forms.ModelChoiceField(
        label=_("Member state"), queryset=MemberState.objects.all(), to_field_name="iso3"
    )
    name = EnteredTextField(label=_("Name"), max_length=MAX_NAME_LENGTH)
    email = forms.EmailField(label=_("E-mail address"), max_length=MAX_EMAIL_LENGTH)
    role = forms.ChoiceField(label=_("Role"), choices=FocalPoint.Role.choices, initial=FocalPoint.Role.DRAFTER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In the order of the names the reader sees: set per request, in the request's language.
        self.fields["member_state"].queryset = MemberState.objects.in_name_order()


class InvitationImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set here, not on the field: the text is translated into the language of the request.
        self.fields["file"].help_text = _("Columns country,name,email,role; at most %(size)s.") % {
            "size": filesizeformat(CSV_MAX_BYTES)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in {".csv", ".txt"}:
            raise forms.ValidationError(_("Upload a .csv file."))
        if upload.size > CSV_MAX_BYTES:
            limit = filesizeformat(CSV_MAX_BYTES)
            raise forms.ValidationError(_("The file is larger than %(limit)s.") % {"limit": limit})
        return upload


class InvitationFilterForm(forms.Form):
    member_state = forms.ModelChoiceField(
        label=_("Member state"), queryset=MemberState.objects.all(), to_field_name="iso3", required=False,
        empty_label=_("All states"),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *InvitationStatus.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_state"].queryset = MemberState.objects.in_name_order()


class InvitationAcceptForm(forms.Form):
    """Choose a password for the new account; a person who has an account only confirms."""

    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, invitation, needs_password=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        if not needs_password:
            del self.fields["password1"], self.fields["password2"]

    def clean_password2(self):
        password1, password2 = self.cleaned_data.get("password1"), self.cleaned_data["password2"]
        if password1 and password1 != password2:
            raise forms.ValidationError(_("The two passwords differ."))
        password_validation.validate_password(password2, user=invitee_unsaved_account(self.invitation))
        return password2
