"""Django's cache (Redis in production), used so that a Redis that is down or silent never fails a page.

The cache gives up after its socket timeouts (CACHES OPTIONS in config/settings.py: 1 s to
connect, 2 s for an answer). A request that saw the cache fail once does not ask it again: its
later uses take their fallback at once, so a registration that counts three rate limits waits for
one timeout, not three. Outside a request (workers, commands) every use asks the cache.
"""

import logging
from collections.abc import Callable

from .request_memo import memo_note, memo_recall

logger = logging.getLogger(__name__)

FAILED = "cache-guard:failed"


def cache_try[T](operation: Callable[[], T], *, fallback: T, skipped: str) -> T:
    """Return operation(), or the fallback if the cache fails now or failed earlier in this request.

    `skipped` says what goes without the cache, for the warning ("Rate limit not applied").
    """
    if memo_recall(FAILED):
        logger.warning("%s: the cache did not answer earlier in this request.", skipped)
        return fallback
    try:
        return operation()
    except Exception as error:  # Each cache backend raises its own errors (redis.TimeoutError, OSError...).
        memo_note(FAILED, True)
        logger.warning("%s: the cache cannot be reached (%s).", skipped, error)
        return fallback
