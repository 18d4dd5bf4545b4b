"""What the request being served has already read, kept until the request ends.

A page save asks several times whom the person acts for and when the consultation closes (the
view to show the page, the service again once it holds the lock): the database answers once.
Outside a request (workers, commands, tests calling services) nothing is kept.
"""

from collections.abc import Callable
from contextvars import ContextVar

memo: ContextVar[dict | None] = ContextVar("consult_request_memo", default=None)


def memoised(key, compute: Callable):
    """Return compute(), computed once per request for the key; outside a request, every time."""
    kept = memo.get()
    if kept is None:
        return compute()
    if key not in kept:
        kept[key] = compute()
    return kept[key]


def memo_note(key, value) -> None:
    """Keep the value for the rest of the request; outside a request, forget it."""
    kept = memo.get()
    if kept is not None:
        kept[key] = value


def memo_recall(key, default=None):
    """Return what the request noted under the key, or the default."""
    kept = memo.get()
    return default if kept is None else kept.get(key, default)


class RequestMemoMiddleware:
    """Keep what the request reads (see `memoised`) for that request only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = memo.set({})
        try:
            return self.get_response(request)
        finally:
            memo.reset(token)
