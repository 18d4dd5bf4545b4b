from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.forms import EnteredTextField

from ..models import Audience, MemberState, Position, RegionalGrouping
from ..selectors.coverage import CoverageStatus


class CoverageFilterForm(forms.Form):
    """Narrow the coverage page to one region or one status; read from the query string."""

    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=RegionalGrouping.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All regions"),
    )
    status = forms.ChoiceField(
        label=_("Status of the state"),
        choices=[("", _("All statuses")), *CoverageStatus.choices],
        required=False,
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def filter(self, rows):
        """Return the rows in the chosen region and status; a value that is not valid filters nothing."""
        region, status = self.cleaned_data.get("region"), self.cleaned_data.get("status")
        if region:
            rows = rows.filter(region=region)
        if status:
            rows = rows.filter(coverage_status=status)
        return rows


class DeadlineExtensionForm(forms.Form):
    member_state = forms.ModelChoiceField(
        label=_("Extend for"),
        queryset=MemberState.objects.all(),
        to_field_name="iso3",
        required=False,
        empty_label=_("The whole consultation"),
        help_text=_("Everyone, or only one member state."),
    )
    closes_at = forms.DateTimeField(
        label=_("New closing date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = EnteredTextField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with the extension and shown in the state's history."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_state"].queryset = MemberState.objects.in_name_order()
        zone = timezone.get_current_timezone_name()
        self.fields["closes_at"].help_text = _("Time zone: %(zone)s.") % {"zone": zone}


class PositionFilterForm(forms.Form):
    """Narrow the positions list by region, status and audience, and sort it; read from the query string."""

    region = forms.ModelChoiceField(
        label=_("Region"), queryset=RegionalGrouping.objects.none(), to_field_name="code", required=False,
        empty_label=_("All regions"),
    )
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All statuses")), *Position.Status.choices],
                               required=False)
    audience = forms.ChoiceField(label=_("Respondents"), choices=[("", _("States and organisations")),
                                                                   *Audience.choices], required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"), choices=[("activity", _("Latest activity first")), ("name", _("Name"))], required=False
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def filters(self) -> dict:
        """Return the valid choices as keyword arguments of `consultation_positions`; a wrong one filters nothing."""
        return {name: value for name, value in self.cleaned_data.items() if value}
