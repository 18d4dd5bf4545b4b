"""The secretariat's review of a question's themes: every act a person's decision, kept and audited.

Accepting, renaming, describing, merging, splitting and discarding a theme, moving an answer
in or out of one, flagging an answer and marking answers or a question reviewed each write
one audit event. A person's decision is stored as such (Source.HUMAN, or a theme's status), so
that no later analysis changes it; an answer a person acted on counts as reviewed.
"""

from django.db import transaction
from django.utils import timezone

from ...models import AnalysedAnswer, AuditEvent, QuestionReview, Source, Theme, ThemeMembership
from ..audit import audit_record

Action = AuditEvent.Action


def audited(action, actor, theme_or_answer, **details) -> None:
    audit_record(action=action, actor=actor, consultation=theme_or_answer.consultation_id, obj=theme_or_answer,
                 details={"question": theme_or_answer.question_code, **details})


def theme_decide(theme: Theme, actor, **fields) -> Theme:
    fields |= {"reviewed_at": timezone.now(), "reviewed_by": actor}
    for name, value in fields.items():
        setattr(theme, name, value)
    theme.save(update_fields=list(fields))
    return theme


@transaction.atomic
def theme_accept(*, theme: Theme, actor) -> Theme:
    theme_decide(theme, actor, status=Theme.Status.ACCEPTED)
    audited(Action.THEME_ACCEPTED, actor, theme, label=theme.label)
    return theme


@transaction.atomic
def theme_discard(*, theme: Theme, actor) -> Theme:
    theme_decide(theme, actor, status=Theme.Status.DISCARDED)
    audited(Action.THEME_DISCARDED, actor, theme, label=theme.label)
    return theme


@transaction.atomic
def theme_edit(*, theme: Theme, label: str, description: str, actor) -> Theme:
    """Rename and describe the theme (in the consultation's language); a proposal edited is accepted."""
    before = {"label": theme.label, "description": theme.description}
    status = Theme.Status.ACCEPTED if theme.status == Theme.Status.PROPOSED else theme.status
    theme_decide(theme, actor, label=label, description=description, status=status)
    audited(Action.THEME_EDITED, actor, theme, before=before, after={"label": label, "description": description})
    return theme


@transaction.atomic
def themes_merge(*, target: Theme, others: list[Theme], actor) -> Theme:
    """Move the other themes' answers into the target, which is accepted; the others are marked merged."""
    others = [theme for theme in others if theme.pk != target.pk and theme.question_code == target.question_code]
    moved = ThemeMembership.objects.filter(theme__in=others, is_member=True).values_list("answer_id", flat=True)
    memberships_set(target, list(moved), is_member=True)
    Theme.objects.filter(pk__in=[theme.pk for theme in others]).update(
        status=Theme.Status.MERGED, merged_into=target, reviewed_at=timezone.now(), reviewed_by=actor
    )
    theme_decide(target, actor, status=Theme.Status.ACCEPTED)
    audited(Action.THEMES_MERGED, actor, target, merged=[{"id": theme.pk, "label": theme.label} for theme in others])
    return target


@transaction.atomic
def theme_split(*, theme: Theme, answer_ids: list[int], label: str, actor) -> Theme:
    """Move the chosen answers of the theme into a new, accepted theme named `label`; return it."""
    chosen = list(theme.memberships.filter(answer_id__in=answer_ids, is_member=True).values_list("answer_id", flat=True))
    new = Theme.objects.create(
        consultation_id=theme.consultation_id, question_code=theme.question_code, label=label,
        keywords=theme.keywords, status=Theme.Status.ACCEPTED, source=Source.HUMAN,
        reviewed_at=timezone.now(), reviewed_by=actor,
    )
    memberships_set(new, chosen, is_member=True)
    memberships_set(theme, chosen, is_member=False)
    answers_reviewed(chosen, actor)
    audited(Action.THEME_SPLIT, actor, theme, new_theme=new.pk, label=label, answers=len(chosen))
    return new


@transaction.atomic
def answer_move(*, answer: AnalysedAnswer, theme: Theme, into: bool, actor) -> None:
    """Put the answer in the theme (`into`) or take it out; a person's decision, kept by every later run."""
    memberships_set(theme, [answer.pk], is_member=into)
    answers_reviewed([answer.pk], actor)
    audited(Action.THEME_ANSWER_MOVED, actor, answer, theme=theme.pk, label=theme.label, into=into)


@transaction.atomic
def answer_flag(*, answer: AnalysedAnswer, notable_practice: bool, evidence_rich: bool, actor) -> None:
    AnalysedAnswer.objects.filter(pk=answer.pk).update(notable_practice=notable_practice, evidence_rich=evidence_rich)
    answers_reviewed([answer.pk], actor)
    audited(Action.ANSWER_FLAGGED, actor, answer, notable_practice=notable_practice, evidence_rich=evidence_rich)


@transaction.atomic
def answers_mark_reviewed(*, consultation, question_code: str, answer_ids: list[int], actor) -> int:
    """Mark the answers reviewed (those of the question among the ids); return how many."""
    answers = AnalysedAnswer.objects.filter(consultation=consultation, question_code=question_code, pk__in=answer_ids)
    ids = list(answers.values_list("pk", flat=True))
    answers_reviewed(ids, actor)
    audit_record(action=Action.ANSWERS_REVIEWED, actor=actor, consultation=consultation,
                 details={"question": question_code, "answers": len(ids)})
    return len(ids)


@transaction.atomic
def question_review_done(*, consultation, question_code: str, actor) -> QuestionReview:
    review, _created = QuestionReview.objects.get_or_create(consultation=consultation, question_code=question_code)
    review.done_at, review.done_by = timezone.now(), actor
    review.save(update_fields=["done_at", "done_by"])
    audit_record(action=Action.THEME_REVIEW_DONE, actor=actor, consultation=consultation, obj=review,
                 details={"question": question_code})
    return review


def memberships_set(theme: Theme, answer_ids: list[int], *, is_member: bool) -> None:
    """Record a person's decision that the answers are (or are not) in the theme."""
    ThemeMembership.objects.bulk_create(
        [ThemeMembership(theme=theme, answer_id=pk, source=Source.HUMAN, is_member=is_member) for pk in answer_ids],
        update_conflicts=True, unique_fields=["theme", "answer"], update_fields=["source", "is_member"],
        batch_size=2000,
    )


def answers_reviewed(answer_ids: list[int], actor) -> None:
    AnalysedAnswer.objects.filter(pk__in=answer_ids).update(reviewed_at=timezone.now(), reviewed_by=actor, is_new=False)
