"""Downloads of the raw submitted answers: CSV streamed row by row, XLSX written to a temporary file."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from ..models import Audience, AuditEvent
from ..permissions import consultations_visible_to, followed_states
from ..services.audit import audit_record
from ..services.exports import responses_csv_lines, responses_export_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@never_cache
@login_required
def responses_export(request, slug, format):
    states = followed_states(request.user)
    consultation = get_object_or_404(consultations_visible_to(request.user), slug=slug)
    audience = request.GET.get("audience") or None
    if format not in ("csv", "xlsx") or audience not in (None, *Audience.values):
        raise Http404
    options = {"consultation": consultation, "audience": audience, "states": states}
    filename = f"{consultation.slug}-responses-{audience or 'all'}-{timezone.now():%Y%m%d-%H%M}.{format}"
    audit_record(
        action=AuditEvent.Action.EXPORT_DOWNLOADED, actor=request.user, consultation=consultation,
        details={"format": format, "audience": audience or "", "filename": filename},
    )
    if format == "csv":
        response = StreamingHttpResponse(responses_csv_lines(**options), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    # An unnamed temporary file: gone from the disk when the response closes it, or if the process dies.
    workbook = tempfile.TemporaryFile(suffix=".xlsx")
    responses_export_xlsx(**options, path=workbook)
    workbook.seek(0)
    return FileResponse(workbook, as_attachment=True, filename=filename, content_type=XLSX)

