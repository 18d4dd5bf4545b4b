from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from surveys.forms import EnteredTextField

from ..models import Consultation

PAPER_EXTENSIONS = {".md", ".txt", ".docx"}


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["title", "slug", "language", "description", "status", "opens_at", "closes_at", "open_data_licence"]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }
        labels = {
            "title": _("Title"),
            "slug": _("Slug"),
            "language": _("Language"),
            "description": _("Description"),
            "status": _("Status"),
            "open_data_licence": _("Open-data licence"),
            "opens_at": _("Opens at"),
            "closes_at": _("Closes at"),
        }
        field_classes = {"title": EnteredTextField, "description": EnteredTextField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form posted without it (a script, an older page) keeps the default licence.
        self.fields["open_data_licence"].required = False

    def clean_open_data_licence(self):
        return self.cleaned_data["open_data_licence"] or Consultation._meta.get_field("open_data_licence").default

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The closing date must be after the opening date."))
        return cleaned


class PaperUploadForm(forms.Form):
    file = forms.FileField(label=_("Position paper"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set here, not on the field: the text is translated into the language of the request.
        self.fields["file"].help_text = _("Markdown (.md, .txt) or Word (.docx), at most %(size)s.") % {
            "size": filesizeformat(settings.POSITION_PAPER_MAX_BYTES)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in PAPER_EXTENSIONS:
            raise forms.ValidationError(_("Upload a .md, .txt or .docx file."))
        if upload.size > settings.POSITION_PAPER_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.POSITION_PAPER_MAX_BYTES)}
            )
        return upload
