"""Every API error as JSON: {"error": "what went wrong, in a sentence", "errors": {field: [...]}}."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler


def json_error(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"error": _("The request is not valid: see the errors by field."), "errors": response.data}
    elif isinstance(exc, exceptions.Throttled):
        seconds = max(1, int(exc.wait or 0))
        response.data = {"error": _("Too many requests: try again in %(seconds)s seconds.") % {"seconds": seconds}}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"error": str(response.data["detail"])}
    return response
