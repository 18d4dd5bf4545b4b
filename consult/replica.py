"""Reports and exports read from the read replica (REPLICA_DATABASE_URL), everything else from the primary.

Only code run inside `reading_from_replica()` reads from the `replica` alias, and only when
settings define one: the reads of report building and of exports, which are long and
tolerate data a second old. Requests, submissions and every write stay on `default`, so
that a person always sees what they have just saved.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings

REPLICA = "replica"
on_replica: ContextVar[bool] = ContextVar("on_replica", default=False)


@contextmanager
def reading_from_replica():
    """Send the reads made inside the block to the replica, if there is one."""
    token = on_replica.set(True)
    try:
        yield
    finally:
        on_replica.reset(token)


def reads_from_replica(function):
    """Run the function's reads on the replica (reading_from_replica around each call)."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        with reading_from_replica():
            return function(*args, **kwargs)

    return wrapper


def lines_from_replica(lines) -> Iterator:
    """Yield from a generator whose reads go to the replica, the block opened around each step only.

    A streaming response draws the lines between other work of its request: the reads must not
    leak into that work, and a context variable must be reset in the context that set it.
    """
    iterator = iter(lines)
    while True:
        with reading_from_replica():
            line = next(iterator, StopIteration)
        if line is StopIteration:
            return
        yield line


class ReplicaRouter:
    """Reads inside reading_from_replica() go to the replica; writes and migrations only to default."""

    def db_for_read(self, model, **hints):
        if on_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        # Explicit: an object read from the replica and then saved would otherwise be written there.
        return "default"

    def allow_relation(self, first, second, **hints):
        return True  # Both aliases hold the same data.

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
