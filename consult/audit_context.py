"""Where the request being served comes from, for the audit trail: services never see requests."""

from contextvars import ContextVar

from axes.helpers import get_client_ip_address

client_ip: ContextVar[str | None] = ContextVar("audit_client_ip", default=None)


class AuditAddressMiddleware:
    """Remember the client's address while the request is served (behind TRUSTED_PROXY_COUNT proxies)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The same address django-axes and the registration rate limits use.
        token = client_ip.set(get_client_ip_address(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)
