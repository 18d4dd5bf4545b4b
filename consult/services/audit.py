"""The audit trail: record one event per official act, chained by hash; check the chain.

Each event stores the hash of the event before it (`previous_hash`, GENESIS for the first) and
its own `hash`: the SHA-256 of its canonical form, the UTF-8 JSON of every stored field but
the id (keys sorted, no spaces, the time in UTC ISO 8601 with microseconds). The id is left
out because the database gives it on insert; the order is still protected, since each event
names its predecessor's hash. Changing any field of an event breaks its own hash; removing
one breaks the `previous_hash` of the next. Removing the newest events leaves a shorter but
consistent chain: the head hash shown on the audit page is what to keep elsewhere to notice that.

Writers take turns on one lock held until their transaction commits (PostgreSQL's
transaction-level advisory lock; SQLite has one writer at a time anyway), so two events can
never claim the same predecessor. Record the event last in a transaction, after anything slow.
"""

import csv
import hashlib
import ipaddress
import json
from collections.abc import Iterator
from datetime import UTC

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.ipv6 import clean_ipv6_address

from ..audit_context import client_ip
from ..models import AuditEvent
from .exports import BOM, LineBuffer, spreadsheet_safe

GENESIS = "0" * 64
# Any fixed number will do: it names the lock that every writer of the trail takes in turn.
CHAIN_LOCK = 0x61756469745F31  # "audit_1"
VERIFY_CHUNK = 2000
CHAIN_STATUS_KEY = "consult:audit-chain-status"
CSV_COLUMNS = [
    "id", "created_at", "action", "actor_id", "actor_name", "consultation_id", "object_type", "object_id",
    "object_label", "details", "ip_address", "previous_hash", "hash",
]
HASHED_FIELDS = (
    "created_at", "actor_id", "actor_name", "action", "consultation_id", "object_type", "object_id",
    "object_label", "details", "ip_address", "previous_hash",
)


def audit_record(*, action, actor=None, consultation=None, obj=None, details=None, ip=None) -> AuditEvent:
    """Append one event to the trail, inside the caller's transaction; return it.

    `ip` defaults to the address of the request being served, if any.
    """
    event = AuditEvent(
        action=action, details=plain_json(details or {}), ip_address=ip_normalise(ip or client_ip.get()),
        **actor_fields(actor), **object_fields(obj), consultation_id=getattr(consultation, "pk", consultation),
    )
    with transaction.atomic(savepoint=False):
        chain_lock()
        event.previous_hash = latest_hash()
        event.created_at = timezone.now()
        event.hash = event_hash(event)
        event.save(force_insert=True)
    return event


def audit_verify() -> AuditEvent | None:
    """Return the first event whose hash or link to its predecessor is wrong, or None if the chain holds."""
    return chain_walk()[1]


def chain_walk() -> tuple[int, AuditEvent | None, dict | None]:
    """Walk the chain in id order, a chunk at a time, in constant memory.

    Return how many events held, the first that did not (or None) and the last that held (its id and hash).
    """
    count, last = 0, None
    rows = AuditEvent.objects.order_by("id").values("id", "hash", *HASHED_FIELDS)
    for row in rows.iterator(chunk_size=VERIFY_CHUNK):
        expected_previous = last["hash"] if last else GENESIS
        if row["previous_hash"] != expected_previous or row["hash"] != content_hash(row):
            return count, AuditEvent.objects.get(pk=row["id"]), last
        count, last = count + 1, {"id": row["id"], "hash": row["hash"]}
    return count, None, last


def audit_chain_check() -> dict:
    """Verify the whole chain now, remember the outcome for the audit page, and return it."""
    count, broken, last = chain_walk()
    status = {
        "checked_at": timezone.now(), "events": count, "broken_id": broken.pk if broken else None,
        "head_id": last["id"] if last else None, "head_hash": last["hash"] if last else GENESIS,
    }
    cache.set(CHAIN_STATUS_KEY, status, timeout=None)
    return status


def audit_chain_status() -> dict | None:
    """Return the outcome of the last check of the chain, or None if it was not checked since the cache was emptied."""
    return cache.get(CHAIN_STATUS_KEY)


def audit_csv_lines(events) -> Iterator[str]:
    """Yield the events as CSV, the header first; no cell can start a spreadsheet formula."""
    writer = csv.writer(LineBuffer(), quoting=csv.QUOTE_STRINGS)
    yield BOM + writer.writerow(CSV_COLUMNS)
    for event in events.values(*CSV_COLUMNS).iterator(chunk_size=VERIFY_CHUNK):
        yield writer.writerow(audit_csv_row(event))


def audit_csv_row(event: dict) -> list:
    cells = {
        **event,
        "created_at": event["created_at"].astimezone(UTC).isoformat(),
        "details": json.dumps(event["details"], sort_keys=True, ensure_ascii=False),
    }
    return [spreadsheet_safe(cells[name]) for name in CSV_COLUMNS]


def chain_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def latest_hash() -> str:
    return AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS


def event_hash(event: AuditEvent) -> str:
    return content_hash({name: getattr(event, name) for name in HASHED_FIELDS})


def content_hash(fields: dict) -> str:
    """Return the SHA-256 of the event's canonical JSON form (its HASHED_FIELDS, whatever else `fields` holds)."""
    canonical = {name: fields[name] for name in HASHED_FIELDS}
    canonical["created_at"] = canonical["created_at"].astimezone(UTC).isoformat(timespec="microseconds")
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def plain_json(details: dict) -> dict:
    """Return the details as the database will give them back: dates as text, tuples as lists."""
    return json.loads(json.dumps(details, cls=DjangoJSONEncoder))


def ip_normalise(ip: str | None) -> str | None:
    """Return the address in the form the database stores it, or None if it is not an address."""
    try:
        version = ipaddress.ip_address(ip).version if ip else None
    except ValueError:
        return None
    return clean_ipv6_address(ip) if version == 6 else ip


def actor_fields(actor) -> dict:
    if actor is None or not actor.is_authenticated:
        return {"actor_id": None, "actor_name": ""}
    return {"actor_id": actor.pk, "actor_name": (actor.get_full_name() or actor.get_username())[:150]}


def object_fields(obj) -> dict:
    if obj is None:
        return {"object_type": "", "object_id": "", "object_label": ""}
    object_id = "" if obj.pk is None else str(obj.pk)[:64]  # A deleted row has lost its id.
    # Labels are kept in one language, whoever's interface recorded them.
    with translation.override(settings.LANGUAGE_CODE):
        label = str(obj)[:300]
    return {"object_type": obj._meta.label_lower[:40], "object_id": object_id, "object_label": label}
