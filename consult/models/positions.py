import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.db.models import Q

from surveys.models import Response

from .consultation import Consultation, Publication
from .languages import Audience
from .stakeholders import CivilSocietyOrganisation, MemberState


class PositionQuerySet(models.QuerySet):
    def counted(self):
        """Return the positions that count: submitted, and not reopened since.

        One rule for the figures, summaries, dashboard and raw exports alike. A reopened
        position counts again once it is submitted again; until then it is not the
        government's position of record (see the README, "What counts as a response").
        """
        return self.filter(status=Position.Status.SUBMITTED, response__status=Response.Status.SUBMITTED)


class Position(models.Model):
    """What one respondent answers to a consultation.

    For a member state it is the Government's official position: one per state, drafted by its
    focal points, reviewed, submitted and then locked. For a civil society organisation it is
    the organisation's response: one per organisation, draft then submitted.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        READY_FOR_REVIEW = "ready_for_review", _("Ready for review")
        SUBMITTED = "submitted", _("Submitted")
        REOPENED = "reopened", _("Reopened")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="positions")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    member_state = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, null=True, blank=True, related_name="positions"
    )
    organisation = models.ForeignKey(
        CivilSocietyOrganisation, on_delete=models.PROTECT, null=True, blank=True, related_name="positions"
    )
    response = models.OneToOneField(Response, on_delete=models.PROTECT, related_name="position")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    publication = models.CharField(max_length=20, choices=Publication.choices, default=Publication.CONFIDENTIAL)
    receipt_number = models.CharField(max_length=32, unique=True, null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "member_state"],
                condition=Q(member_state__isnull=False),
                name="one_position_per_state",
            ),
            models.UniqueConstraint(
                fields=["consultation", "organisation"],
                condition=Q(organisation__isnull=False),
                name="one_response_per_organisation",
            ),
            models.CheckConstraint(
                condition=(
                    Q(audience=Audience.MEMBER_STATE, member_state__isnull=False, organisation__isnull=True)
                    | Q(audience=Audience.CIVIL_SOCIETY, member_state__isnull=True, organisation__isnull=False)
                ),
                name="position_has_one_respondent_of_its_audience",
            ),
        ]

    def __str__(self):
        return f"{self.respondent} – {self.consultation}"

    @property
    def respondent(self):
        return self.member_state or self.organisation

    def is_locked(self):
        return self.status == self.Status.SUBMITTED

    def submittable_statuses(self) -> set[str]:
        """Return the statuses the position may be submitted from."""
        if self.audience == Audience.MEMBER_STATE:
            return {self.Status.READY_FOR_REVIEW}
        statuses = {self.Status.DRAFT, self.Status.REOPENED}
        if self.consultation.civil_society_can_amend:
            statuses.add(self.Status.SUBMITTED)
        return statuses

    def counts(self) -> bool:
        """Tell whether the position counts in the figures now (see PositionQuerySet.counted)."""
        return self.status == self.Status.SUBMITTED and self.response.status == Response.Status.SUBMITTED

    def is_amended(self) -> bool:
        """Tell whether a civil society response was changed after it was submitted, as its consultation allows."""
        amendable = self.audience == Audience.CIVIL_SOCIETY and self.consultation.civil_society_can_amend
        return amendable and self.response.saved_since_submission()

    def accepts_submission(self) -> bool:
        """Tell whether submitting would do something now (a submitted, unchanged response has nothing to submit)."""
        if self.status not in self.submittable_statuses():
            return False
        if self.status == self.Status.SUBMITTED and not self.is_amended():
            return False
        return self.consultation.is_accepting(self.member_state)


class PositionEvent(models.Model):
    """One recorded step of a position's life: who did what, when, and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        SAVED = "saved", _("Draft saved")
        SENT_FOR_REVIEW = "sent_for_review", _("Sent for review")
        SENT_BACK = "sent_back", _("Sent back to drafting")
        SUBMITTED = "submitted", _("Submitted")
        REOPENED = "reopened", _("Reopened")
        DEADLINE_EXTENDED = "deadline_extended", _("Deadline extended")
        PUBLICATION_CHANGED = "publication_changed", _("Publication choice changed")
        IMPORTED = "imported", _("Imported from a file")
        OFFLINE_APPLIED = "offline_applied", _("Answers applied from an offline questionnaire")

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    action = models.CharField(max_length=24, choices=Action.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "created_at", "id"]

    def __str__(self):
        return _("%(action)s by %(actor)s at %(time)s") % {
            "action": self.get_action_display(),
            "actor": self.actor,
            "time": f"{self.created_at:%Y-%m-%d %H:%M}",
        }


class DeadlineExtension(models.Model):
    """A later closing date for the whole consultation, or for one member state."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="extensions")
    member_state = models.ForeignKey(MemberState, on_delete=models.CASCADE, null=True, blank=True)
    closes_at = models.DateTimeField()
    reason = models.TextField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["consultation", "-created_at"]

    def __str__(self):
        return _("%(consultation)s until %(date)s (%(state)s)") % {
            "consultation": self.consultation,
            "date": f"{self.closes_at:%Y-%m-%d}",
            "state": self.member_state or _("all"),
        }
