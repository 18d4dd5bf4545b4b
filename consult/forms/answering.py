from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Publication


class PublicationForm(forms.Form):
    publication = forms.ChoiceField(
        label=_("How may these answers be used?"),
        choices=Publication.choices,
        widget=forms.RadioSelect,
        help_text=_("Published answers appear in the regional summaries; unpublished ones are only counted."),
    )


class RespondentForm(forms.Form):
    """The choice, for a person who acts for several states or organisations, of whom to answer for."""

    respondent = forms.ChoiceField(label=_("Answer on behalf of"), widget=forms.RadioSelect)

    def __init__(self, respondents, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.respondents = {respondent.key: respondent for respondent in respondents}
        self.fields["respondent"].choices = [(respondent.key, respondent.name) for respondent in respondents]

    def chosen(self):
        return self.respondents[self.cleaned_data["respondent"]]
