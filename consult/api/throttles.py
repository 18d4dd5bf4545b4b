"""Request rates (settings API_RATE_ANONYMOUS, API_RATE_PERSON), counted in Django's cache.

Without the cache (Redis down or silent) calls are let through, as the site's forms are.
"""

from functools import partial

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from ..cache_guard import cache_try
from ..views.access import client_ip


class CacheRate(SimpleRateThrottle):
    """A rate counted in the cache, not applied while the cache cannot be reached."""

    def allow_request(self, request, view):
        counted = partial(super().allow_request, request, view)
        return cache_try(counted, fallback=True, skipped="API rate not applied")


class AnonymousRate(CacheRate):
    """Anonymous callers, per address (the address the rate limits of the site's forms use)."""

    scope = "api-anonymous"

    def get_rate(self):
        return settings.API_RATE_ANONYMOUS

    def get_cache_key(self, request, view):
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class PersonRate(CacheRate):
    """Signed-in callers, per person, whatever their tokens or addresses."""

    scope = "api-person"

    def get_rate(self):
        return settings.API_RATE_PERSON

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
