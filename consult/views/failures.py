"""Background failures: the tasks that failed for good after their retries, for the secretariat."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import TaskFailure
from ..services.outbox import task_failure_dismiss
from .access import secretariat_required

PAGE_SIZE = 50


@secretariat_required
def task_failure_list(request):
    """List the failures nobody has dismissed yet, newest first."""
    failures = TaskFailure.objects.filter(dismissed_at__isnull=True)
    page = Paginator(failures, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consult/failures/list.html", {"page": page})


@secretariat_required
@require_POST
def task_failure_dismiss_view(request, task_id):
    failure = get_object_or_404(TaskFailure, task_id=str(task_id))
    task_failure_dismiss(failure=failure, actor=request.user)
    messages.success(request, _("The failure of %(task)s was dismissed.") % {"task": failure.task_name})
    return redirect("consult:task-failures")
