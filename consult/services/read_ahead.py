"""Read from the database on a thread of its own while the caller writes what was read before.

An export spends about half its time waiting on PostgreSQL and half in Python writing rows: a
reader thread with its own connection keeps the next chunks coming while the current one is
written, so the two overlap (psycopg2 lets go of the GIL while it waits on the server).
"""

import contextvars
import queue
import threading
from collections.abc import Callable, Iterator

from django.db import connections, router

from surveys.models import Answer

DEPTH = 2  # Chunks read ahead: enough to hide the database, little memory.
DONE = object()


def read_ahead(produce: Callable[[], Iterator]) -> Iterator:
    """Yield what produce() yields, produced on a reader thread up to DEPTH items ahead.

    Inside a transaction the items are produced here instead: another connection would not see
    what the transaction has written, nor read the same snapshot.
    """
    if connections[router.db_for_read(Answer) or "default"].in_atomic_block:
        return produce()
    return threaded(produce)


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
