from django import forms
from django.template.defaultfilters import linebreaksbr
from django.utils.translation import gettext_lazy as _

from ..models import PriorityArea, Publication
from ..selectors.answering import QuestionGroup, question_groups, quotes_page


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


def field_groups(form, area: PriorityArea | None) -> list[QuestionGroup]:
    """Return the page's questions grouped by what they ask about, each group with its bound fields.

    A question whose text quotes a subject already on the page (the recommendation, the
    headline, the area) is labelled with its prompt only; any other keeps its whole text.
    """
    groups = question_groups(list(form.questions.values()), area)
    for group in groups:
        group.fields = [form[question.code] for question in group.questions]
        for bound, question in zip(group.fields, group.questions):
            if quotes_page(question, area):
                bound.label = linebreaksbr(question.prompt, autoescape=True)
    return groups
