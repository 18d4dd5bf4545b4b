"""Who may reach a view, and how often: the decorators every view of consult/ uses."""

import ipaddress
from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_language

from ..permissions import is_secretariat
from ..services.password_reset import password_reset_request
from ..services.rate_limits import RateLimited, rate_limit_count


def secretariat_required(view):
    """Let only secretariat staff through: log in first, 403 for anyone else."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_secretariat(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def client_ip(request) -> str:
    """Return the client's address, for django-axes (AXES_CLIENT_IP_CALLABLE) and the rate limits.

    Behind TRUSTED_PROXY_COUNT proxies, each appending the address it was reached from to
    X-Forwarded-For, the client is the last address but (count - 1); what the client itself put
    in that header comes before it and is ignored. With no proxy only REMOTE_ADDR is believed.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    count = settings.TRUSTED_PROXY_COUNT
    if not count or len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:  # Not written by our proxies: believe only the connection.
        return remote


def too_many_requests(request, error: RateLimited, template="consult/rate_limited.html"):
    response = render(request, template, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def rate_limited(action, subject=None):
    """Count each POST from the client's address (and for the URL argument `subject`); answer 429 past the limits."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                subjects = {"ip": client_ip(request)} | ({subject: kwargs[subject]} if subject else {})
                try:
                    rate_limit_count(action=action, **subjects)
                except RateLimited as error:
                    return too_many_requests(request, error)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset page, limited per address and per e-mail address; the worker sends the mail.

    Whether or not the address has an account, the page counts the same limits and writes the
    same outbox row, so neither its answer nor its time reveals which addresses have one.
    """

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        try:
            rate_limit_count(action="password-reset", ip=client_ip(self.request), email=email)
        except RateLimited as error:
            return too_many_requests(self.request, error)
        password_reset_request(
            email=email, domain=self.request.get_host(), use_https=self.request.is_secure(), language=get_language()
        )
        return HttpResponseRedirect(self.get_success_url())
