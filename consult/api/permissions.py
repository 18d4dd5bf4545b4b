"""The API's permission classes: each asks consult/permissions.py, as the pages do."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from ..models import ApiToken
from ..permissions import is_secretariat


class TokenScope(BasePermission):
    """Anyone may read what the view lets them see; a change needs a read-and-write token (or the site's session)."""

    message = _("This token may only read. Create a token with the read-and-write scope to change answers.")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        if isinstance(request.auth, ApiToken):
            return request.auth.allows_writing()
        return request.user.is_authenticated


class SignedIn(BasePermission):
    message = _("Sign in with a personal API token, sent in the header Authorization: Bearer followed by the token.")

    def has_permission(self, request, view):
        return request.user.is_authenticated


class Secretariat(BasePermission):
    message = _("Only the secretariat may read this.")

    def has_permission(self, request, view):
        return is_secretariat(request.user)
