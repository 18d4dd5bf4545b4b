"""Read from the database on threads of their own while the caller writes what was read before.

An export spends about half its time waiting on PostgreSQL and half in Python writing rows: a
reader thread with its own connection keeps the next chunks coming while the current one is
written, so the two overlap (psycopg2 lets go of the GIL while it waits on the server). Where
the database is the slower side (a CSV export), several readers each read every so many chunks.
"""

import contextvars
import queue
import threading
from collections.abc import Callable, Iterator
from functools import partial

from django.db import connections, router

from surveys.models import Answer

DEPTH = 2  # Chunks read ahead: enough to hide the database, little memory.
# Readers of each_read_ahead: the database reads two chunks at once while Python writes a third.
READERS = 2
DONE = object()


def read_ahead(produce: Callable[[], Iterator]) -> Iterator:
    """Yield what produce() yields, produced on a reader thread up to DEPTH items ahead.

    Inside a transaction the items are produced here instead: another connection would not see
    what the transaction has written, nor read the same snapshot.
    """
    if in_transaction():
        return produce()
    return threaded(produce)


def each_read_ahead(produce: Callable[[], Iterator], read: Callable, readers: int = READERS) -> Iterator[tuple]:
    """Yield (item, read(item)) for each item produce() yields, in order.

    The items are produced on a reader thread, and read on `readers` more threads, each with its
    own connection and one item ahead (in line inside a transaction, as read_ahead).
    """
    if in_transaction():
        return ((item, read(item)) for item in produce())
    return spread(read_ahead(produce), read, readers)


def in_transaction() -> bool:
    return connections[router.db_for_read(Answer) or "default"].in_atomic_block


def spread(items: Iterator, read: Callable, readers: int) -> Iterator[tuple]:
    """Hand the items out to the readers in turn, and take their results back in the same turn."""
    inboxes = [queue.Queue() for _ in range(readers)]
    outputs = [threaded(partial(reading, inbox, read)) for inbox in inboxes]
    # One chunk ahead per reader keeps each of them busy: more would only hold more memory.
    ahead, count = readers, 0
    try:
        for count, item in enumerate(items, 1):
            inboxes[(count - 1) % readers].put(item)
            if count > ahead:
                yield next(outputs[(count - 1 - ahead) % readers])
        for number in range(max(0, count - ahead), count):
            yield next(outputs[number % readers])
    finally:  # Also when the caller stops early: each reader is told, then stopped and waited for.
        for inbox in inboxes:
            inbox.put(DONE)
        for output in outputs:
            output.close()
        items.close()


def reading(inbox: queue.Queue, read: Callable) -> Iterator[tuple]:
    while (item := inbox.get()) is not DONE:
        yield item, read(item)


def threaded(produce: Callable[[], Iterator]) -> Iterator:
    items: queue.Queue = queue.Queue(maxsize=DEPTH)
    stop = threading.Event()
    # The reader reads where the caller would (the replica, the active language).
    reader = threading.Thread(
        target=contextvars.copy_context().run, args=(fill, produce, items, stop), name="read-ahead", daemon=True
    )
    reader.start()
    try:
        while (item := items.get()) is not DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:  # Also when the caller stops early (a download cancelled): the reader stops too.
        stop.set()
        reader.join()


def fill(produce: Callable[[], Iterator], items: queue.Queue, stop: threading.Event) -> None:
    """Put each item in the queue, then DONE (or the error that ended it), until told to stop."""
    try:
        for item in produce():
            if not put(items, item, stop):
                return
        put(items, DONE, stop)
    except BaseException as error:  # Handed to the caller's thread, which raises it.
        put(items, error, stop)
    finally:
        connections.close_all()  # This thread's own connections.


def put(items: queue.Queue, item, stop: threading.Event) -> bool:
    while not stop.is_set():
        try:
            items.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False
