"""The cells of the raw answer exports: PostgreSQL builds them in the database, SQLite in Python, alike."""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from consult.models import Position
from consult.services.answer_cells import cells_from_rows, response_cells
from consult.services.positions import position_for
from surveys.models import Answer, Question, Response

from .factories import make_member_state, make_question, make_survey
from .test_exports import answered, by_respondent, csv_table, xlsx_table  # noqa: F401 (answered: a fixture)

ROOT = Path(__file__).resolve().parent.parent
HUGE = "Une très longue contribution. " * 3300  # 99,000 characters, over a workbook cell's 32,767.
# SQLite keeps decimals as floats: 15 significant digits at most.
NUMBERS = [Decimal("-12.500000"), Decimal("100"), Decimal("0"), Decimal("0.000001"), Decimal("123456789.123456")]
SCALE_VALUES = ["4", "-3", "007", "٣", "n/a", "1234567890123456"]
CODES = ["scale", "single", "yes_no", "multiple", "ranking", "number", "short", "long", "versioned"]
# Loads the survey fixture into a fresh SQLite file and prints the cells of its responses there.
SQLITE_CELLS = """
import json
import uuid
from django.core.management import call_command
from consult.services.answer_cells import response_cells
from surveys.models import Response

call_command("loaddata", {fixture!r}, verbosity=0)
keys = [str(key) for key in Response.objects.values_list("pk", flat=True)]
cells = response_cells(keys, {codes!r})
print(json.dumps({{str(uuid.UUID(key)): {{code: ["text", value] if isinstance(value, str) else ["number", str(value)]
                                       for code, value in row.items()}} for key, row in cells.items()}}))
"""


def answer(response, question, **fields):
    if "choice" in fields:
        fields["choice"] = question.choices.get(value=fields["choice"])
    return Answer.objects.create(response=response, question=question, **fields)


@pytest.fixture
def surveyed(db):
    """Responses answering a question of every type, numbers and scales of every shape, two versions of a question."""
    survey = make_survey()
    questions = {
        "scale": make_question(survey, "scale", Question.Type.SCALE, SCALE_VALUES),
        "single": make_question(survey, "single", Question.Type.SINGLE_CHOICE, ("yes", "=1+1")),
        "yes_no": make_question(survey, "yes_no", Question.Type.YES_NO, ("yes", "no")),
        "multiple": make_question(survey, "multiple", Question.Type.MULTIPLE_CHOICE, ("radio", "press", "online")),
        "ranking": make_question(survey, "ranking", Question.Type.RANKING, ("1.1", "1.2", "1.3")),
        "number": make_question(survey, "number", Question.Type.NUMBER, ()),
        "short": make_question(survey, "short", Question.Type.SHORT_TEXT, ()),
        "long": make_question(survey, "long", Question.Type.LONG_TEXT, ()),
        "versioned": make_question(survey, "versioned", Question.Type.SINGLE_CHOICE, ("old", "older"), is_current=False),
    }
    later = make_question(survey, "versioned", Question.Type.MULTIPLE_CHOICE, ("new", "newer"), version=2)
    responses = [Response.objects.create(survey=survey, status="submitted") for _ in range(len(SCALE_VALUES))]
    for index, response in enumerate(responses):
        answer(response, questions["scale"], choice=SCALE_VALUES[index])
        answer(response, questions["number"], number=NUMBERS[index % len(NUMBERS)])
        answer(response, questions["versioned"], choice="old")
    first, second, third = responses[:3]
    answer(first, questions["single"], choice="=1+1")
    answer(first, questions["yes_no"], choice="no")
    for choice in ["online", "radio"]:
        answer(first, questions["multiple"], choice=choice)
    for choice, rank in [("1.3", 1), ("1.1", 2), ("1.2", 3)]:
        answer(first, questions["ranking"], choice=choice, rank=rank)
    answer(first, questions["short"], text="@SUM(1)")
    answer(first, questions["long"], text=HUGE)
    for choice in ["newer", "new"]:
        answer(first, later, choice=choice)
    answer(second, questions["short"], text="")
    answer(second, questions["long"], text='Deux lignes,\r\n"citées"; et \x07 une cloche')
    answer(third, questions["short"], text="5")
    return responses


def keys_of(responses):
    return [str(response.pk) for response in responses]


def typed(cells: dict) -> dict:
    """Return the cells with each value's kind: text, or a number (int or Decimal) by its plain writing."""
    return {key: {code: ("text", value) if isinstance(value, str) else ("number", str(value))
                  for code, value in row.items()} for key, row in cells.items()}


def test_postgresql_builds_the_cells_python_groups_from_the_rows(surveyed):
    keys = keys_of(surveyed)
    assert connection.vendor == "postgresql"
    from_database = response_cells(keys, CODES)

    assert typed(from_database) == typed(cells_from_rows("default", keys, CODES))
    assert set(from_database) == set(keys)


def test_each_question_type_has_its_cell(surveyed):
    cells = response_cells(keys_of(surveyed), CODES)
    first, second, third = (cells[key] for key in keys_of(surveyed)[:3])

    assert first == {
        "scale": 4, "single": "=1+1", "yes_no": "no", "multiple": "radio; online", "ranking": "1.3 > 1.1 > 1.2",
        "number": Decimal("-12.5"), "short": "@SUM(1)", "long": HUGE, "versioned": "new; newer",
    }
    assert second["short"] == "" and second["long"] == 'Deux lignes,\r\n"citées"; et \x07 une cloche'
    assert third["short"] == "5", "only a scale's integers become numbers"


def test_numbers_are_written_plainly_and_scale_integers_are_ascii_only(surveyed):
    cells = [response_cells(keys_of(surveyed), CODES)[key] for key in keys_of(surveyed)]

    assert [str(row["number"]) for row in cells] == ["-12.5", "100", "0", "0.000001", "123456789.123456", "-12.5"]
    assert [row["scale"] for row in cells] == [4, -3, 7, "٣", "n/a", "1234567890123456"]


def test_answers_to_a_later_version_replace_the_earlier_ones(surveyed):
    cells = [response_cells(keys_of(surveyed), CODES)[key] for key in keys_of(surveyed)]

    assert cells[0]["versioned"] == "new; newer"
    assert {row["versioned"] for row in cells[1:]} == {"old"}, "the latest version each response answered"


def test_sqlite_builds_the_same_cells(surveyed, tmp_path):
    keys = keys_of(surveyed)
    fixture = tmp_path / "surveys.json"
    call_command("dumpdata", "surveys", output=str(fixture), verbosity=0)
    database = tmp_path / "cells.sqlite3"
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    for command in (["migrate", "--no-input", "-v0"],
                    ["shell", "-c", SQLITE_CELLS.format(fixture=str(fixture), codes=CODES)]):
        done = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]

    on_sqlite = json.loads(done.stdout.strip().splitlines()[-1])
    on_postgresql = json.loads(json.dumps(typed(response_cells(keys, CODES))))
    assert on_sqlite == on_postgresql and len(on_sqlite) == len(keys)


def test_exported_texts_are_neutralised_and_huge_ones_fit_a_workbook(answered, tmp_path):  # noqa: F811
    france = Position.objects.get(member_state__iso3="FRA")
    practices = france.response.answers.get(question__code="1.1-practices")
    Answer.objects.filter(pk=practices.pk).update(text="=HYPERLINK(\"http://x\")" + HUGE)
    senegal = position_for(consultation=answered, member_state=make_member_state("SEN"))
    answer(senegal.response, practices.question, text=" \t@SUM(1)")

    rows = by_respondent(csv_table(answered))
    assert rows["France"]["1.1-practices"] == "'=HYPERLINK(\"http://x\")" + HUGE
    assert rows["Senegal"]["1.1-practices"] == "' \t@SUM(1)"
    assert rows["France"]["1-overall"] == "support" and rows["France"]["1.1-budget"] == -12.5
    cells = by_respondent(xlsx_table(answered, tmp_path / "huge.xlsx")[0])
    assert cells["France"]["1.1-practices"] == "'" + ("=HYPERLINK(\"http://x\")" + HUGE)[:32766]
    assert cells["Senegal"]["1.1-practices"] == "' \t@SUM(1)"
