import base64
from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..models import Audience

TABLE_EXTENSIONS = {".csv", ".xlsx"}


def table_upload_clean(upload, extensions=TABLE_EXTENSIONS):
    """Refuse an upload of another kind or over the size limit, with a message naming what is wrong."""
    if Path(upload.name).suffix.lower() not in extensions:
        raise forms.ValidationError(
            _("Upload a file of one of these kinds: %(kinds)s.") % {"kinds": ", ".join(sorted(extensions))}
        )
    if upload.size > settings.RESPONSE_IMPORT_MAX_BYTES:
        raise forms.ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.RESPONSE_IMPORT_MAX_BYTES)}
        )
    return upload


class ResponseImportForm(forms.Form):
    file = forms.FileField(label=_("File of responses"))
    audience = forms.ChoiceField(
        label=_("Audience"), required=False,
        choices=[("", _("Both audiences")), *Audience.choices],
        help_text=_("Import only the lines of this audience."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV (UTF-8) or XLSX in the layout of the answers export, at most %(size)s."
        ) % {"size": filesizeformat(settings.RESPONSE_IMPORT_MAX_BYTES)}

    def clean_file(self):
        return table_upload_clean(self.cleaned_data["file"])


class OfflineUploadForm(forms.Form):
    file = forms.FileField(label=_("Filled questionnaire (Word document or spreadsheet)"))

    def clean_file(self):
        return table_upload_clean(self.cleaned_data["file"], extensions={".docx", ".xlsx"})


class OfflineConfirmForm(forms.Form):
    """The previewed file, sent back with the confirmation and checked again before anything changes."""

    content = forms.CharField(widget=forms.HiddenInput)
    filename = forms.CharField(widget=forms.HiddenInput, max_length=255)

    def clean_content(self):
        try:
            return base64.b64decode(self.cleaned_data["content"], validate=True)
        except ValueError:
            raise forms.ValidationError(_("The file was lost on the way; upload it again.")) from None
