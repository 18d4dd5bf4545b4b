"""Failed log-ins as django-axes counts them, plus a limit per address across usernames.

axes locks a username from an address after AXES_FAILURE_LIMIT failures. One address trying a
few passwords on each of many usernames (password spraying) stays under that limit; so an address
with LOGIN_FAILURES_PER_ADDRESS failures, whatever the usernames, is paused too, until none of its
failures is newer than LOGIN_ADDRESS_COOLOFF_MINUTES. The address limit is much higher than the
username one: an office or a ministry behind one address is not paused by a few people mistyping.
"""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

# No account has a longer username (Django's column holds 150): axes' own holds 255, and a longer
# one typed on the log-in page failed the page with a database error.
USERNAME_LENGTH = 150


def login_username(request, credentials) -> str | None:
    """Return the username axes records, cut to what an account can have (AXES_USERNAME_CALLABLE)."""
    source = credentials or getattr(request, "data", request.POST)
    username = source.get(settings.AXES_USERNAME_FORM_FIELD)
    return username[:USERNAME_LENGTH] if isinstance(username, str) else username


def address_failures(ip_address: str) -> int:
    """Return the failures from the address on usernames it failed on within the cool-off."""
    since = timezone.now() - timedelta(minutes=settings.LOGIN_ADDRESS_COOLOFF_MINUTES)
    attempts = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since)
    return attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0


class LoginThrottle(AxesDatabaseHandler):
    """axes' database handler (AXES_HANDLER), which also pauses an address past its own limit."""

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self.address_paused(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None:
            self.address_paused(request)  # This failure may be the one that reaches the limit.

    def address_paused(self, request) -> bool:
        """Tell whether the address has reached its limit; if so, mark the request for the lockout page."""
        if address_failures(request.axes_ip_address) < settings.LOGIN_FAILURES_PER_ADDRESS:
            return False
        request.axes_locked_out = True
        request.login_address_pause_minutes = settings.LOGIN_ADDRESS_COOLOFF_MINUTES  # For the lockout page.
        return True
