"""The audit trail: one append-only, hash-chained event per official act."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did which official act, when and from where.

    Rows are only ever inserted, unchained; a sealer on the worker then gives each committed event
    its place in the chain (`sequence`), the hash of the event before it and its own hash over its
    canonical content, once (a database trigger refuses any other UPDATE, and every DELETE). So a
    row changed or removed behind the application's back breaks the chain (`manage.py verify_audit`).
    Actor and consultation are kept without database constraints: deleting either must not
    rewrite the trail, and the names at the time are kept in `actor_name` and `object_label`.
    """

    class Action(models.TextChoices):
        INVITATION_SENT = "invitation_sent", _("Invitation sent")
        INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        ORGANISATION_REGISTERED = "organisation_registered", _("Organisation registered")
        ORGANISATION_ACCREDITED = "organisation_accredited", _("Organisation accredited")
        ORGANISATION_DECLINED = "organisation_declined", _("Organisation declined")
        DRAFT_SAVED = "draft_saved", _("Draft saved")
        PUBLICATION_CHANGED = "publication_changed", _("Publication choice changed")
        SENT_FOR_REVIEW = "sent_for_review", _("Sent for review")
        SENT_BACK = "sent_back", _("Sent back to drafting")
        SUBMITTED = "submitted", _("Submitted")
        REOPENED = "reopened", _("Reopened")
        DEADLINE_EXTENDED = "deadline_extended", _("Deadline extended")
        PAPER_IMPORTED = "paper_imported", _("Position paper imported")
        QUESTIONS_GENERATED = "questions_generated", _("Questions generated")
        REPORT_REQUESTED = "report_requested", _("Report requested")
        REPORT_BUILT = "report_built", _("Report built")
        REPORT_FAILED = "report_failed", _("Report failed")
        REPORT_PUBLISHED = "report_published", _("Report published")
        REPORT_DOWNLOADED = "report_downloaded", _("Report downloaded")
        EXPORT_DOWNLOADED = "export_downloaded", _("Export downloaded")
        ROLE_CHANGED = "role_changed", _("Role changed")
        AUDIT_EXPORTED = "audit_exported", _("Audit trail exported")
        TEXTS_ANALYSED = "texts_analysed", _("Long answers analysed")
        THEME_ACCEPTED = "theme_accepted", _("Theme accepted")
        THEME_EDITED = "theme_edited", _("Theme renamed or described")
        THEME_DISCARDED = "theme_discarded", _("Theme discarded")
        THEMES_MERGED = "themes_merged", _("Themes merged")
        THEME_SPLIT = "theme_split", _("Theme split")
        THEME_ANSWER_MOVED = "theme_answer_moved", _("Answer moved in or out of a theme")
        ANSWER_FLAGGED = "answer_flagged", _("Answer flagged")
        ANSWERS_REVIEWED = "answers_reviewed", _("Answers marked reviewed")
        THEME_REVIEW_DONE = "theme_review_done", _("Theme review of a question done")
        THEMES_EXPORTED = "themes_exported", _("Themes exported")
        RESPONSES_IMPORTED = "responses_imported", _("Responses imported")
        OFFLINE_APPLIED = "offline_applied", _("Offline questionnaire applied")
        API_TOKEN_CREATED = "api_token_created", _("API token created")
        API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
        API_TOKEN_USED = "api_token_used", _("API token used")
        FIGURES_REPAIRED = "figures_repaired", _("Stored figures found wrong and recounted")

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
        null=True, blank=True, related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices, db_index=True)
    consultation = models.ForeignKey(
        "consult.Consultation", on_delete=models.DO_NOTHING, db_constraint=False,
        null=True, blank=True, related_name="+",
    )
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Set by the sealer, once: empty until the event is chained.
    sequence = models.BigIntegerField(null=True, blank=True, unique=True)
    previous_hash = models.CharField(max_length=64, null=True, blank=True)
    hash = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["consultation", "-id"]),
            models.Index(fields=["id"], condition=models.Q(sequence__isnull=True), name="audit_events_to_seal"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.action} by {self.actor_name or '-'}"
