"""Themes in the long answers: proposed by the machine, decided by the secretariat.

An analysis run proposes themes for each long-text question of a consultation (by question
code, so that every version of a question is one unit). Each analysed answer is one row of
`AnalysedAnswer`, keyed by response and question code rather than by the answer row, because
a respondent who edits a page gets new answer rows: the human decisions stay with the
respondent's answer. Who put an answer in a theme is kept (`Source`): a run never touches what
a person decided.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from surveys.models import Answer, Response

from .consultation import Consultation
from .languages import Audience
from .stakeholders import MemberState, RegionalGrouping


class Source(models.TextChoices):
    MACHINE = "machine", _("Proposed by the analysis")
    HUMAN = "human", _("Decided by a person")


class AnalysisRun(models.Model):
    """One request to analyse a consultation's long answers (all its text questions, or one)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Analysing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="analysis_runs")
    question_code = models.CharField(max_length=64, blank=True, help_text=_("Empty: every long-text question."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    outcome = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.consultation} · {self.question_code or '*'} ({self.status})"


class QuestionReview(models.Model):
    """Where the secretariat stands in reviewing the themes of one question."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="question_reviews")
    question_code = models.CharField(max_length=64)
    analysed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "question_code"], name="one_review_per_question"),
        ]

    def __str__(self):
        return f"{self.consultation} · {self.question_code}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class Campaign(models.Model):
    """Near-identical answers (a template letter, lightly edited): shown once, counted once."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="campaigns")
    question_code = models.CharField(max_length=64)
    representative = models.ForeignKey("AnalysedAnswer", on_delete=models.SET_NULL, null=True, related_name="+")
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-size", "pk"]

    def __str__(self):
        return f"{self.question_code} campaign {self.pk} ({self.size})"


class AnalysedAnswer(models.Model):
    """One respondent's long answer to a question as the analysis saw it, with the secretariat's flags.

    Where the respondent stands (audience, state, M49 region) is copied at analysis time so
    that counting a theme's members by audience and region is one GROUP BY on this table.
    """

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="analysed_answers")
    question_code = models.CharField(max_length=64)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    answer = models.ForeignKey(Answer, on_delete=models.SET_NULL, null=True, related_name="+")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    respondent_name = models.CharField(max_length=300)
    state = models.ForeignKey(MemberState, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    region = models.ForeignKey(RegionalGrouping, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text_hash = models.CharField(max_length=64)
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="members")
    is_new = models.BooleanField(default=True, help_text=_("Arrived or changed since the last review."))
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notable_practice = models.BooleanField(default=False)
    evidence_rich = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "question_code", "response"], name="one_analysed_answer_per_response"
            ),
        ]
        indexes = [models.Index(fields=["consultation", "question_code", "reviewed_at"])]

    def __str__(self):
        return f"{self.question_code} · {self.respondent_name}"


class Theme(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DISCARDED = "discarded", _("Discarded")
        MERGED = "merged", _("Merged into another theme")

    # Addresses the theme in URLs: an id that cannot be guessed or enumerated.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="themes")
    question_code = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    keywords = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MACHINE)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    run = models.ForeignKey(AnalysisRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="themes")
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["consultation", "question_code", "pk"]
        indexes = [models.Index(fields=["consultation", "question_code", "status"])]

    def __str__(self):
        return f"{self.question_code}: {self.label}"

    def is_human_work(self) -> bool:
        """Tell whether a person has decided anything about the theme (then no run may change it)."""
        return self.source == Source.HUMAN or self.status != self.Status.PROPOSED


class ThemeMembership(models.Model):
    """An answer in a theme. A person's removal is kept (`is_member` False) so that no run puts it back."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="memberships")
    answer = models.ForeignKey(AnalysedAnswer, on_delete=models.CASCADE, related_name="memberships")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MACHINE)
    is_member = models.BooleanField(default=True)
    weight = models.FloatField(default=0.0, help_text=_("How strongly the analysis tied the answer to the theme."))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["theme", "answer"], name="one_membership_per_theme_answer")]
        indexes = [
            models.Index(fields=["theme", "-weight"], condition=Q(is_member=True), name="theme_members_by_weight"),
        ]

    def __str__(self):
        return f"{self.theme_id} ∋ {self.answer_id} ({self.source})"
