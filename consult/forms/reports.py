from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..models import Report

WORLD = "world"


class ReportBuildForm(forms.Form):
    """Choose the regions (or all of them), the formats and the language of summaries to build.

    The raw answers (CSV, XLSX) can be chosen too: exported on the workers, per region; not chosen at first.
    """

    all_regions = forms.BooleanField(label=_("The world and every region and grouping"), required=False)
    regions = forms.MultipleChoiceField(
        label=_("Or only these"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    formats = forms.MultipleChoiceField(
        label=_("Formats"), widget=forms.CheckboxSelectMultiple,
        choices=[(value, Report.Format(value).label) for value in [*Report.SUMMARY_FORMATS, *Report.EXPORT_FORMATS]],
    )
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)

    def __init__(self, *args, groupings, **kwargs):
        super().__init__(*args, **kwargs)
        self.groupings = {grouping.code: grouping for grouping in groupings}
        choices = [(WORLD, _("World"))] + [(code, str(grouping)) for code, grouping in self.groupings.items()]
        self.fields["regions"].choices = choices
        self.fields["language"].initial = get_language()
        self.fields["formats"].initial = Report.SUMMARY_FORMATS

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_regions") and not cleaned.get("regions"):
            self.add_error("regions", _("Choose at least one region, or all of them."))
        return cleaned

    def chosen_groupings(self) -> list:
        """Return the groupings to build (None: the world)."""
        if self.cleaned_data["all_regions"]:
            return [None, *self.groupings.values()]
        return [None if code == WORLD else self.groupings[code] for code in self.cleaned_data["regions"]]
