"""The audit trail for the secretariat: browse with filters, check the chain, export as CSV."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..forms.audit import AuditFilterForm
from ..models import AuditEvent
from ..selectors.audit import audit_events
from ..services.audit import audit_chain_check, audit_chain_status, audit_csv_lines, audit_record, audit_seal
from .access import secretariat_required

EVENTS_PER_PAGE = 50


@secretariat_required
def audit_list(request):
    if request.method == "POST":  # Check the whole chain now: slow on a long trail, so only when asked.
        status = audit_chain_check()
        if status["broken_id"]:
            messages.error(request, _("The audit chain is broken at event #%(id)s.") % {"id": status["broken_id"]})
        else:
            messages.success(request, _("The audit chain is intact."))
        return redirect(request.get_full_path())
    form = AuditFilterForm(request.GET)
    form.is_valid()  # Invalid values are shown as errors and filter nothing.
    page = Paginator(audit_events(**form.filters()), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "chain": audit_chain_status()}
    return render(request, "consult/audit/list.html", context)


@never_cache
@secretariat_required
def audit_export(request):
    form = AuditFilterForm(request.GET)
    form.is_valid()
    filters = form.filters()
    details = {name: str(getattr(value, "slug", value)) for name, value in filters.items()}
    audit_record(action=AuditEvent.Action.AUDIT_EXPORTED, actor=request.user, details=details)
    # Chained first, this export included, then oldest first as the chain runs: whoever holds the file can check it.
    audit_seal()
    events = audit_events(**filters).order_by(F("sequence").asc(nulls_last=True), "id")
    response = StreamingHttpResponse(audit_csv_lines(events), content_type="text/csv; charset=utf-8")
    filename = f"audit-trail-{timezone.now():%Y%m%d-%H%M}.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
