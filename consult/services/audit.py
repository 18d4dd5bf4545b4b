"""The audit trail: record one event per official act; chain the events by hash; check the chain.

An act appends its event in its own transaction, unchained: no lock, nothing read. After the
commit, the sealer (`audit_seal`, on the worker) takes the committed events not yet chained, in
id order, and gives each its place in the chain (`sequence`: 1, 2, 3... without gaps), the hash
of the event before it (`previous_hash`, GENESIS for the first) and its own `hash`: the SHA-256
of its canonical form, the UTF-8 JSON of every stored field but the id and the sequence (keys
sorted, no spaces, the time in UTC ISO 8601 with microseconds). The order is still protected,
since each event names its predecessor's hash. Changing any field of a sealed event breaks its
own hash; removing one breaks the `previous_hash` of the next. Removing the newest events leaves
a shorter but consistent chain: the head hash shown on the audit page is what to keep elsewhere
to notice that.

Sealers take turns on one lock (PostgreSQL's transaction-level advisory lock; SQLite has one
writer at a time anyway), so two events can never claim the same place. A commit asks for a
seal soon (`seal_soon`): the first request of a burst publishes the task, the others find it on
its way; beat seals every minute too, in case a request was lost with Redis.
"""

import csv
import hashlib
import ipaddress
import json
from collections.abc import Iterator
from datetime import UTC
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.ipv6 import clean_ipv6_address

from ..audit_context import client_ip
from ..cache_guard import cache_try
from ..models import AuditEvent
from .exports import BOM, LineBuffer
from .outbox import task_publish
from .reports.files import spreadsheet_safe

GENESIS = "0" * 64
# Any fixed number will do: it names the lock that every sealer of the trail takes in turn.
CHAIN_LOCK = 0x61756469745F31  # "audit_1"
VERIFY_CHUNK = 2000
SEAL_BATCH = 2000
SEAL_TASK = "consult.tasks.audit_seal_task"
# Set while a seal task is on its way; it lapses if the task is lost, so the next commit asks again.
SEAL_PENDING_KEY = "consult:audit-seal-pending"
SEAL_PENDING_SECONDS = 60
# The task waits this long before it runs: the commits of that second find it on its way and
# publish nothing, so a burst of acts costs one seal a second.
SEAL_DELAY_SECONDS = 1
CHAIN_STATUS_KEY = "consult:audit-chain-status"
CSV_COLUMNS = [
    "id", "sequence", "created_at", "action", "actor_id", "actor_name", "consultation_id", "object_type", "object_id",
    "object_label", "details", "ip_address", "previous_hash", "hash",
]
HASHED_FIELDS = (
    "created_at", "actor_id", "actor_name", "action", "consultation_id", "object_type", "object_id",
    "object_label", "details", "ip_address", "previous_hash",
)


def audit_record(
    *, action, actor=None, consultation=None, obj=None, details=None, ip=None, keep_address=True
) -> AuditEvent:
    """Append one event to the trail, unchained, inside the caller's transaction; return it.

    `ip` defaults to the address of the request being served, if any; with keep_address=False
    none is stored (an anonymous reader's). The sealer chains it once the transaction has committed.
    """
    event = audit_event_new(action=action, actor=actor, consultation=consultation, obj=obj, details=details, ip=ip,
                            keep_address=keep_address)
    event.save(force_insert=True)
    seal_soon()
    return event


def audit_event_new(
    *, action, actor=None, consultation=None, obj=None, details=None, ip=None, keep_address=True
) -> AuditEvent:
    """Return the event `audit_record` appends, not saved: for a caller that inserts it in a statement of its own.

    That caller asks for the seal (`seal_soon`) once it has inserted the event.
    """
    address = ip_normalise(ip or client_ip.get()) if keep_address else None
    return AuditEvent(
        action=action, details=plain_json(details or {}), ip_address=address,
        **actor_fields(actor), **object_fields(obj), consultation_id=getattr(consultation, "pk", consultation),
        created_at=timezone.now(),
    )


def audit_seal() -> int:
    """Chain the committed events not chained yet, in id order, a batch at a time; return how many."""
    # Cleared first: an event committed from now on asks for another seal, so none waits for long.
    cache.delete(SEAL_PENDING_KEY)
    sealed = 0
    while True:
        with transaction.atomic():
            batch = seal_batch()
        sealed += batch
        if batch < SEAL_BATCH:
            return sealed


def seal_batch() -> int:
    chain_lock()
    head = AuditEvent.objects.filter(sequence__isnull=False).order_by("-sequence").values("sequence", "hash").first()
    sequence, previous = (head["sequence"], head["hash"]) if head else (0, GENESIS)
    events = list(AuditEvent.objects.filter(sequence__isnull=True).order_by("id")[:SEAL_BATCH])
    for event in events:
        sequence += 1
        event.sequence, event.previous_hash = sequence, previous
        event.hash = previous = event_hash(event)
    AuditEvent.objects.bulk_update(events, ["sequence", "previous_hash", "hash"])
    return len(events)


def seal_soon() -> None:
    """Have the worker seal the trail once the current transaction commits."""
    transaction.on_commit(seal_request, robust=True)


def seal_request() -> None:
    """Publish the seal task, unless one is already on its way (published, not yet started).

    Without the cache nothing is published: Redis is the broker too, and beat seals every minute.
    """
    first = partial(cache.add, SEAL_PENDING_KEY, True, timeout=SEAL_PENDING_SECONDS)
    if not cache_try(first, fallback=False, skipped="Audit seal left to beat"):
        return
    try:
        task_publish(SEAL_TASK, countdown=SEAL_DELAY_SECONDS)
    except Exception:
        cache.delete(SEAL_PENDING_KEY)  # The next commit tries again; beat seals meanwhile.
        raise


def audit_verify() -> AuditEvent | None:
    """Seal what has committed; return the first event whose place, hash or link is wrong, or None if the chain holds."""
    audit_seal()
    return chain_walk()[1]


def chain_walk() -> tuple[int, AuditEvent | None, dict | None]:
    """Walk the chain in its order, a chunk at a time, in constant memory.

    Return how many events held, the first that did not (or None) and the last that held (its id and hash).
    An event holds when it is next in sequence, names its predecessor's hash and its content hashes to its own.
    """
    count, last = 0, None
    rows = AuditEvent.objects.filter(sequence__isnull=False).order_by("sequence")
    for row in rows.values("id", "sequence", "hash", *HASHED_FIELDS).iterator(chunk_size=VERIFY_CHUNK):
        expected_previous = last["hash"] if last else GENESIS
        in_place = row["sequence"] == count + 1 and row["previous_hash"] == expected_previous
        if not in_place or row["hash"] != content_hash(row):
            return count, AuditEvent.objects.get(pk=row["id"]), last
        count, last = count + 1, {"id": row["id"], "hash": row["hash"]}
    return count, None, last


def audit_chain_check() -> dict:
    """Seal what has committed, verify the whole chain now, remember the outcome for the audit page, and return it."""
    audit_seal()
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
