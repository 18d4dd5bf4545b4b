"""The secretariat imports a file of responses: upload, preview of what would change, confirm."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ..forms.imports import ResponseImportForm
from ..models import Consultation, ResponseImport
from ..services.imports.responses import (
    ResponseImportError,
    response_import_confirm,
    response_import_plan,
    response_import_upload,
)
from .access import secretariat_required


@secretariat_required
def response_import_start(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    form = ResponseImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        stored = response_import_upload(
            consultation=consultation, file=form.cleaned_data["file"], audience=form.cleaned_data["audience"],
            actor=request.user,
        )
        return redirect("consult:response-import-preview", slug=slug, import_id=stored.id)
    return render(request, "consult/imports/upload.html", {"form": form, "consultation": consultation})


@secretariat_required
def response_import_preview(request, slug, import_id):
    upload = get_object_or_404(ResponseImport.objects.select_related("consultation"), id=import_id, consultation__slug=slug)
    if request.method == "POST":
        return response_import_finish(request, upload)
    context = {"consultation": upload.consultation, "upload": upload}
    try:
        context["plan"] = response_import_plan(upload)
    except ResponseImportError as error:
        context["errors"] = error.errors
    return render(request, "consult/imports/preview.html", context)


def response_import_finish(request, upload):
    try:
        plan = response_import_confirm(upload=upload, actor=request.user)
    except ResponseImportError as error:
        for problem in error.errors[:5]:
            messages.error(request, problem)
        return redirect("consult:response-import-preview", slug=upload.consultation.slug, import_id=upload.id)
    messages.success(request, _("Responses imported: %(summary)s") % {"summary": plan.summary()})
    return redirect(upload.consultation)
