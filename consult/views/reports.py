"""Regional summaries: the secretariat's list and builds, progress, downloads, publication, the pages.

People who may not see a report or summary get 404, as if it did not exist (or are asked to
log in, when logging in might let them); a step they may not take is 403.
"""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from ..forms.reports import ReportBuildForm
from ..models import RegionalGrouping, Report
from ..permissions import (
    can_download_report,
    can_follow_reports,
    can_see_report,
    consultations_visible_to,
    is_secretariat,
    reports_reachable_by,
    reports_visible_to,
    summary_view_for,
)
from ..selectors.reports import published_groupings, published_positions, published_reports, report_groupings
from ..selectors.summaries import regional_summary
from ..selectors.workflow import receipt_sections
from ..services.open_data import open_data_zip
from ..services.reports.build import (
    report_download_record,
    report_filename,
    report_publish,
    report_retry,
    reports_request,
)
from ..services.reports.charts import linked_chart_svg
from ..services.reports.html import summary_context
from .access import secretariat_required

REPORTS_PER_PAGE = 50
RESPONSES_PER_PAGE = 50
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv_answers": "text/csv; charset=utf-8",
    "xlsx_answers": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def refuse(request):
    """Ask an anonymous visitor to log in; tell anyone else there is nothing here."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404


def visible_consultation(request, slug):
    return get_object_or_404(consultations_visible_to(request.user), slug=slug)


def summary_report(request, report_id) -> Report:
    """Return the regional summary (only a summary can be published; a raw export never)."""
    return get_object_or_404(reports_reachable_by(request.user).summaries(), pk=report_id)


def built_report(request, report_id) -> Report:
    """Return the regional summary or raw export, to follow, download or build again, if its consultation is visible."""
    return get_object_or_404(reports_reachable_by(request.user), pk=report_id)


@login_required
def report_list(request, slug):
    consultation = visible_consultation(request, slug)
    if not can_follow_reports(request.user):
        raise PermissionDenied
    secretariat = is_secretariat(request.user)
    if request.method == "POST" and not secretariat:
        raise PermissionDenied
    form = ReportBuildForm(request.POST or None, groupings=report_groupings()) if secretariat else None
    if request.method == "POST" and form.is_valid():
        reports = reports_request(
            consultation=consultation, groupings=form.chosen_groupings(), formats=form.cleaned_data["formats"],
            language=form.cleaned_data["language"], actor=request.user,
        )
        built = ngettext("%(count)s report is being built.", "%(count)s reports are being built.", len(reports))
        messages.success(request, built % {"count": len(reports)})
        return redirect("consult:report-list", slug=slug)
    page = Paginator(reports_visible_to(request.user, consultation), REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"consultation": consultation, "form": form, "page": page, "can_manage": secretariat}
    return render(request, "reports/report_list.html", context)


def report_status(request, report_id):
    report = built_report(request, report_id)
    if not can_see_report(request.user, report):
        raise Http404
    error = report.error_message() if can_follow_reports(request.user) else ""
    return JsonResponse({"status": report.status, "progress": report.progress, "error": error})


def report_download(request, report_id):
    report = built_report(request, report_id)
    if not can_download_report(request.user, report):
        return refuse(request)
    report_download_record(report=report, actor=request.user)
    response = FileResponse(report.file.open("rb"), as_attachment=True, filename=report_filename(report))
    response["Content-Type"] = CONTENT_TYPES[report.format]
    return response


@secretariat_required
@require_POST
def report_retry_view(request, report_id):
    report = built_report(request, report_id)
    if report.status != Report.Status.FAILED:
        messages.error(request, _("Only a failed report can be built again."))
    else:
        report_retry(report=report, actor=request.user)
        messages.success(request, _("The report is being built again."))
    return redirect("consult:report-list", slug=report.consultation.slug)


@secretariat_required
@require_POST
def report_publish_view(request, report_id):
    report = summary_report(request, report_id)
    published = request.POST.get("publish") == "1"
    if published and report.status != Report.Status.DONE:
        messages.error(request, _("Only a report that is ready can be published."))
    else:
        report_publish(report=report, published=published, actor=request.user)
        messages.success(request, _("The report was published.") if published else _("The report was withdrawn."))
    return redirect("consult:report-list", slug=report.consultation.slug)


def summary(request, slug, grouping_code=None):
    consultation = visible_consultation(request, slug)
    grouping = get_object_or_404(RegionalGrouping, code=grouping_code) if grouping_code else None
    view = summary_view_for(request.user, consultation, grouping)
    if view is None:
        return refuse(request)
    figures = regional_summary(consultation, grouping, internal=view == "internal")
    context = {**summary_context(figures, viewer=request.user.pk), "consultation": consultation, "grouping": grouping}
    return render(request, "reports/summary_page.html", context)


# The SVG's own style attributes, and nothing else: opened on its own, it runs no script.
@csp_override({"default-src": [CSP.NONE], "style-src": [CSP.UNSAFE_INLINE], "sandbox": True})
def chart_image(request, token):
    """Return a chart of a page the visitor was shown (its link is theirs only; see `chart_token`)."""
    svg = linked_chart_svg(token, viewer=request.user.pk)
    if svg is None:
        raise Http404
    response = HttpResponse(svg, content_type="image/svg+xml")
    # The name changes with the figures: what a browser holds under it never goes stale.
    response["Cache-Control"] = "private, max-age=3600, immutable"
    return response


def public_consultation(request, slug):
    consultation = visible_consultation(request, slug)
    responses = Paginator(published_positions(consultation), RESPONSES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "consultation": consultation,
        "groupings": published_groupings(consultation),
        "reports": published_reports(consultation),
        "responses": responses,
    }
    return render(request, "reports/public_consultation.html", context)


def public_open_data(request, slug):
    consultation = visible_consultation(request, slug)
    archive = tempfile.TemporaryFile(suffix=".zip")
    source = request.build_absolute_uri(reverse("consult:public-consultation", kwargs={"slug": slug}))
    open_data_zip(consultation=consultation, stream=archive, source_url=source)
    archive.seek(0)
    return FileResponse(archive, as_attachment=True, filename=f"{slug}-open-data.zip", content_type="application/zip")


def public_response(request, slug, position_id):
    consultation = visible_consultation(request, slug)
    position = get_object_or_404(published_positions(consultation).select_related("response"), pk=position_id)
    context = {"consultation": consultation, "position": position, "sections": receipt_sections(position)}
    return render(request, "reports/public_response.html", context)
