"""Doing a posted action once per submission key, whatever the number of times it is posted.

Each questionnaire page and submit form carries a fresh key. The request acts, then inserts
the key's SubmissionKey row with the outcome, in the same transaction: one statement for the
key. A duplicate, concurrent or later, finds the key recorded once the first request has
committed (it waits for it on the position's lock, which every action takes, or on the key's
index); what it did is rolled back and it returns the first outcome. A key posted again with
other content is refused and nothing is changed.
"""

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Position, SubmissionKey

# Posted fields that are not content: the CSRF token changes when one logs in again elsewhere.
NOT_CONTENT = {"csrfmiddlewaretoken", "submission_key"}


class SubmissionKeyReused(Exception):
    """The key was used before for other content; the message says so, for the person to read."""

    @property
    def message(self) -> str:
        return self.args[0]


# A replay comes within minutes; a month covers a page left open for days, then sent again.
KEY_LIFETIME = timedelta(days=30)


def submission_keys_expire(*, now=None) -> int:
    """Delete the keys used more than KEY_LIFETIME ago; return how many."""
    cutoff = (now or timezone.now()) - KEY_LIFETIME
    deleted, _by_model = SubmissionKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def submission_key_new() -> str:
    return str(uuid.uuid4())


def posted_submission_key(data) -> uuid.UUID | None:
    """Return the key posted with the form, or None when there is none (old pages, API clients)."""
    try:
        return uuid.UUID(data.get("submission_key", ""))
    except ValueError:
        return None


def posted_digest(data, *, purpose: str) -> str:
    """Return the SHA-256 of the posted content, the same whatever the order of its fields."""
    fields = sorted((name, data.getlist(name)) for name in data if name not in NOT_CONTENT)
    canonical = json.dumps([purpose, fields], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def submission_once(
    *, key: uuid.UUID, position: Position, purpose: str, digest: str, action: Callable[[], dict]
) -> tuple[dict, bool]:
    """Run `action` once for the key and return (its outcome, whether this request replayed it).

    `action` returns the outcome as JSON-able data, stored with the key. If it raises, the key
    is not recorded and may be used again, unless another request recorded it: the action of a
    duplicate may be refused (a page saved since), and the first outcome is returned instead.
    Raise SubmissionKeyReused when the key was recorded for other content, for another position
    or for another purpose.
    """
    try:
        with transaction.atomic():
            outcome = action()
            if key_claimed(key, position, purpose, digest, outcome):
                return outcome, False
            raise KeyRecordedBefore  # Undo what this duplicate did.
    except KeyRecordedBefore:
        pass
    except Exception:
        if not SubmissionKey.objects.filter(key=key).exists():
            raise
    return recorded_outcome(key, position, purpose, digest), True


class KeyRecordedBefore(Exception):
    """Another request recorded the key first."""


# A concurrent request with the same key waits on the primary key until the first commits, then inserts nothing.
CLAIM_SQL = """
INSERT INTO {table} (key, position_id, purpose, digest, outcome, created_at) VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (key) DO NOTHING RETURNING key
"""
CLAIM_FIELDS = [
    SubmissionKey._meta.get_field(name) for name in ("key", "position", "purpose", "digest", "outcome", "created_at")
]


def key_claimed(key: uuid.UUID, position: Position, purpose: str, digest: str, outcome: dict) -> bool:
    """Record the key and its outcome in the current transaction; return False if it was recorded before."""
    row = SubmissionKey(
        key=key, position=position, purpose=purpose, digest=digest, outcome=outcome, created_at=timezone.now()
    )
    values = [field.get_db_prep_save(getattr(row, field.attname), connection) for field in CLAIM_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL.format(table=SubmissionKey._meta.db_table), values)
        return cursor.fetchone() is not None


def recorded_outcome(key: uuid.UUID, position: Position, purpose: str, digest: str) -> dict:
    # The first request has committed by now: the insert waited for it on the index, or the lookup found it.
    row = SubmissionKey.objects.get(key=key)
    if (row.position_id, row.purpose, row.digest) != (position.pk, purpose, digest):
        raise SubmissionKeyReused(
            _(
                "Not saved: this form was already sent with other content. Nothing was changed. "
                "Your input is kept: check it and send it again."
            )
        )
    return row.outcome
