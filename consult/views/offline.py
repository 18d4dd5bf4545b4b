"""A position's offline questionnaire: download it filled with the draft; upload it, preview, apply."""

import base64
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from surveys.services import StaleSection

from ..forms.imports import OfflineConfirmForm, OfflineUploadForm
from ..permissions import acts_for
from ..services.answering import PositionNotEditable, edit_refusal
from ..services.imports.offline import OfflineFileError, offline_apply, offline_plan, offline_workbook_write
from ..services.imports.offline_word import offline_document_write
from .answering import interface_language, viewable_position

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def offline_download(request, position_id):
    position = viewable_position(request, position_id)
    workbook = tempfile.TemporaryFile(suffix=".xlsx")
    offline_workbook_write(position=position, stream=workbook)
    workbook.seek(0)
    return FileResponse(workbook, as_attachment=True, filename=offline_filename(position, "xlsx"), content_type=XLSX)


@login_required
def offline_document_download(request, position_id):
    position = viewable_position(request, position_id)
    document = tempfile.TemporaryFile(suffix=".docx")
    offline_document_write(position=position, stream=document, language=interface_language())
    document.seek(0)
    return FileResponse(document, as_attachment=True, filename=offline_filename(position, "docx"), content_type=DOCX)


def offline_filename(position, extension: str) -> str:
    name = position.member_state.iso3 if position.member_state_id else "response"
    return f"{position.consultation.slug}-{name}-questionnaire.{extension}"


@login_required
def offline_upload(request, position_id):
    position = viewable_position(request, position_id)
    if not acts_for(request.user, position):
        raise PermissionDenied
    refusal = edit_refusal(request.user, position)
    if refusal:
        messages.error(request, refusal)
        return redirect("consult:position-detail", position.pk)
    if request.method == "POST" and "content" in request.POST:
        return offline_confirm(request, position)
    form = OfflineUploadForm(request.POST or None, request.FILES or None)
    context = {"position": position, "consultation": position.consultation, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            context["plan"] = offline_plan(position=position, content=content, filename=upload.name)
        except OfflineFileError as error:
            context["errors"] = error.errors
        else:
            context["confirm"] = OfflineConfirmForm(
                initial={"content": base64.b64encode(content).decode(), "filename": upload.name}
            )
    return render(request, "consult/answering/offline.html", context)


def offline_confirm(request, position):
    form = OfflineConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The file was lost on the way; upload it again."))
        return redirect("consult:position-offline-upload", position.pk)
    try:
        plan = offline_apply(position=position, content=form.cleaned_data["content"], actor=request.user,
                             filename=form.cleaned_data["filename"])
    except OfflineFileError as error:
        messages.error(request, error.errors[0])
    except PositionNotEditable as error:
        messages.error(request, error.message)
    except StaleSection:
        messages.error(request, _("Someone saved the draft meanwhile: upload the file again to see what it changes now."))
    else:
        messages.success(request, _("%(applied)d answers went into the draft; %(conflicts)d conflicts were left as they are.")
                         % {"applied": len(plan.applicable), "conflicts": len(plan.conflicts)})
    return redirect("consult:position-detail", position.pk)
