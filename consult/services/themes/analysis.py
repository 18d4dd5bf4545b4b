"""Analyse a consultation's long answers: campaigns, then themes, without touching human work.

For each long-text question (by code, all versions together), the submitted answers are
brought into `AnalysedAnswer` (new ones, and changed ones, flagged `is_new` once the question
has been analysed before), campaigns are found again, and themes proposed on the answers with
each campaign represented once. Then:

- a theme a person has decided anything about (accepted, discarded, merged, renamed, or with
  an answer a person moved) stays as it is; answers new since the last run are proposed into
  the accepted ones they resemble (closer to the theme's centre than most of its members);
- proposals nobody touched are replaced by the new ones;
- a new proposal that mostly repeats a theme a person decided on (accepted or discarded) is
  dropped: the person has already said what it is.

A worker analyses a whole consultation one task per question (`texts_analyse_spread`), so that
several workers share its questions; each counts its outcome on the run, which is done after
its last question. The command and the demo analyse the questions one after the other in their
own process (`texts_analyse`), counting them the same way.
"""

import hashlib
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_countries import countries

from surveys.models import Answer, Question, Response

from ...models import (
    AnalysedAnswer,
    AnalysisRun,
    AuditEvent,
    Campaign,
    MemberState,
    QuestionReview,
    Source,
    Theme,
    ThemeMembership,
)
from ..audit import audit_record
from ..outbox import outbox_add, task_key
from .campaigns import find_campaigns
from .model import ProposedTheme, featurise, propose_themes

# A proposal sharing this share of its members with a theme a person decided on repeats it.
REPEAT_SHARE = 0.5
# A new answer joins an accepted theme when closer to its centre than this quantile of its members.
JOIN_QUANTILE = 25
BATCH = 2000
# Named, not imported: the task module sits above the services.
ANALYSE_TASK = "consult.tasks.texts_analyse_task"
QUESTION_TASK = "consult.tasks.question_analyse_task"


@dataclass
class QuestionOutcome:
    code: str
    answers: int = 0
    new_answers: int = 0
    themes_proposed: int = 0
    proposed_into_reviewed: int = 0
    campaigns: list[int] = field(default_factory=list)


def text_question_codes(consultation) -> list[str]:
    """Return the codes of the consultation's current long-text questions, in questionnaire order."""
    questions = Question.objects.filter(
        survey__questionnaire__consultation=consultation, type=Question.Type.LONG_TEXT, is_current=True
    ).order_by("survey__questionnaire__audience", "order", "code")
    return list(dict.fromkeys(questions.values_list("code", flat=True)))


def analysis_request(*, consultation, question_code: str = "", actor=None) -> AnalysisRun:
    """Record a request to analyse the consultation (or one question); enqueue it once committed."""
    with transaction.atomic():
        run = AnalysisRun.objects.create(consultation=consultation, question_code=question_code, requested_by=actor)
        outbox_add(ANALYSE_TASK, [run.pk], dedupe_key=task_key(ANALYSE_TASK, run.pk))
    return run


def texts_analyse(*, run: AnalysisRun) -> AnalysisRun:
    """Analyse the run's questions one after the other in this process (the command, the demo); return the run."""
    for code in run_start(run):
        run = question_analyse_count(run=run, code=code)
    return run


def texts_analyse_spread(*, run: AnalysisRun) -> AnalysisRun:
    """Start the run and give each of its questions a task of its own, enqueued once committed."""
    with transaction.atomic():
        run = run_locked(run.pk)
        if run.status != AnalysisRun.Status.PENDING:
            return run  # This request was delivered again: its questions' tasks are on their way already.
        for code in run_start(run):
            outbox_add(QUESTION_TASK, [run.pk, code], dedupe_key=question_task_key(run.pk, code))
    return run


def question_task_key(run_id: int, code: str) -> str:
    return task_key(QUESTION_TASK, f"{run_id}:{code}")


def run_start(run: AnalysisRun) -> list[str]:
    """Mark the run running with the codes of its questions, in questionnaire order; return them.

    The codes are kept on the run (outcome["codes"]) so that a question added meanwhile does not
    change what "every question done" means.
    """
    codes = [run.question_code] if run.question_code else text_question_codes(run.consultation)
    with transaction.atomic():
        run_progress(run, status=AnalysisRun.Status.RUNNING, progress=1, outcome={"codes": codes, "done": {}})
        if not codes:
            run_finish(run, [])
    return codes


def question_analyse_count(*, run: AnalysisRun, code: str) -> AnalysisRun:
    """Analyse one of the run's questions and count it on the run; return the run as it then stands."""
    return question_count(run=run, outcome=question_analyse(run=run, code=code))


def question_count(*, run: AnalysisRun, outcome: QuestionOutcome) -> AnalysisRun:
    """Record the question's outcome on the run, once however often it is analysed; finish the run after its last.

    The run's row is locked: questions finishing together on several workers count one after
    the other, and a run failed meanwhile stays failed.
    """
    with transaction.atomic():
        run = run_locked(run.pk)
        if run.status != AnalysisRun.Status.RUNNING:
            return run
        codes, done = run.outcome["codes"], run.outcome["done"]
        done[outcome.code] = outcome.__dict__
        if len(done) < len(codes):
            run_progress(run, progress=max(1, int(99 * len(done) / len(codes))), outcome=run.outcome)
        else:
            run_finish(run, [done[code] for code in codes])
    return run


def run_locked(run_id: int) -> AnalysisRun:
    # NO KEY UPDATE, of the run only: the FOR KEY SHARE that storing a theme takes on its run (the
    # foreign key) in another question's transaction does not make this wait.
    runs = AnalysisRun.objects.select_related("consultation", "requested_by")
    return runs.select_for_update(no_key=True, of=("self",)).get(pk=run_id)


def run_finish(run: AnalysisRun, outcomes: list[dict]) -> None:
    """Mark the run done with its questions' outcomes, in questionnaire order, and record it in the trail."""
    run_progress(run, status=AnalysisRun.Status.DONE, progress=100, finished_at=timezone.now(),
                 outcome={"questions": outcomes})
    audit_record(
        action=AuditEvent.Action.TEXTS_ANALYSED, actor=run.requested_by, consultation=run.consultation,
        obj=run, details=run_summary(outcomes),
    )


def run_fail(*, run: AnalysisRun, error: str) -> AnalysisRun:
    """Mark the run failed with the error, unless it has finished or failed already (the first error is kept)."""
    finished = [AnalysisRun.Status.DONE, AnalysisRun.Status.FAILED]
    AnalysisRun.objects.filter(pk=run.pk).exclude(status__in=finished).update(
        status=AnalysisRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def run_progress(run: AnalysisRun, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    AnalysisRun.objects.filter(pk=run.pk).update(**fields)


def run_summary(outcomes: list[dict]) -> dict:
    return {
        "questions": len(outcomes),
        "answers": sum(outcome["answers"] for outcome in outcomes),
        "themes_proposed": sum(outcome["themes_proposed"] for outcome in outcomes),
        "campaigns": sum(len(outcome["campaigns"]) for outcome in outcomes),
    }


def question_analyse(*, run: AnalysisRun, code: str) -> QuestionOutcome:
    """Analyse one question's submitted answers, keeping every human decision."""
    consultation = run.consultation
    review, _created = QuestionReview.objects.get_or_create(consultation=consultation, question_code=code)
    outcome = QuestionOutcome(code)
    with transaction.atomic():
        answers, texts, new = answers_sync(consultation, code, flag_new=review.analysed_at is not None)
        outcome.answers, outcome.new_answers = len(answers), len(new)
        represented = campaigns_store(consultation, code, answers, texts, outcome)
        analysed = [index for index in range(len(answers)) if index in represented]
        proposals = propose_themes([texts[index] for index in analysed], consultation.language)
        proposals = [remapped(proposal, analysed) for proposal in proposals]
        outcome.proposed_into_reviewed = proposals_into_reviewed(consultation, code, answers, texts, new, represented)
        outcome.themes_proposed = proposals_store(run, code, answers, proposals)
        QuestionReview.objects.filter(pk=review.pk).update(analysed_at=timezone.now())
    return outcome


def answers_sync(consultation, code, *, flag_new: bool):
    """Bring the question's submitted answers into AnalysedAnswer; return them, their texts and the new ones.

    An answer is matched to its earlier analysis by response, so a respondent who edited a page
    keeps the decisions made on their answer; if its text changed, it is new again. New ones
    are flagged for review only when the question was analysed before (`flag_new`).
    """
    rows = submitted_text_answers(consultation, code)
    existing = {row.response_id: row for row in AnalysedAnswer.objects.filter(consultation=consultation, question_code=code)}
    places = state_places()
    created, changed, new = [], [], set()
    for index, row in enumerate(rows):
        digest = hashlib.sha256(row["text"].encode()).hexdigest()
        analysed = existing.get(row["response_id"])
        if analysed is None:
            analysed = existing[row["response_id"]] = AnalysedAnswer(
                consultation=consultation, question_code=code, response_id=row["response_id"], answer_id=row["pk"],
                text_hash=digest, is_new=flag_new, **respondent_fields(row, places),
            )
            created.append(analysed)
            new.add(index)
        elif analysed.text_hash != digest or analysed.answer_id != row["pk"]:
            if analysed.text_hash != digest:
                analysed.text_hash, analysed.is_new, analysed.reviewed_at = digest, flag_new, None
                new.add(index)
            analysed.answer_id = row["pk"]
            changed.append(analysed)
    AnalysedAnswer.objects.bulk_create(created, batch_size=BATCH)
    AnalysedAnswer.objects.bulk_update(changed, ["answer", "text_hash", "is_new", "reviewed_at"], batch_size=BATCH)
    answers = [existing[row["response_id"]] for row in rows]
    return answers, [row["text"] for row in rows], new if flag_new else set()


def submitted_text_answers(consultation, code) -> list[dict]:
    answers = Answer.objects.filter(
        question__survey__questionnaire__consultation=consultation, question__code=code,
        response__status=Response.Status.SUBMITTED,
    ).exclude(text="").order_by("pk")
    return list(answers.values(
        "pk", "response_id", "text", audience=F("response__position__audience"),
        state_id=F("response__position__member_state_id"), state_name=F("response__position__member_state__name"),
        organisation=F("response__position__organisation__name"),
        country=F("response__position__organisation__country"),
    ))


def state_places() -> dict:
    """Return {state id or ISO alpha-2 code: (state id, M49 region id)}: where a respondent counts."""
    places = {}
    for pk, iso3, region_id in MemberState.objects.values_list("pk", "iso3", "region_id"):
        places[pk] = places[countries.alpha2(iso3)] = (pk, region_id)
    return places


def respondent_fields(row, places) -> dict:
    state_id, region_id = places.get(row["state_id"] or row["country"], (None, None))
    return {
        "audience": row["audience"], "respondent_name": (row["state_name"] or row["organisation"] or "")[:300],
        "state_id": state_id, "region_id": region_id,
    }


def campaigns_store(consultation, code, answers, texts, outcome) -> set[int]:
    """Find the question's campaigns again; return the indexes of the answers analysed (one per campaign)."""
    Campaign.objects.filter(consultation=consultation, question_code=code).delete()
    found = find_campaigns(texts)
    hidden = set()
    for members in found:
        campaign = Campaign.objects.create(consultation=consultation, question_code=code,
                                           representative=answers[members[0]], size=len(members))
        AnalysedAnswer.objects.filter(pk__in=[answers[index].pk for index in members]).update(campaign=campaign)
        hidden.update(members[1:])
        outcome.campaigns.append(len(members))
    return set(range(len(answers))) - hidden


def remapped(proposal: ProposedTheme, analysed: list[int]) -> ProposedTheme:
    """Return the proposal with its members numbered as in the question's full list of answers."""
    proposal.members = {analysed[index]: weight for index, weight in proposal.members.items()}
    return proposal


def decided_themes(consultation, code):
    """Return the question's themes that hold human work (see Theme.is_human_work), with their members."""
    themes = Theme.objects.filter(consultation=consultation, question_code=code)
    return themes.filter(
        ~Q(status=Theme.Status.PROPOSED) | Q(source=Source.HUMAN) | Q(memberships__source=Source.HUMAN)
    ).distinct()


def proposals_into_reviewed(consultation, code, answers, texts, new, represented) -> int:
    """Propose the new answers into the accepted themes they resemble; flag them for review. Return how many."""
    accepted = list(decided_themes(consultation, code).filter(status=Theme.Status.ACCEPTED))
    new = sorted(index for index in new if index in represented)
    if not accepted or not new:
        return 0
    features = featurise(texts)
    if features is None:
        return 0
    position = {answer.pk: index for index, answer in enumerate(answers)}
    rows = []
    for theme in accepted:
        members = [position[pk] for pk in member_ids(theme) if pk in position and position[pk] not in new]
        rows += joining(theme, members, new, features.matrix, answers)
    ThemeMembership.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return len({row.answer_id for row in rows})


def member_ids(theme) -> list[int]:
    return list(theme.memberships.filter(is_member=True).values_list("answer_id", flat=True))


def joining(theme, members, new, matrix, answers) -> list[ThemeMembership]:
    if not members:
        return []
    centre = np.asarray(matrix[members].mean(axis=0)).ravel()
    centre /= np.linalg.norm(centre) or 1.0
    threshold = np.percentile(matrix[members] @ centre, JOIN_QUANTILE)
    closeness = matrix[new] @ centre
    return [
        ThemeMembership(theme=theme, answer=answers[index], source=Source.MACHINE, weight=float(value))
        for index, value in zip(new, closeness) if value >= threshold and value > 0
    ]


def proposals_store(run, code, answers, proposals: list[ProposedTheme]) -> int:
    """Replace the untouched proposals by the new ones, less those repeating a decided theme; return how many."""
    consultation = run.consultation
    decided = list(decided_themes(consultation, code).exclude(status=Theme.Status.MERGED))
    Theme.objects.filter(consultation=consultation, question_code=code).exclude(pk__in=[t.pk for t in decided]).delete()
    decided_members = [set(member_ids(theme)) for theme in decided]
    stored = 0
    for proposal in proposals:
        members = {answers[index].pk: weight for index, weight in proposal.members.items()}
        if any(len(members.keys() & taken) >= REPEAT_SHARE * len(members) for taken in decided_members):
            continue
        theme = Theme.objects.create(consultation=consultation, question_code=code, label=proposal.label[:200],
                                     keywords=proposal.keywords, run=run)
        ThemeMembership.objects.bulk_create(
            (ThemeMembership(theme=theme, answer_id=pk, weight=weight) for pk, weight in members.items()),
            batch_size=BATCH,
        )
        stored += 1
    return stored
