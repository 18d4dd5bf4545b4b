"""A whole consultation's analysis spread over real workers, one task per question, each counted on its run once."""

import random
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from config.celery import app
from consult.models import AnalysisRun, AuditEvent, OutboxTask, QuestionReview, Source, Theme, ThemeMembership
from consult.services.demo_texts import themed_answer
from consult.services.themes.analysis import (
    QUESTION_TASK,
    QuestionOutcome,
    analysis_request,
    question_count,
    question_task_key,
    run_fail,
    text_question_codes,
    texts_analyse_spread,
)
from consult.tasks import question_analyse_task

from .factories import make_member_state, make_organisation, make_text_answer
from .theme_cases import PLANTED, members
from .workers import running_worker, wait_for

RUN_TIMEOUT = 180


def answer_every_question(consultation, count=24):
    """Give `count` organisations an answer on a planted theme to each of their long-text questions; return the codes.

    The questions only governments are asked stay unanswered: they are analysed too, with no answer.
    """
    rng = random.Random(5)
    make_member_state("SEN")
    answered = civil_society_codes(consultation)
    for number in range(count):
        organisation = make_organisation(name=f"Organisation {number:03d}", country="SN")
        for index, code in enumerate(answered):
            text = themed_answer("en", rng, [PLANTED[(number + index) % len(PLANTED)]]).text
            make_text_answer(consultation, organisation, code, text)
    return answered


def civil_society_codes(consultation) -> list[str]:
    survey = consultation.questionnaires.get(audience="civil_society").survey
    asked = set(survey.questions.filter(is_current=True).values_list("code", flat=True))
    return [code for code in text_question_codes(consultation) if code in asked]


def audited_runs(run) -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.TEXTS_ANALYSED, object_id=str(run.pk)).count()


def finished(run) -> AnalysisRun:
    """Wait for the run to be done or failed; return it."""
    def ended():
        run.refresh_from_db()
        return run.status in (AnalysisRun.Status.DONE, AnalysisRun.Status.FAILED)

    assert wait_for(ended, timeout=RUN_TIMEOUT), f"run still {run.status} at {run.progress} %"
    return run


def questions_taken() -> dict[str, int]:
    """Return how many question tasks each running worker has run since it started.

    Every worker on the tests' Redis: the suite's own (a session fixture) may be running too and
    take some of the questions.
    """
    stats = app.control.inspect(timeout=2).stats() or {}
    return {worker: stat["total"].get(QUESTION_TASK, 0) for worker, stat in stats.items()}


def workers_idle() -> bool:
    """Tell whether every question task has been taken and no worker is running a task any more."""
    if OutboxTask.objects.filter(task_name=QUESTION_TASK).exists():
        return False
    active = app.control.inspect(timeout=1).active()
    return active is not None and not any(active.values())


@pytest.fixture
def refused_question(consultation):
    """Make the database refuse the analysed answers of the last long-text question civil society is asked."""
    code = civil_society_codes(consultation)[-1]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_analysed_answer() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'this question is refused'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_analysed_answer BEFORE INSERT ON consult_analysedanswer FOR EACH ROW "
            "WHEN (NEW.question_code = %s) EXECUTE FUNCTION refuse_analysed_answer()", [code],
        )
    yield code
    with connection.cursor() as cursor:
        cursor.execute("DROP FUNCTION IF EXISTS refuse_analysed_answer() CASCADE")


@pytest.fixture(scope="module")
def two_workers(django_db_setup, django_db_blocker):
    """Two real Celery workers on Redis, one task at a time each, pointed at the test database; yield their names."""
    database = settings.DATABASES["default"]
    with running_worker(database) as first, running_worker(database) as second:
        yield [first, second]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_whole_consultation_on_two_workers_is_done_once_in_questionnaire_order(two_workers, consultation):
    answered, codes = answer_every_question(consultation), text_question_codes(consultation)
    assert len(answered) >= 4 and len(codes) > len(answered)
    taken_before = questions_taken()

    run = finished(analysis_request(consultation=consultation))

    assert (run.status, run.progress, run.error) == (AnalysisRun.Status.DONE, 100, "")
    assert run.finished_at is not None
    assert [outcome["code"] for outcome in run.outcome["questions"]] == codes
    assert {outcome["code"]: outcome["answers"] for outcome in run.outcome["questions"]} == {
        code: 24 if code in answered else 0 for code in codes
    }
    assert audited_runs(run) == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.TEXTS_ANALYSED, object_id=str(run.pk))
    assert event.details == {"questions": len(codes), "answers": 24 * len(answered), "campaigns": 0,
                             "themes_proposed": Theme.objects.filter(run=run).count()}
    assert set(Theme.objects.filter(run=run).values_list("question_code", flat=True)) == set(answered)
    assert not OutboxTask.objects.exists()  # Every question's task claimed its row.
    taken = {worker: count - taken_before.get(worker, 0) for worker, count in questions_taken().items()}
    assert sum(taken.values()) == len(codes)  # One task per question,
    assert sum(count > 0 for count in taken.values()) >= 2  # shared by the workers.


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_human_decisions_survive_a_second_run_on_two_workers(two_workers, consultation):
    answer_every_question(consultation)
    codes = text_question_codes(consultation)
    finished(analysis_request(consultation=consultation))
    accepted = Theme.objects.filter(question_code=codes[0]).first()
    Theme.objects.filter(pk=accepted.pk).update(status=Theme.Status.ACCEPTED, label="Données migratoires")
    removed = accepted.memberships.filter(is_member=True).first()
    ThemeMembership.objects.filter(pk=removed.pk).update(is_member=False, source=Source.HUMAN)
    kept_members = members(accepted)

    again = finished(analysis_request(consultation=consultation))

    assert again.status == AnalysisRun.Status.DONE
    accepted.refresh_from_db()
    assert (accepted.status, accepted.label) == (Theme.Status.ACCEPTED, "Données migratoires")
    assert members(accepted) == kept_members
    assert not ThemeMembership.objects.get(pk=removed.pk).is_member
    assert [outcome["code"] for outcome in again.outcome["questions"]] == codes
    assert all(outcome["new_answers"] == 0 for outcome in again.outcome["questions"])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_failing_question_fails_the_run_on_two_workers_for_good(two_workers, consultation, refused_question):
    answered = answer_every_question(consultation)

    run = finished(analysis_request(consultation=consultation))
    assert wait_for(workers_idle, timeout=RUN_TIMEOUT)

    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.FAILED
    assert run.error.startswith(f"{refused_question}: InternalError") and "this question is refused" in run.error
    assert run.finished_at is not None
    assert audited_runs(run) == 0
    assert not Theme.objects.filter(question_code=refused_question).exists()
    analysed = QuestionReview.objects.filter(analysed_at__isnull=False).values_list("question_code", flat=True)
    assert set(analysed) >= set(answered) - {refused_question}  # The others were analysed, yet the run failed.
    assert refused_question not in analysed


def test_a_question_delivered_again_is_counted_once(consultation):
    answer_every_question(consultation, count=15)
    codes = text_question_codes(consultation)
    run = texts_analyse_spread(run=AnalysisRun.objects.create(consultation=consultation))
    waiting = set(OutboxTask.objects.filter(task_name=QUESTION_TASK).values_list("dedupe_key", flat=True))
    assert waiting == {question_task_key(run.pk, code) for code in codes}

    texts_analyse_spread(run=run)  # The request delivered again enqueues nothing more.
    assert OutboxTask.objects.filter(task_name=QUESTION_TASK).count() == len(codes)

    question_analyse_task(run.pk, codes[0])
    question_analyse_task(run.pk, codes[0])
    run.refresh_from_db()
    assert (run.status, list(run.outcome["done"])) == (AnalysisRun.Status.RUNNING, [codes[0]])
    assert run.progress == int(99 / len(codes))

    for code in reversed(codes[1:]):
        question_analyse_task(run.pk, code)
    run.refresh_from_db()
    assert (run.status, run.progress) == (AnalysisRun.Status.DONE, 100)
    assert [outcome["code"] for outcome in run.outcome["questions"]] == codes
    assert audited_runs(run) == 1
    assert question_analyse_task(run.pk, codes[0]) == "nothing to analyse"  # Delivered once more, after the end.
    assert audited_runs(run) == 1


def test_a_failed_run_stays_failed_when_the_other_questions_finish(consultation, refused_question):
    answer_every_question(consultation, count=15)
    codes = text_question_codes(consultation)
    run = texts_analyse_spread(run=AnalysisRun.objects.create(consultation=consultation))
    under_way = AnalysisRun.objects.get(pk=run.pk)  # As another worker loaded it, before the failure.

    assert question_analyse_task(run.pk, refused_question) == AnalysisRun.Status.FAILED
    for code in codes:
        question_count(run=under_way, outcome=QuestionOutcome(code, answers=15))
    run_fail(run=under_way, error="a later error")

    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.FAILED
    assert run.error.startswith(f"{refused_question}: InternalError")
    assert audited_runs(run) == 0


def test_analyse_texts_prints_every_question_in_questionnaire_order(consultation):
    answered = answer_every_question(consultation, count=15)
    out = StringIO()
    call_command("analyse_texts", consultation.slug, stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == text_question_codes(consultation)
    assert [": 15 answers (0 new), " in line for line in lines] == [
        code in answered for code in text_question_codes(consultation)
    ]
    run = AnalysisRun.objects.get(consultation=consultation)
    assert (run.status, run.progress, audited_runs(run)) == (AnalysisRun.Status.DONE, 100, 1)
