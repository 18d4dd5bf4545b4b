"""Forms of civil society registration and of the accreditation decision."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from surveys.forms import EnteredTextField

from ..models import CivilSocietyOrganisation
from ..services.invitation_csv import MAX_EMAIL_LENGTH


class HoneypotBoundField(BoundField):
    def css_classes(self, extra_classes=None):
        # display:none hides the field from people and screen readers alike; robots still fill it.
        return "d-none"


class HoneypotField(forms.CharField):
    """A field people never see, so a value in it means a robot filled the form."""

    bound_field_class = HoneypotBoundField

    def __init__(self, **kwargs):
        widget = forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
        super().__init__(required=False, label=_("Leave this field empty"), widget=widget, **kwargs)


class OrganisationRegistrationForm(forms.ModelForm):
    email = forms.EmailField(
        label=_("Contact's e-mail address"), max_length=MAX_EMAIL_LENGTH,
        help_text=_("We send a link to this address; it is also your user name."),
    )
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    website_url = HoneypotField()

    class Meta:
        model = CivilSocietyOrganisation
        fields = ["name", "country", "type", "website", "contact_name", "email"]
        labels = {
            "name": _("Name of the organisation"),
            "country": _("Country"),
            "type": _("Type of organisation"),
            "website": _("Website"),
            "contact_name": _("Contact person"),
        }
        field_classes = {"name": EnteredTextField, "contact_name": EnteredTextField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_name"].required = True

    def clean_password2(self):
        password1, password2 = self.cleaned_data.get("password1"), self.cleaned_data["password2"]
        if password1 and password1 != password2:
            raise forms.ValidationError(_("The two passwords differ."))
        email = self.cleaned_data.get("email", "")
        contact = get_user_model()(
            username=email.lower(), email=email, first_name=self.cleaned_data.get("contact_name", "")
        )
        password_validation.validate_password(password2, user=contact)
        return password2

    def filled_by_robot(self) -> bool:
        return bool(self.cleaned_data.get("website_url"))

    def registration(self) -> dict:
        """Return the arguments of organisation_register that the form holds."""
        fields = ["name", "country", "type", "website", "contact_name", "email"]
        return {**{field: self.cleaned_data[field] for field in fields}, "password": self.cleaned_data["password2"]}


class DeclineForm(forms.Form):
    reason = EnteredTextField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The organisation's contact receives this text by e-mail."),
    )
