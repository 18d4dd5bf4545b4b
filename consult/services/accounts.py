from django.contrib.auth.models import Group, Permission

from ..permissions import SECRETARIAT


def secretariat_group() -> Group:
    """Return the Secretariat group, with every permission on consultations and surveys."""
    group, _ = Group.objects.get_or_create(name=SECRETARIAT)
    permissions = Permission.objects.filter(content_type__app_label__in=["consult", "surveys"])
    # Viewing users lets the admin's autocomplete find the person to make a focal point.
    view_users = Permission.objects.filter(content_type__app_label="auth", codename="view_user")
    group.permissions.add(*permissions, *view_users)
    return group
