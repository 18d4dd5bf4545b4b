from django.contrib.auth.models import Group, Permission

SECRETARIAT = "Secretariat"


def secretariat_group() -> Group:
    """Return the Secretariat group, with every permission on consultations and surveys."""
    group, _ = Group.objects.get_or_create(name=SECRETARIAT)
    permissions = Permission.objects.filter(content_type__app_label__in=["consult", "surveys"])
    group.permissions.add(*permissions)
    return group


def is_secretariat(user) -> bool:
    return user.is_active and (user.is_superuser or user.groups.filter(name=SECRETARIAT).exists())
