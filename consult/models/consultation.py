from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.urls import reverse
from django.utils import timezone

from ..request_memo import memo_note, memoised
from .languages import Language


class Publication(models.TextChoices):
    """How a respondent allows their answers to be used."""

    ATTRIBUTED = "attributed", _("Published with attribution")
    ANONYMOUS = "anonymous", _("Published anonymously")
    CONFIDENTIAL = "confidential", _("Not published (used only in aggregates)")


class Consultation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    description = models.TextField(blank=True)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    member_state_publication = models.CharField(
        max_length=20,
        choices=Publication.choices,
        default=Publication.ATTRIBUTED,
        help_text=_("The publication choice a member state's position starts with."),
    )
    small_cell_threshold = models.PositiveSmallIntegerField(
        default=3, help_text=_("Figures of a region with fewer respondents are hidden in shared reports.")
    )
    reminder_days = models.PositiveSmallIntegerField(
        default=7, help_text=_("Remind states that have not submitted this many days before the deadline.")
    )
    open_data_licence = models.CharField(
        max_length=20,
        choices=[
            ("CC-BY-4.0", "CC BY 4.0"), ("CC-BY-SA-4.0", "CC BY-SA 4.0"), ("CC0-1.0", "CC0 1.0"), ("ODbL-1.0", "ODbL 1.0"),
        ],
        default="CC-BY-4.0",
        help_text=_("The licence of the published figures and responses in the open-data package."),
    )
    civil_society_can_amend = models.BooleanField(
        default=True, help_text=_("Civil society may edit a submitted response until the deadline.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consult:consultation-detail", kwargs={"slug": self.slug})

    def deadline_for(self, member_state=None):
        """Return when the consultation closes for the state (or for everyone): the latest extension wins."""
        return memoised(self.deadline_key(member_state), lambda: self.deadline_read(member_state))

    def deadline_key(self, member_state=None) -> tuple:
        return ("deadline", self.pk, self.closes_at, getattr(member_state, "pk", member_state))

    def deadline_read(self, member_state=None):
        scope = Q(member_state__isnull=True)
        if member_state is not None:
            scope |= Q(member_state=member_state)
        extended = self.extensions.filter(scope).order_by("-closes_at").values_list("closes_at", flat=True).first()
        return self.deadline_extended_to(extended)

    def deadline_note(self, member_state, extended) -> None:
        """Keep for the request the deadline for the state, its latest extension read with another row."""
        memo_note(self.deadline_key(member_state), self.deadline_extended_to(extended))

    def deadline_extended_to(self, extended):
        if extended and (self.closes_at is None or extended > self.closes_at):
            return extended
        return self.closes_at

    def is_accepting(self, member_state=None, now=None) -> bool:
        """Tell whether answers may be saved and submitted now for the state (or for civil society)."""
        now = now or timezone.now()
        if self.status != self.Status.OPEN:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        closes_at = self.deadline_for(member_state)
        return closes_at is None or now < closes_at


class RoundTable(models.Model):
    """A round table of the High-Level Dialogue, used to tag areas and recommendations."""

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=500)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return _("Round table %(number)s: %(title)s") % {"number": self.number, "title": self.title}


class PriorityArea(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="areas")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=500)
    headline = models.TextField(help_text=_("The headline recommendation of the area."))
    context = models.TextField(blank=True, help_text=_("The paper's illustrative example; context, not a recommendation."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    round_tables = models.ManyToManyField(RoundTable, blank=True, related_name="areas")

    class Meta:
        ordering = ["consultation", "number"]
        constraints = [models.UniqueConstraint(fields=["consultation", "number"], name="unique_area_number")]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def code(self):
        return str(self.number)


class Recommendation(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    area = models.ForeignKey(PriorityArea, on_delete=models.CASCADE, related_name="recommendations")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=16, help_text=_('Area number and position: "3.2".'))
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    round_tables = models.ManyToManyField(RoundTable, blank=True, related_name="recommendations")

    class Meta:
        ordering = ["area", "position"]
        constraints = [
            models.UniqueConstraint(fields=["area", "position"], name="unique_recommendation_position"),
            models.UniqueConstraint(fields=["area", "code"], name="unique_recommendation_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:80]}"

    def save(self, *args, **kwargs):
        self.code = f"{self.area.number}.{self.position}"
        super().save(*args, **kwargs)
