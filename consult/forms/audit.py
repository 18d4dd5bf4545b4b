from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AuditEvent, Consultation


class AuditFilterForm(forms.Form):
    """Narrow the audit trail; read from the query string, every field optional."""

    consultation = forms.ModelChoiceField(
        label=_("Consultation"),
        queryset=Consultation.objects.order_by("title"),
        to_field_name="slug",
        required=False,
        empty_label=_("All consultations"),
    )
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("All actions")), *AuditEvent.Action.choices], required=False
    )
    actor = forms.CharField(
        label=_("Done by"), max_length=150, required=False, help_text=_("Part of the name, or the exact username.")
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> dict:
        """Return the valid filters, for selectors.audit.audit_events; an invalid one filters nothing."""
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields if data.get(name)}
