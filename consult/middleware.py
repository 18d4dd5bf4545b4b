"""While the database cannot be reached, answer 503 with a page that says so, never a 500.

A request that needs the database (nearly all: the session, the person, the page) fails with
OperationalError or InterfaceError while PostgreSQL is down or restarting. The person gets a
page that needs no database to render, and an autosave gets JSON, so that the questionnaire
keeps their text and says it is not saved yet. Once the database is back, the next request
reconnects: CONN_HEALTH_CHECKS replaces the stale connection.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A middleware below this one that failed on the database became a 500 on its way here.
        if response.status_code == 500 and getattr(request, "database_unavailable", False):
            return unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.warning("Database unavailable, answered 503: %s", exception)
        return unavailable_response(request)


def mark_database_unavailable(sender, request=None, **kwargs):
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        request.database_unavailable = True


got_request_exception.connect(mark_database_unavailable, dispatch_uid="consult-database-unavailable")


def unavailable_response(request) -> HttpResponse:
    """Return the 503 answer; rendered without a request, so that no context processor reads the database."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": _("The site cannot reach its database for a moment: try again.")}, status=503)
    elif request.headers.get("X-Requested-With") == "fetch":
        message = _(
            "Not saved yet: the site cannot reach its database for a moment. "
            "Your text is kept in this page; saving retries."
        )
        response = JsonResponse({"error": message}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
