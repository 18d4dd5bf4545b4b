import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .consultation import Consultation
from .languages import Audience
from .positions import Publication
from .stakeholders import MemberState, RegionalGrouping


class Aggregate(models.Model):
    """A stored figure of one question, for one audience, in one grouping (or the whole world).

    One row per choice (choice_value set) with its count and share, plus one row per question
    (choice_value empty) with the number of respondents and the mean, median or ranking
    figures. Pages and reports read these rows; only the aggregation service writes them.
    """

    # Without database constraints or single-column indexes: a recount writes tens of thousands
    # of these rows at once, and checking each one's keys at commit took longer than counting.
    # Django still deletes them with their consultation or grouping.
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="aggregates", db_constraint=False, db_index=False
    )
    audience = models.CharField(max_length=20, choices=Audience.choices)
    grouping = models.ForeignKey(
        RegionalGrouping, on_delete=models.CASCADE, null=True, blank=True, db_constraint=False, db_index=False
    )
    question_code = models.CharField(max_length=64)
    choice_value = models.CharField(max_length=64, blank=True)
    respondents = models.PositiveIntegerField(default=0)
    count = models.PositiveIntegerField(default=0)
    # What mean_rank and first_place_share are worked out from, kept so that a submission can
    # add to them (a choice's row; None on rows counted before they were kept).
    rank_sum = models.BigIntegerField(null=True, blank=True)
    first_places = models.IntegerField(null=True, blank=True)
    share = models.FloatField(null=True, blank=True)
    mean = models.FloatField(null=True, blank=True)
    median = models.FloatField(null=True, blank=True)
    mean_rank = models.FloatField(null=True, blank=True)
    first_place_share = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "audience", "grouping", "question_code", "choice_value"],
                nulls_distinct=False,
                name="one_aggregate_per_figure",
            ),
        ]
        indexes = [models.Index(fields=["consultation", "grouping", "audience"])]

    def __str__(self):
        return f"{self.question_code} {self.choice_value or '*'} ({self.audience}, {self.grouping or 'world'})"


class AggregateValue(models.Model):
    """How many respondents gave one number to a number question, in one grouping: the histogram
    a number question's mean and median are read from, kept so that a submission can add to it.
    (A scale question's histogram is its choices' rows.)"""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    grouping = models.ForeignKey(
        RegionalGrouping, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_constraint=False,
        db_index=False,
    )
    question_code = models.CharField(max_length=64)
    value = models.FloatField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "audience", "grouping", "question_code", "value"],
                nulls_distinct=False,
                name="one_aggregate_value",
            ),
        ]

    def __str__(self):
        return f"{self.question_code} = {self.value}: {self.count}"


class FigureChange(models.Model):
    """One answer of a respondent entering (sign +1) or leaving (-1) the counted figures.

    Written in the transaction that submits, reopens or amends the position, with the answers
    as they are then; the coalesced recount task adds them to the stored figures and deletes
    them. A row without a question (sign 0) asks for a full recount instead, and one with
    sign 0 and a question for new excerpts only. Plain integers, not foreign keys: a submission
    writes a hundred of these and nothing reads them but that task.
    """

    consultation_id = models.BigIntegerField()
    audience = models.CharField(max_length=20)
    state_key = models.BigIntegerField()  # The member state the answers count for; 0: none.
    question_id = models.BigIntegerField(null=True)
    choice_id = models.BigIntegerField(null=True)
    number = models.DecimalField(max_digits=20, decimal_places=6, null=True)
    rank = models.IntegerField(null=True)
    sign = models.SmallIntegerField()
    opens_question = models.BooleanField(default=False)  # The respondent's first row for the question.
    response_id = models.UUIDField(null=True)  # Whose answer: a new one may be quoted as an excerpt.

    class Meta:
        indexes = [models.Index(fields=["consultation_id"])]

    def __str__(self):
        return f"{self.sign:+d} {self.question_id}/{self.choice_id}"


class ResponseTally(models.Model):
    """Civil society responses of one country in one status and publication: a change (+1 or -1)
    or the sum of earlier ones, kept by database triggers (see services/tallies.py).

    The triggers are created by migration 0023. SQLite drops a table's triggers when a
    migration rebuilds it: a migration that alters the position or organisation table must
    create them again (the hourly check would repair the counts, not the triggers).
    """

    consultation_id = models.BigIntegerField()
    country = models.CharField(max_length=2, blank=True)  # The organisation's, ISO alpha-2.
    status = models.CharField(max_length=20)
    publication = models.CharField(max_length=20)
    responses = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["consultation_id"])]

    def __str__(self):
        return f"{self.country} {self.status} {self.publication}: {self.responses:+d}"


class ReportQuerySet(models.QuerySet):
    def summaries(self):
        """Return the regional summaries, not the raw exports."""
        return self.filter(format__in=Report.SUMMARY_FORMATS)

    def published(self):
        """Return the summaries built and published: readable without an account."""
        return self.summaries().filter(is_published=True, status=Report.Status.DONE)


class Excerpt(models.Model):
    """A publishable long-text answer, picked when the figures are counted, for a grouping's summaries.

    For each question, audience and grouping (None: the whole world), the first PER_QUESTION
    answers of positions that count and chose publication (attributed or anonymous, never
    confidential), earliest submitted first. Summaries read these rows and never search the
    answers, so a summary costs the same whatever the number of responses.
    """

    PER_QUESTION = 3

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="excerpts")
    grouping = models.ForeignKey(RegionalGrouping, on_delete=models.CASCADE, null=True, blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    question_code = models.CharField(max_length=64)
    place = models.PositiveSmallIntegerField()
    text = models.TextField()
    publication = models.CharField(max_length=20, choices=Publication.choices)
    member_state = models.ForeignKey(MemberState, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    organisation_name = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["consultation", "grouping"])]

    def __str__(self):
        return f"{self.question_code} #{self.place}"


class Report(models.Model):
    """A report or export built by a worker: its request, its progress and, when done, its file."""

    class Format(models.TextChoices):
        HTML = "html", "HTML"
        DOCX = "docx", "Word"
        PDF = "pdf", "PDF"
        XLSX = "xlsx", _("Spreadsheet of figures")
        CSV_ANSWERS = "csv_answers", _("Raw answers (CSV)")
        XLSX_ANSWERS = "xlsx_answers", _("Raw answers (XLSX)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="reports")
    grouping = models.ForeignKey(RegionalGrouping, on_delete=models.CASCADE, null=True, blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, blank=True)
    format = models.CharField(max_length=16, choices=Format.choices)
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    data_cutoff = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    is_published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Renewed every few seconds by the worker building the report: a running report whose heartbeat
    # has stopped lost its worker (consult.services.reports.lease).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    # The regional summaries, rendered from the stored figures.
    SUMMARY_FORMATS = [Format.HTML, Format.DOCX, Format.PDF, Format.XLSX]
    # The raw submitted answers, exported on the workers: large exports do not hold up a web request.
    EXPORT_FORMATS = [Format.CSV_ANSWERS, Format.XLSX_ANSWERS]
    # Stored in English, shown in the reader's language (error_message).
    STALLED_ERROR = gettext_noop("The worker building this report stopped before it finished. Build it again.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.consultation} · {self.grouping or 'world'} · {self.format} ({self.language})"

    def error_message(self) -> str:
        """Return why the build failed, in the active language when it is one of ours."""
        return gettext(self.error) if self.error == self.STALLED_ERROR else self.error


class ReminderLog(models.Model):
    """One reminder e-mailed to a state's focal points; at most one per state per day."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="reminders")
    member_state = models.ForeignKey("MemberState", on_delete=models.CASCADE)
    sent_on = models.DateField()
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "member_state", "sent_on"], name="one_reminder_a_day"),
        ]

    def __str__(self):
        return f"{self.member_state} {self.sent_on}"
