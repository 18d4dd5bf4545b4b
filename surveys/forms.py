"""The form builder: one form field per question, made by `create_<type>_field`, as in Wagtail.

On save a page refuses only what cannot be kept as it is (a choice not offered, text in a number
field, text over its limit); required questions are required only when the response is checked
for submission (`for_submit=True`).

A save changes only the questions it posts (`SectionForm.posted_answers`): a field missing from
the post is left as it was, and a field posted blank is cleared. A browser sends nothing for a
multiple choice with no box ticked, so the page lists the fields it shows in `SHOWN_FIELD`: those
are posted, ticked or not.
"""

import re

from django import forms
from django.template.defaultfilters import linebreaksbr
from django.utils.datastructures import MultiValueDict
from django.utils.formats import number_format
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Question
from .text import entered_text

Type = Question.Type

# The hidden input, one per field of the page, naming the fields the person saw (and so may have cleared).
SHOWN_FIELD = "_shown"


class RankingWidget(forms.Widget):
    """An ordered list of items, each with a select of its position (1 to n).

    Works with a keyboard and without JavaScript; questionnaire.js adds Move up / Move down
    buttons. Items show in their saved order, unranked ones last.
    """

    template_name = "surveys/widgets/ranking.html"
    use_fieldset = True

    def __init__(self, items=(), attrs=None):
        super().__init__(attrs)
        self.items = list(items)

    def value_from_datadict(self, data, files, name):
        return [data.get(f"{name}_{index}", "") for index in range(len(self.items))]

    def value_omitted_from_data(self, data, files, name):
        return all(f"{name}_{index}" not in data for index in range(len(self.items)))

    def id_for_label(self, id_):
        # The group is labelled by its legend; each select by its own label.
        return ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        positions = self.positions(value)
        items = [
            {"name": f"{name}_{index}", "id": f"{attrs.get('id', name)}_{index}", "label": label, "position": position}
            for index, ((_value, label), position) in enumerate(zip(self.items, positions))
        ]
        items.sort(key=lambda item: int(item["position"]) if item["position"].isdigit() else len(items) + 1)
        context["widget"].update(items=items, positions=[str(number) for number in range(1, len(items) + 1)])
        return context

    def positions(self, value) -> list[str]:
        """Return each item's position as a string ("" when unranked), in item order."""
        if isinstance(value, dict):
            return [str(value.get(item, "")) for item, _label in self.items]
        value = list(value) if isinstance(value, (list, tuple)) else []
        return [str(position or "") for position in value + [""] * (len(self.items) - len(value))]


class RankingField(forms.Field):
    """A ranking as {item value: position}; positions are distinct, from 1 to the number of items."""

    widget = RankingWidget
    default_error_messages = {
        "invalid_position": _("Choose a position between 1 and %(count)s."),
        "duplicate": _("Give each item a different position."),
        "incomplete": _("Give every item a position."),
    }

    def __init__(self, *, items, require_complete=False, **kwargs):
        self.items = list(items)
        self.require_complete = require_complete
        super().__init__(**kwargs)
        self.widget.items = self.items

    def to_python(self, value) -> dict[str, int]:
        if isinstance(value, dict):
            return value
        ranks = {}
        for (item, _label), raw in zip(self.items, value or []):
            if str(raw).strip():
                ranks[item] = self.position(raw)
        return ranks

    def position(self, raw) -> int:
        try:
            position = int(str(raw).strip())
        except ValueError:
            position = 0
        if not 1 <= position <= len(self.items):
            raise forms.ValidationError(
                self.error_messages["invalid_position"], code="invalid_position", params={"count": len(self.items)}
            )
        return position

    def validate(self, value):
        super().validate(value)
        if len(set(value.values())) != len(value):
            raise forms.ValidationError(self.error_messages["duplicate"], code="duplicate")
        if value and self.require_complete and len(value) < len(self.items):
            raise forms.ValidationError(self.error_messages["incomplete"], code="incomplete")


class EnteredTextField(forms.CharField):
    """A text as typed or pasted, kept clean (surveys.text): no control characters, "\\n" line breaks.

    Browsers send line breaks as CRLF but count them as one character, as the counter does.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if not isinstance(value, str):
            return value
        value = entered_text(value)
        return value.strip() if self.strip else value


class LimitedCharField(EnteredTextField):
    """A text with a limit the browser shows (a counter) but does not enforce."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A browser cuts pasted text at maxlength without a word; the counter warns instead
        # and the server refuses, so nothing typed is lost.
        attrs.pop("maxlength", None)
        attrs["data-max-length"] = str(self.max_length)
        return attrs


def question_label(question: Question) -> str:
    return linebreaksbr(question.text, autoescape=True)


def question_help(question: Question, *notes: str) -> str:
    """Return the question's help text and notes, escaped: crispy-forms marks help text safe.

    Questions are required unless they say otherwise (GOV.UK marks the optional ones): an
    optional question whose help text says nothing says "Optional.".
    """
    optional = _("Optional.") if not question.required and not question.help_text else ""
    parts = [optional, question.help_text, *notes]
    return format_html_join(" ", "{}", ((part,) for part in parts if part))


def question_choices(question: Question) -> list[tuple[str, str]]:
    return [(choice.value, choice.label) for choice in question.choices.all()]


def limit_note(question: Question, max_length: int) -> str:
    """Return "N characters at most.", unless the question's help already states its limit."""
    count = number_format(max_length, force_grouping=True)
    # "5 000", "5,000" and "5000" state the same limit, whatever the help text's language.
    if str(max_length) in re.sub(r"(?<=\d)[\s,.'\u00a0\u202f](?=\d{3})", "", question.help_text):
        return ""
    return ngettext("%(count)s character at most.", "%(count)s characters at most.", max_length) % {"count": count}


def create_choice_field(question: Question) -> forms.Field:
    return forms.ChoiceField(
        label=question_label(question),
        help_text=question_help(question),
        choices=question_choices(question),
        widget=forms.RadioSelect,
    )


create_scale_field = create_choice_field
create_single_choice_field = create_choice_field
create_yes_no_field = create_choice_field


class CheckboxesWidget(forms.CheckboxSelectMultiple):
    """Checkboxes whose value is omitted when the post has none of them, as for any other input.

    Django takes unticked boxes for a posted empty list; here the page says so with SHOWN_FIELD.
    """

    def value_omitted_from_data(self, data, files, name):
        return name not in data


def create_multiple_choice_field(question: Question) -> forms.Field:
    return forms.MultipleChoiceField(
        label=question_label(question),
        help_text=question_help(question),
        choices=question_choices(question),
        widget=CheckboxesWidget,
    )


def create_number_field(question: Question) -> forms.Field:
    # The digits of Answer.number: a number the column cannot hold is refused, not rounded.
    return forms.DecimalField(
        label=question_label(question),
        help_text=question_help(question),
        max_digits=20,
        decimal_places=6,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )


def create_short_text_field(question: Question) -> forms.Field:
    max_length = question.text_limit()
    return LimitedCharField(
        label=question_label(question),
        help_text=question_help(question, limit_note(question, max_length)),
        max_length=max_length,
    )


def create_long_text_field(question: Question) -> forms.Field:
    max_length = question.text_limit()
    return LimitedCharField(
        label=question_label(question),
        help_text=question_help(question, limit_note(question, max_length)),
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def create_ranking_field(question: Question) -> forms.Field:
    return RankingField(
        label=question_label(question), help_text=question_help(question), items=question_choices(question)
    )


FIELD_CREATORS = {
    Type.SCALE: create_scale_field,
    Type.SINGLE_CHOICE: create_single_choice_field,
    Type.MULTIPLE_CHOICE: create_multiple_choice_field,
    Type.YES_NO: create_yes_no_field,
    Type.NUMBER: create_number_field,
    Type.SHORT_TEXT: create_short_text_field,
    Type.LONG_TEXT: create_long_text_field,
    Type.RANKING: create_ranking_field,
}


class SectionForm(forms.Form):
    """The answers to the questions of one section (page); field names are question codes."""

    # The page is saved half-filled: the browser must not hold it back for a blank field.
    use_required_attribute = False

    def __init__(self, questions, *, for_submit=False, **kwargs):
        super().__init__(**kwargs)
        self.questions = {question.code: question for question in questions}
        for question in questions:
            field = FIELD_CREATORS[question.type](question)
            field.required = for_submit and question.required
            if isinstance(field, RankingField):
                field.require_complete = for_submit
            self.fields[question.code] = field

    def posted_answers(self) -> dict:
        """Return the cleaned answers of the fields the post holds or lists as shown; the others stay as saved."""
        shown = set(self.data.getlist(SHOWN_FIELD)) if hasattr(self.data, "getlist") else set()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in shown or not self.fields[name].widget.value_omitted_from_data(self.data, self.files, name)
        }

    def error_summary(self) -> list[tuple[str, str, str]]:
        """Return (element id, question, message) for each error, for the summary atop the page."""
        summary = []
        for name, errors in self.errors.items():
            bound = self[name] if name in self.fields else None
            anchor = (bound.id_for_label or f"{bound.auto_id}_0") if bound else ""
            label = short_label(self.questions[name]) if bound else ""
            summary += [(anchor, label, error) for error in errors]
        return summary


def short_label(question: Question) -> str:
    """Return the question proper, after the code it was made from."""
    return f"{question.reference or question.code}: {question.prompt}"


def section_form(questions, *, data=None, initial=None, for_submit=False) -> SectionForm:
    """Return the form of a section's questions, bound to `data` when given."""
    return SectionForm(list(questions), data=data, initial=initial, for_submit=for_submit)


def form_data(questions, values: dict) -> MultiValueDict:
    """Return saved values as a browser would post them, to check them as a submission would."""
    data = MultiValueDict()
    for question in questions:
        value = values.get(question.code)
        if question.type == Type.MULTIPLE_CHOICE:
            data.setlist(question.code, list(value or []))
        elif question.type == Type.RANKING:
            for index, (item, _label) in enumerate(question_choices(question)):
                data[f"{question.code}_{index}"] = str((value or {}).get(item, ""))
        else:
            data[question.code] = "" if value is None else str(value)
    return data
