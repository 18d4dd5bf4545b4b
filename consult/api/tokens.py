"""Authentication by personal API token: `Authorization: Bearer cst_...`."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from ..services.api_tokens import api_token_authenticate

KEYWORDS = {"bearer", "token"}


class ApiTokenAuthentication(BaseAuthentication):
    """Let a request act as the person whose live token it carries, within the token's scope (request.auth)."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(words) != 2:
            raise AuthenticationFailed(_("Give the token after the word Bearer, with nothing else."))
        key = words[1].decode("latin-1")
        token = api_token_authenticate(key, method=request.method, path=request.path)
        if token is None:
            raise AuthenticationFailed(_("This token is unknown or revoked, or its account is disabled."))
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "consult.api.tokens.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token created on /account/api-tokens/ (read, or read and write).",
        }
