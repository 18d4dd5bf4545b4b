"""Who may reach a view: the decorators every view of consult/ uses."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from ..services.accounts import is_secretariat


def secretariat_required(view):
    """Let only secretariat staff through: log in first, 403 for anyone else."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_secretariat(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
