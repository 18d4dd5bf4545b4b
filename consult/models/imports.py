"""Files brought in by people: tables of responses uploaded by the secretariat."""

import uuid

from django.conf import settings
from django.db import models

from .consultation import Consultation
from .languages import Audience


class ResponseImport(models.Model):
    """A table of responses uploaded for import: kept in the media storage until its preview is confirmed, and traced."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="response_imports")
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    audience = models.CharField(max_length=20, choices=Audience.choices, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.filename} ({self.consultation})"
