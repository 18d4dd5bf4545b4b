"""The generic survey engine: surveys, sections, questions, choices, responses, answers.

It knows nothing of consultations; whoever uses it links its surveys to their own domain.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.db.models import Q

# Limits for texts whose question sets none: long enough for any honest answer.
SHORT_TEXT_MAX_LENGTH = 500
LONG_TEXT_MAX_LENGTH = 20_000


class Survey(models.Model):
    title = models.CharField(max_length=300)
    language = models.CharField(max_length=10)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.title

    def current_questions(self):
        return self.questions.filter(is_current=True)


class Section(models.Model):
    """A page of a survey; `code` is stable across regenerations ("3" for area 3)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(max_length=64)
    title = models.CharField(max_length=500)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["survey", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="unique_section_code")]

    def __str__(self):
        return f"{self.code}. {self.title}"


class Question(models.Model):
    """A question with a stable code; a question that has answers is never rewritten.

    Changing it creates a new version with the same code: the old one stays, not current,
    so existing answers keep pointing at the text that was answered.
    """

    class Type(models.TextChoices):
        SCALE = "scale", _("Scale")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        YES_NO = "yes_no", _("Yes / no")
        NUMBER = "number", _("Number")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        RANKING = "ranking", _("Ranking")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="questions", null=True, blank=True)
    code = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    type = models.CharField(max_length=20, choices=Type.choices)
    text = models.TextField()
    help_text = models.TextField(blank=True)
    required = models.BooleanField(default=False)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    reference = models.CharField(
        max_length=64, blank=True, help_text=_("Code of what the question was made from (for example a recommendation).")
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["survey", "order", "code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code", "version"], name="unique_question_version"),
            models.UniqueConstraint(
                fields=["survey", "code"], condition=Q(is_current=True), name="one_current_question_per_code"
            ),
        ]

    def __str__(self):
        return f"{self.code} v{self.version}"

    def has_answers(self):
        return self.answers.exists()

    def text_limit(self) -> int:
        """Return the most characters a text answer may have."""
        default = LONG_TEXT_MAX_LENGTH if self.type == self.Type.LONG_TEXT else SHORT_TEXT_MAX_LENGTH
        return self.max_length or default

    @property
    def prompt(self) -> str:
        """Return the question proper: the last line of its text.

        Generated questions quote what they ask about (a recommendation) on their first lines
        and ask on the last; a page that shows that subject once shows each question's prompt.
        """
        return self.text_lines()[-1]

    @property
    def subject(self) -> str:
        """Return the lines before the prompt ("" for a one-line question)."""
        return "\n".join(self.text_lines()[:-1])

    def text_lines(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()] or [self.code]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    value = models.CharField(max_length=64)
    label = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["question", "order"]
        constraints = [models.UniqueConstraint(fields=["question", "value"], name="unique_choice_value")]

    def __str__(self):
        return self.label


class Response(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    language = models.CharField(max_length=10, blank=True, help_text=_("The language the respondent answered in."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.survey} – {self.get_status_display()}"

    def saved_since_submission(self) -> bool:
        return self.submitted_at is None or self.sections.filter(saved_at__gt=self.submitted_at).exists()


class Answer(models.Model):
    """One value of a response to a question.

    A multiple-choice or ranking answer is one row per chosen item (with its rank), so that
    the database can count choices with GROUP BY.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, related_name="answers", null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    number = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["question", "choice"])]
        constraints = [
            # A text or number answer has no choice: at most one row per question then.
            models.UniqueConstraint(
                fields=["response", "question", "choice"], nulls_distinct=False, name="one_answer_row_per_choice"
            ),
        ]

    def __str__(self):
        return f"{self.question.code}: {self.choice or self.number or self.text[:40]}"


class ResponseSection(models.Model):
    """The saved state of one page (section) of a response.

    `version` is an optimistic lock: a save must name the version it started from, so that of two
    people editing the same page at once the second is refused instead of overwriting the first.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="sections")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="response_sections")
    version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    is_complete = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "section"], name="unique_response_section")]

    def __str__(self):
        return f"{self.response_id} · {self.section.code} v{self.version}"


class QuestionTranslation(models.Model):
    """A question's text and choice labels in another language than its survey's.

    Values stay the same, so answers given in any language are counted together.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10)
    text = models.TextField()
    help_text = models.TextField(blank=True)
    choice_labels = models.JSONField(default=dict, blank=True, help_text='{"choice value": "label", ...}')

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "language"], name="one_translation_per_language")]

    def __str__(self):
        return f"{self.question} ({self.language})"
