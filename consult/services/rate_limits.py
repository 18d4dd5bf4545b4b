"""How often one address (or one e-mail address, or one link) may use a public form, counted in the cache.

Each limit is a fixed window that starts with the first use: `(what is counted, uses, seconds)`.
With several web processes the counts must live in a shared cache (Redis in production).
If the cache cannot be reached the form is let through and a warning is logged: an outage of
Redis must not stop people registering or resetting a password, and log-ins stay throttled by
django-axes, which keeps its counts in the database. A request waits for a silent Redis once
at most (consult/cache_guard.py).
"""

import hashlib
from functools import partial

from django.core.cache import cache
from django.utils.translation import gettext as _

from ..cache_guard import cache_try

# action -> limits; "ip" is the client address, other subjects are named by the caller.
LIMITS = {
    "registration": (("ip", 1, 60), ("ip", 5, 3600), ("email", 1, 3600)),
    "password-reset": (("ip", 1, 60), ("ip", 5, 3600), ("email", 3, 3600)),
    # Two a minute: a second click on "send me a new link" is told what the first did, not refused.
    "invitation-new-link": (("ip", 2, 60), ("ip", 5, 3600), ("token", 3, 3600)),
}


class RateLimited(Exception):
    """Too many uses of a public form; `retry_after` is in seconds."""

    def __init__(self, retry_after):
        super().__init__(_("Too many attempts. Please try again later."))
        self.retry_after = retry_after


def rate_limit_count(*, action: str, **subjects: str) -> None:
    """Count one use of the action by each subject (ip=..., email=...); raise RateLimited past a limit."""
    for counted, limit, seconds in LIMITS[action]:
        # Hashed: the cache holds no address in clear, and any text makes a valid key.
        subject = hashlib.sha256((subjects[counted] or "unknown").casefold().encode()).hexdigest()
        count = _window_count(f"rate-limit:{action}:{counted}:{seconds}:{subject}", seconds)
        if count is not None and count > limit:
            raise RateLimited(retry_after=seconds)


def _window_count(key, seconds) -> int | None:
    """Add one to the window's count and return it; None when the cache cannot be reached."""
    return cache_try(partial(_window_add, key, seconds), fallback=None, skipped="Rate limit not applied")


def _window_add(key, seconds) -> int:
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key)
    except ValueError:  # The window ended between add and incr: this use starts the next one.
        cache.set(key, 1, timeout=seconds)
        return 1
