"""The benchmark's data and counts: the figures it reports rest on these."""

from consult.models import Position
from consult.services.demo_responses import answers_write, demo_responses_generate
from surveys.models import Answer, Question, Response

from bench.__main__ import SizedFigures, growth, parse
from bench.database import rebuild_statements
from bench.figures import Figures

from .factories import STATES, make_member_state, make_open_consultation


def test_a_rebuild_runs_as_many_statements_for_ten_times_the_demo_responses(db):
    for iso3 in STATES:
        make_member_state(iso3)
    consultation = make_open_consultation()
    demo_responses_generate(consultation=consultation, states=len(STATES), organisations=8, all_submitted=True)
    few = rebuild_statements(consultation)
    demo_responses_generate(consultation=consultation, states=len(STATES), organisations=80, all_submitted=True)

    assert Position.objects.filter(consultation=consultation, audience="civil_society").count() == 80
    assert rebuild_statements(consultation) == few


def test_benchmark_responses_are_all_submitted_with_distinct_receipts(db):
    make_member_state("FRA")
    consultation = make_open_consultation()

    demo_responses_generate(consultation=consultation, states=1, organisations=30, all_submitted=True)

    positions = Position.objects.filter(consultation=consultation)
    assert positions.count() == 31
    assert set(positions.values_list("status", "response__status").distinct()) == {("submitted", "submitted")}
    assert len(set(positions.values_list("receipt_number", flat=True))) == 31


def test_generated_answers_fit_their_questions_limits_so_an_export_imports_back(db):
    make_member_state("FRA")
    consultation = make_open_consultation()
    survey = consultation.questionnaires.get(audience="civil_society").survey
    Question.objects.filter(survey=survey, type=Question.Type.LONG_TEXT).update(max_length=400)

    demo_responses_generate(consultation=consultation, states=1, organisations=60, all_submitted=True)

    texts = Answer.objects.filter(question__survey=survey, question__type=Question.Type.LONG_TEXT)
    lengths = [len(text) for text in texts.values_list("text", flat=True)]
    assert lengths and max(lengths) <= 400
    assert sum(length > 200 for length in lengths) > 0  # the long ones were cut to the limit, not dropped


def test_answer_texts_are_loaded_as_written(db):
    consultation = make_open_consultation()
    survey = consultation.questionnaires.get(audience="civil_society").survey
    question = Question.objects.filter(survey=survey, type=Question.Type.LONG_TEXT).first()
    response = Response.objects.create(survey=survey)
    text = "Tabs\tand\nlines,\r\\N a backslash \\ and «accents»"

    assert answers_write(iter([(response.pk, question.pk, None, None, None, text)])) == 1
    assert Answer.objects.get(response=response).text == text


def test_growth_compares_each_figure_at_the_largest_size_with_the_smallest():
    figures = Figures()
    SizedFigures(figures, 1000).add("export_csv_peak_memory", 200.0, "MB")
    SizedFigures(figures, 10000).add("export_csv_peak_memory", 220.0, "MB")

    growth(figures, compare=None)

    assert figures.value("export_csv_peak_memory@10000/1000") == 1.1


def test_the_command_line_runs_one_or_several_sizes():
    assert parse([]).sizes == [10_000]
    assert parse(["--large"]).sizes == [100_000]
    assert parse(["--sizes", "100000,10000"]).sizes == [10_000, 100_000]
