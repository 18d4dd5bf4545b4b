from django.db.models import F

from ..models import ApiToken


def api_tokens_of(user):
    """Return the person's tokens, live ones first, newest first."""
    return ApiToken.objects.filter(user=user).order_by(F("revoked_at").asc(nulls_first=True), "-created_at")
