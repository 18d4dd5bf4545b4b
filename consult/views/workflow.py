"""The steps of a position (review, send back, submit, reopen), its receipt and its history.

People who may not see a position get 404, as if it did not exist; people who see it but
may not take a step get 403. A step that may not happen now comes back as a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from weasyprint import HTML

from ..forms.workflow import ReopenForm, SendBackForm, SubmitForm
from ..models import Position
from ..permissions import can_see_history, can_view_position, may_reopen, may_send_back, may_send_for_review, may_submit
from ..selectors.workflow import content_direction, position_events, receipt_sections
from ..services import workflow
from ..services.reports.fonts import pdf_with_fonts
from ..services.submissions import SubmissionKeyReused, posted_digest, posted_submission_key, submission_once
from ..services.workflow import WorkflowError
from .answering import answers_context

HISTORY_PAGE_SIZE = 50


def visible_position(request, position_id) -> Position:
    related = ("consultation", "member_state", "organisation", "response", "submitted_by")
    position = get_object_or_404(Position.objects.select_related(*related), pk=position_id)
    if not can_view_position(request.user, position):
        raise Http404
    return position


def allow(permitted: bool) -> None:
    if not permitted:
        raise PermissionDenied


def posted(request):
    """Return the posted data, so that an empty post is still a bound form and shows its errors."""
    return request.POST if request.method == "POST" else None


def run_step(request, position, service, success: str, **arguments):
    """Call the step's service; say what happened (`success` may name %(receipt)s), or why nothing did."""
    try:
        position = service(position=position, actor=request.user, **arguments)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success % {"receipt": position.receipt_number})
    return redirect("consult:position-detail", position.pk)


@login_required
def position_send_for_review(request, position_id):
    """Send the position for review; an incomplete one only once the person has seen what is missing."""
    position = visible_position(request, position_id)
    allow(may_send_for_review(request.user, position))
    context = answers_context(request, position)
    if request.method == "POST" and (context["readiness"].is_complete or "incomplete_confirmed" in request.POST):
        return run_step(request, position, workflow.position_send_for_review, _("The position was sent for review."))
    return render(request, "consult/workflow/send_for_review.html", context)


@login_required
def position_send_back(request, position_id):
    position = visible_position(request, position_id)
    allow(may_send_back(request.user, position))
    form = SendBackForm(posted(request))
    if request.method == "POST" and form.is_valid():
        success = _("The position was sent back to its drafters.")
        return run_step(request, position, workflow.position_send_back, success, comment=form.cleaned_data["comment"])
    return render(request, "consult/workflow/send_back.html", {"position": position, "form": form})


@login_required
def position_submit(request, position_id):
    position = visible_position(request, position_id)
    allow(may_submit(request.user, position))
    form = SubmitForm(posted(request), position=position)
    if request.method == "POST" and form.is_valid():
        confirmed = form.cleaned_data.get("on_behalf_confirmed", False)
        key = posted_submission_key(request.POST)
        if key is None:
            success = _("Submitted. Your receipt number is %(receipt)s.")
            return run_step(request, position, workflow.position_submit, success, on_behalf_confirmed=confirmed)
        return submit_once(request, position, key, on_behalf_confirmed=confirmed)
    deadline = position.consultation.deadline_for(position.member_state)
    context = {**answers_context(request, position), "form": form, "deadline": deadline}
    return render(request, "consult/workflow/submit.html", context)


def submit_once(request, position, key, **arguments):
    """Submit once for the form's key: the same form posted again gets the first receipt, nothing more."""

    def submit() -> dict:
        submitted = workflow.position_submit(position=position, actor=request.user, **arguments)
        return {"receipt_number": submitted.receipt_number}

    try:
        digest = posted_digest(request.POST, purpose="submit")
        outcome, replayed = submission_once(key=key, position=position, purpose="submit", digest=digest, action=submit)
    except (WorkflowError, SubmissionKeyReused) as error:
        messages.error(request, error.message)
    else:
        receipt = outcome["receipt_number"]
        if replayed and not still_submitted(position, receipt):
            messages.error(request, _("This form was already sent, and the position has changed since. Nothing was "
                                      "changed: open the submit page again."))
        else:
            messages.success(request, _("Submitted. Your receipt number is %(receipt)s.") % {"receipt": receipt})
    return redirect("consult:position-detail", position.pk)


def still_submitted(position, receipt: str) -> bool:
    """Tell whether the position is still as the first submission left it (not reopened or amended since)."""
    return Position.objects.filter(pk=position.pk, status=Position.Status.SUBMITTED, receipt_number=receipt).exists()


@login_required
def position_reopen(request, position_id):
    position = visible_position(request, position_id)
    allow(may_reopen(request.user, position))
    form = ReopenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        success = _("The position was reopened; its focal points can change it and submit it again.")
        return run_step(request, position, workflow.position_reopen, success, reason=form.cleaned_data["reason"])
    return render(request, "consult/workflow/reopen.html", {"position": position, "form": form})


@login_required
def position_history(request, position_id):
    position = visible_position(request, position_id)
    allow(can_see_history(request.user, position))
    page = Paginator(position_events(position), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consult/workflow/history.html", {"position": position, "page": page})


def submitted_position(request, position_id) -> Position:
    """Return the position for its receipt: there is none before it is submitted."""
    position = visible_position(request, position_id)
    if position.status != Position.Status.SUBMITTED:
        raise Http404
    return position


def receipt_context(position: Position) -> dict:
    return {"position": position, "sections": receipt_sections(position), "direction": content_direction(position)}


@login_required
def position_receipt(request, position_id):
    position = submitted_position(request, position_id)
    return render(request, "consult/workflow/receipt.html", receipt_context(position))


@login_required
def position_receipt_pdf(request, position_id):
    position = submitted_position(request, position_id)
    html = render_to_string("consult/workflow/receipt_pdf.html", receipt_context(position), request=request)
    pdf = pdf_with_fonts(HTML(string=html))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{position.receipt_number}.pdf"'
    return response
