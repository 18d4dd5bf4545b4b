"""Django's 404 and 500 pages, answered in JSON under /api/, where clients read JSON."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception):
    if is_api(request):
        return JsonResponse({"error": _("Nothing here: check the address against /api/docs/.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return JsonResponse({"error": _("Something went wrong on our side; it has been logged.")}, status=500)
    return defaults.server_error(request)
