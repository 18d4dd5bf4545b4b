"""What keeps work from being lost or done twice: idempotency keys, the outbox, failed tasks."""

import uuid

from django.conf import settings
from django.db import models

from .positions import Position


class SubmissionKey(models.Model):
    """One use of the key a questionnaire page or submit form carried.

    The primary key makes a replayed POST (a double click, a client retry) find the first
    one's outcome instead of acting again: the database refuses a second row, whatever the
    number of concurrent requests. `digest` is a hash of what was posted, so a replay with
    other content can be told apart and refused.
    """

    key = models.UUIDField(primary_key=True)
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="submission_keys")
    purpose = models.CharField(max_length=80)
    digest = models.CharField(max_length=64)
    outcome = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.key} ({self.purpose})"


class OutboxTask(models.Model):
    """A task to publish to the broker, written in the transaction that makes it necessary.

    The database commit is the truth: if the broker is down, the row waits and the relay
    publishes it later. `dedupe_key` coalesces: while a row with the key waits, more requests
    for the same work add nothing. The task deletes its row when it starts (claims it).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)}"


class TaskFailure(models.Model):
    """A background task that failed for good (after its retries), shown to the secretariat."""

    task_id = models.CharField(max_length=64, unique=True)
    task_name = models.CharField(max_length=200)
    args = models.TextField(blank=True)
    exception = models.TextField()
    traceback = models.TextField(blank=True)
    retries = models.PositiveIntegerField(default=0)
    failed_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-failed_at"]

    def __str__(self):
        return f"{self.task_name} failed: {self.exception[:80]}"
