"""Personal API tokens: created and revoked by their person, checked on each API request.

A token is `cst_` and 40 random characters; only its SHA-256 is stored, so a copy of the
database gives nobody a working token. Creating and revoking are audited, and so is use: at
most once per USE_AUDIT_INTERVAL per token, so that a script polling the API does not flood
the trail (every write it makes is audited by its own service).
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ApiToken, AuditEvent
from .audit import audit_record

PREFIX = "cst_"
USE_AUDIT_INTERVAL = timedelta(hours=1)
# last_used_at is written at most this often: a page of requests costs no write each.
USE_RECORD_INTERVAL = timedelta(minutes=1)
MAX_TOKENS_PER_PERSON = 20


class ApiTokenError(ValueError):
    """A token that cannot be created; the message says why."""


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_token_create(*, user, name: str, scope: str) -> tuple[ApiToken, str]:
    """Create a token for the person; return it and its key, which is never shown again."""
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_TOKENS_PER_PERSON:
        raise ApiTokenError(
            _("You have %(count)s live tokens, the most allowed: revoke one first.") % {"count": MAX_TOKENS_PER_PERSON}
        )
    key = PREFIX + secrets.token_urlsafe(30)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name.strip(), scope=scope, key_hash=key_hash(key), prefix=key[: len(PREFIX) + 4]
        )
        audit_record(action=AuditEvent.Action.API_TOKEN_CREATED, actor=user, obj=token, details={"scope": scope})
    return token, key


def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Stop the token working at once; it stays listed, revoked."""
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if revoked:
            audit_record(action=AuditEvent.Action.API_TOKEN_REVOKED, actor=actor, obj=token)
    token.refresh_from_db()
    return token


def api_token_authenticate(key: str, *, method: str, path: str) -> ApiToken | None:
    """Return the live token with this key (its person active), recording its use; None for any other key."""
    if not key.startswith(PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(key), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    api_token_use_record(token, method=method, path=path)
    return token


def api_token_use_record(token: ApiToken, *, method: str, path: str) -> None:
    now = timezone.now()
    previous = token.last_used_at
    if previous is not None and now - previous < USE_RECORD_INTERVAL:
        return
    # Only the request that moves last_used_at on audits: concurrent requests audit once.
    moved = ApiToken.objects.filter(pk=token.pk, last_used_at=previous).update(last_used_at=now)
    token.last_used_at = now
    if moved and (previous is None or now - previous >= USE_AUDIT_INTERVAL):
        audit_record(action=AuditEvent.Action.API_TOKEN_USED, actor=token.user, obj=token,
                     details={"method": method, "path": path[:200]})
