"""Reads about people's accounts."""

from django.contrib.auth import get_user_model
from django.db.models import Q


def account_for_email(email: str):
    """Return the account whose username or e-mail address is `email` (any case), or None."""
    users = get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email))
    return users.order_by("pk").first()
