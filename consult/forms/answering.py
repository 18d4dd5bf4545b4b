from dataclasses import dataclass, field

from django import forms
from django.forms import BoundField
from django.template.defaultfilters import linebreaksbr
from django.utils.translation import gettext_lazy as _

from surveys.models import Question

from ..models import PriorityArea, Publication


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


@dataclass
class QuestionGroup:
    """The questions of a page that ask about one thing (a recommendation), shown under it once."""

    heading: str
    subject: str
    code: str = ""
    fields: list[BoundField] = field(default_factory=list)


def question_groups(form, area: PriorityArea | None) -> list[QuestionGroup]:
    """Return the page's fields grouped by what they ask about, in page order.

    A question whose text quotes a subject already on the page (the recommendation, the
    headline, the area) is labelled with its prompt only; any other keeps its whole text.
    """
    recommendations = {rec.code: rec for rec in area.active_recommendations} if area else {}
    shown = [text.strip() for text in page_texts(area) if text.strip()]
    groups: list[QuestionGroup] = []
    for question in form.questions.values():
        group = group_of(question, area, recommendations)
        if not groups or (groups[-1].heading, groups[-1].subject) != (group.heading, group.subject):
            groups.append(group)
        bound = form[question.code]
        if any(text in question.subject for text in shown):
            bound.label = linebreaksbr(question.prompt, autoescape=True)
        groups[-1].fields.append(bound)
    return groups


def page_texts(area: PriorityArea | None) -> list[str]:
    if area is None:
        return []
    return [area.title, area.headline, *(recommendation.text for recommendation in area.active_recommendations)]


def group_of(question: Question, area: PriorityArea | None, recommendations: dict) -> QuestionGroup:
    """Return the (empty) group of what the question asks about; without a heading when unknown."""
    if question.reference in recommendations:
        recommendation = recommendations[question.reference]
        heading = _("Recommendation %(code)s") % {"code": recommendation.code}
        return QuestionGroup(heading=heading, subject=recommendation.text, code=recommendation.code)
    if area is None or question.reference != area.code:
        return QuestionGroup(heading="", subject="")
    if question.type == Question.Type.RANKING:
        return QuestionGroup(heading=_("Ranking of the recommendations"), subject="")
    return QuestionGroup(heading=_("Headline recommendation"), subject=area.headline)
