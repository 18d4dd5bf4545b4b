"""Request rates (settings API_RATE_ANONYMOUS, API_RATE_PERSON), counted in Django's cache."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from ..views.access import client_ip


class AnonymousRate(SimpleRateThrottle):
    """Anonymous callers, per address (the address the rate limits of the site's forms use)."""

    scope = "api-anonymous"

    def get_rate(self):
        return settings.API_RATE_ANONYMOUS

    def get_cache_key(self, request, view):
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class PersonRate(SimpleRateThrottle):
    """Signed-in callers, per person, whatever their tokens or addresses."""

    scope = "api-person"

    def get_rate(self):
        return settings.API_RATE_PERSON

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
