"""The form builder: one field per question by type; save refuses only malformed input."""

from decimal import Decimal

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from surveys.forms import SHOWN_FIELD, RankingField, RankingWidget, form_data, section_form
from surveys.models import Question

from .factories import make_question, make_survey

Type = Question.Type


@pytest.fixture
def survey(db):
    return make_survey()


def question_of(survey, type, code="q", **kwargs):
    kwargs.setdefault("choices", ())
    return make_question(survey, code=code, type=type, **kwargs)


@pytest.mark.parametrize(
    ("type", "choices", "field_class", "widget_class"),
    [
        (Type.SCALE, ("1", "2", "3"), forms.ChoiceField, forms.RadioSelect),
        (Type.SINGLE_CHOICE, ("yes", "no"), forms.ChoiceField, forms.RadioSelect),
        (Type.YES_NO, ("yes", "no"), forms.ChoiceField, forms.RadioSelect),
        (Type.MULTIPLE_CHOICE, ("a", "b"), forms.MultipleChoiceField, forms.CheckboxSelectMultiple),
        (Type.NUMBER, (), forms.DecimalField, forms.NumberInput),
        (Type.SHORT_TEXT, (), forms.CharField, forms.TextInput),
        (Type.LONG_TEXT, (), forms.CharField, forms.Textarea),
        (Type.RANKING, ("1.1", "1.2", "1.3"), RankingField, RankingWidget),
    ],
)
def test_each_type_makes_its_field_and_widget_named_by_the_question_code(
    survey, type, choices, field_class, widget_class
):
    question = question_of(survey, type, code="3.2-priority", choices=choices)

    field = section_form([question]).fields["3.2-priority"]

    assert isinstance(field, field_class)
    assert isinstance(field.widget, widget_class)
    if choices:
        assert [value for value, _label in getattr(field, "choices", None) or field.items] == list(choices)


def test_every_type_has_a_field_maker():
    from surveys.forms import FIELD_CREATORS

    assert set(FIELD_CREATORS) == set(Type)


def test_text_limits_come_from_the_question(survey):
    short = question_of(survey, Type.SHORT_TEXT, code="short", max_length=80)
    long = question_of(survey, Type.LONG_TEXT, code="long", max_length=5000)

    form = section_form([short, long])

    assert form.fields["short"].max_length == 80
    assert form.fields["long"].max_length == 5000


def test_long_text_shows_its_limit_without_cutting_pasted_text(survey):
    question = question_of(survey, Type.LONG_TEXT, max_length=5000, help_text="Describe.")

    html = str(section_form([question])["q"])
    help_text = section_form([question]).fields["q"].help_text

    assert 'data-max-length="5000"' in html
    assert "maxlength" not in html
    assert "5,000 characters at most." in help_text
    assert 'aria-describedby="id_q_helptext"' in html


def test_a_choice_not_offered_is_refused(survey):
    question = question_of(survey, Type.SINGLE_CHOICE, choices=("support", "oppose"))

    form = section_form([question], data={"q": "abstain"})

    assert not form.is_valid()
    assert "q" in form.errors


def test_a_multiple_choice_not_offered_is_refused(survey):
    question = question_of(survey, Type.MULTIPLE_CHOICE, choices=("a", "b"))

    form = section_form([question], data={"q": ["a", "z"]})

    assert not form.is_valid()


@pytest.mark.parametrize("typed", ["twelve", "NaN", "Infinity", "1" * 15])
def test_text_or_an_impossible_number_is_refused_in_a_number_field(survey, typed):
    question = question_of(survey, Type.NUMBER)

    form = section_form([question], data={"q": typed})

    assert not form.is_valid()


def test_a_number_is_kept_exactly(survey):
    question = question_of(survey, Type.NUMBER)

    form = section_form([question], data={"q": "1234.5"})

    assert form.is_valid()
    assert form.cleaned_data["q"] == Decimal("1234.5")


def test_over_long_text_is_refused(survey):
    question = question_of(survey, Type.LONG_TEXT, max_length=10)

    form = section_form([question], data={"q": "x" * 11})

    assert not form.is_valid()
    assert "at most 10 characters" in str(form.errors["q"])


def test_a_line_break_counts_as_one_character(survey):
    question = question_of(survey, Type.LONG_TEXT, max_length=3)

    form = section_form([question], data={"q": "a\r\nb"})

    assert form.is_valid()
    assert form.cleaned_data["q"] == "a\nb"


def test_text_without_a_limit_gets_a_generous_one(survey):
    question = question_of(survey, Type.SHORT_TEXT)

    assert section_form([question]).fields["q"].max_length == 500


def test_saving_requires_nothing(survey):
    questions = [
        question_of(survey, Type.SINGLE_CHOICE, code="a", choices=("yes", "no"), required=True),
        question_of(survey, Type.LONG_TEXT, code="b", required=True),
        question_of(survey, Type.RANKING, code="c", choices=("1", "2"), required=True),
    ]

    form = section_form(questions, data={})

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"a": "", "b": "", "c": {}}


def test_submission_requires_the_required_questions_only(survey):
    required = question_of(survey, Type.SINGLE_CHOICE, code="a", choices=("yes", "no"), required=True)
    optional = question_of(survey, Type.LONG_TEXT, code="b", required=False)

    form = section_form([required, optional], data={}, for_submit=True)

    assert not form.is_valid()
    assert list(form.errors) == ["a"]


def test_optional_questions_say_so_and_required_ones_say_nothing(survey):
    required = question_of(survey, Type.SHORT_TEXT, code="a", required=True)
    optional = question_of(survey, Type.SHORT_TEXT, code="b", required=False)

    form = section_form([required, optional])

    assert "Optional." not in form.fields["a"].help_text
    assert form.fields["b"].help_text.startswith("Optional.")


@pytest.fixture
def ranking(survey):
    return question_of(survey, Type.RANKING, code="r", choices=("1.1", "1.2", "1.3"))


def test_a_ranking_is_kept_as_positions_by_item(ranking):
    form = section_form([ranking], data={"r_0": "2", "r_1": "1", "r_2": "3"})

    assert form.is_valid()
    assert form.cleaned_data["r"] == {"1.1": 2, "1.2": 1, "1.3": 3}


def test_a_ranking_may_be_saved_half_done(ranking):
    form = section_form([ranking], data={"r_0": "1", "r_1": "", "r_2": ""})

    assert form.is_valid()
    assert form.cleaned_data["r"] == {"1.1": 1}


@pytest.mark.parametrize(
    "data",
    [
        {"r_0": "1", "r_1": "1", "r_2": "2"},
        {"r_0": "4", "r_1": "1", "r_2": "2"},
        {"r_0": "0", "r_1": "1", "r_2": "2"},
        {"r_0": "first", "r_1": "1", "r_2": "2"},
    ],
    ids=["same position twice", "beyond the items", "zero", "not a number"],
)
def test_a_ranking_refuses_positions_that_are_not_distinct_or_in_range(ranking, data):
    assert not section_form([ranking], data=data).is_valid()


def test_a_started_ranking_must_be_complete_to_submit(ranking):
    form = section_form([ranking], data={"r_0": "1", "r_1": "2", "r_2": ""}, for_submit=True)

    assert not form.is_valid()
    assert "every item" in str(form.errors["r"])


def test_a_ranking_shows_items_in_their_saved_order_each_with_a_labelled_select(ranking):
    html = str(section_form([ranking], initial={"r": {"1.1": 3, "1.2": 1, "1.3": 2}})["r"])

    assert html.index("1.2") < html.index("1.3") < html.index("1.1")
    assert '<label for="id_r_0"' in html
    assert '<option value="3" selected>3</option>' in html


def test_radio_groups_are_fieldsets_with_a_legend_and_described_by_their_help(survey):
    question = question_of(survey, Type.SCALE, choices=("1", "2"), help_text="1 = low; 5 = high.")

    html = render_crispy_form(section_form([question]))

    assert "<fieldset" in html
    assert "<legend" in html
    assert 'aria-describedby="id_q_helptext"' in html


def test_question_text_is_escaped_and_keeps_its_line_breaks(survey):
    question = question_of(survey, Type.SHORT_TEXT, text="Recommendation <b>1.1</b>\nWhat do you think?")

    html = render_crispy_form(section_form([question]))

    assert "Recommendation &lt;b&gt;1.1&lt;/b&gt;<br>What do you think?" in html


def test_help_text_is_escaped(survey):
    question = question_of(survey, Type.SHORT_TEXT, help_text="<script>alert(1)</script>")

    html = render_crispy_form(section_form([question]))

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_saved_values_posted_back_validate_to_the_same_answers(survey):
    questions = [
        question_of(survey, Type.MULTIPLE_CHOICE, code="m", choices=("a", "b", "c")),
        question_of(survey, Type.RANKING, code="r", choices=("x", "y")),
        question_of(survey, Type.NUMBER, code="n"),
        question_of(survey, Type.SINGLE_CHOICE, code="s", choices=("yes", "no")),
    ]
    values = {"m": ["a", "c"], "r": {"x": 2, "y": 1}, "n": Decimal("12.5"), "s": "no"}

    form = section_form(questions, data=form_data(questions, values))

    assert form.is_valid(), form.errors
    assert form.cleaned_data == values


def test_a_save_changes_only_the_questions_it_posts(survey):
    questions = [
        question_of(survey, Type.SINGLE_CHOICE, code="kept", choices=("yes", "no")),
        question_of(survey, Type.LONG_TEXT, code="posted"),
        question_of(survey, Type.MULTIPLE_CHOICE, code="boxes", choices=("a", "b")),
        question_of(survey, Type.RANKING, code="ranked", choices=("1.1", "1.2")),
    ]
    form = section_form(questions, data=MultiValueDict({"posted": ["New text"]}))

    assert form.is_valid()
    assert form.posted_answers() == {"posted": "New text"}


def test_fields_shown_on_the_page_and_posted_empty_are_cleared(survey):
    questions = [
        question_of(survey, Type.MULTIPLE_CHOICE, code="boxes", choices=("a", "b")),
        question_of(survey, Type.SINGLE_CHOICE, code="text", choices=("yes", "no")),
        question_of(survey, Type.LONG_TEXT, code="hidden"),
    ]
    # No box ticked: the browser sends nothing for the checkboxes, but the page says it showed them.
    data = MultiValueDict({SHOWN_FIELD: ["boxes", "text"], "text": [""]})

    form = section_form(questions, data=data)

    assert form.is_valid()
    assert form.posted_answers() == {"boxes": [], "text": ""}


def test_a_question_prompt_is_its_last_line_and_its_subject_the_lines_before(survey):
    question = question_of(survey, Type.SHORT_TEXT, text="Recommendation 1.1: “Act.”\n\nHow far along is it?")
    single = question_of(survey, Type.SHORT_TEXT, code="one", text="How far along is it?")

    assert (question.subject, question.prompt) == ("Recommendation 1.1: “Act.”", "How far along is it?")
    assert (single.subject, single.prompt) == ("", "How far along is it?")


@pytest.mark.parametrize("stated", ["Facultatif. 5\u00a0000 caractères au maximum.", "Up to 5,000 characters.",
                                    "Не более 5000 знаков.", "最多 5 000 个字符。"])
def test_a_limit_the_help_text_states_in_any_notation_is_not_repeated(survey, stated):
    question = question_of(survey, Type.LONG_TEXT, max_length=5000, help_text=stated)

    assert "characters at most" not in section_form([question]).fields["q"].help_text


def test_an_optional_long_text_says_optional_and_its_limit_in_the_page_language(survey):
    question = question_of(survey, Type.LONG_TEXT, max_length=5000, help_text="", required=False)

    with translation.override("fr"):
        help_text = str(section_form([question]).fields["q"].help_text)

    assert help_text == "Facultatif. 5\u00a0000 caractères au maximum."
