import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from surveys.models import Question, Survey

from .consultation import Consultation
from .languages import Audience, Language


class QuestionTemplate(models.Model):
    """How a recommendation (or an area) becomes a question for one audience, in one language.

    `text` may use {code}, {text}, {area_number}, {area_title} and {headline}. `choices` is a
    list of {"value": ..., "label": ...}; values are the same in every language so that answers
    given in different languages are counted together. A ranking's items are the area's
    recommendations, so its template has no choices.
    """

    class Scope(models.TextChoices):
        RECOMMENDATION = "recommendation", _("Each sub-recommendation")
        AREA = "area", _("Each priority area (its recommendations)")
        HEADLINE = "headline", _("Each headline recommendation")

    key = models.SlugField(max_length=40, help_text=_('Stable part of the question codes: "priority" gives "3.2-priority".'))
    audience = models.CharField(max_length=20, choices=Audience.choices)
    scope = models.CharField(max_length=20, choices=Scope.choices)
    language = models.CharField(max_length=2, choices=Language.choices)
    type = models.CharField(max_length=20, choices=Question.Type.choices)
    text = models.TextField()
    help_text = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["audience", "order", "key", "language"]
        constraints = [
            models.UniqueConstraint(fields=["key", "audience", "language"], name="unique_question_template"),
        ]

    def __str__(self):
        return f"{self.get_audience_display()} · {self.key} ({self.language})"


class Questionnaire(models.Model):
    """The survey a consultation puts to one audience."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questionnaires")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    survey = models.OneToOneField(Survey, on_delete=models.PROTECT, related_name="questionnaire")

    class Meta:
        ordering = ["consultation", "audience"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "audience"], name="unique_questionnaire_audience"),
        ]

    def __str__(self):
        return f"{self.consultation} – {self.get_audience_display()}"


class PositionPaper(models.Model):
    """A file uploaded for import: kept so the preview can be confirmed and the import traced."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="papers")
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.filename} ({self.consultation})"
