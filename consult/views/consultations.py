import tempfile

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms.consultations import ConsultationForm, PaperUploadForm
from ..models import Audience, Consultation, PositionPaper, Questionnaire
from ..papers import PaperError, read_paper
from ..permissions import consultations_visible_to, coordinated_states, is_secretariat, organisations_of, states_of
from ..selectors.consultations import (
    consultation_outline,
    consultation_stage,
    set_up_action,
    questionnaire_sections,
    questionnaires_with_counts,
)
from .access import secretariat_required
from ..services.papers import position_paper_confirm, position_paper_upload
from ..services.questions import questions_generate_request
from ..services.xlsform import XLSFormError, xlsform_write


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def visible_consultation(request, slug):
    consultation = get_object_or_404(consultations_visible_to(request.user), slug=slug)
    return consultation


def home(request):
    consultations = consultations_visible_to(request.user)
    return render(request, "consult/home.html", {"consultations": consultations})


def consultation_detail(request, slug):
    consultation = visible_consultation(request, slug)
    areas, questionnaires = list(consultation_outline(consultation)), list(questionnaires_with_counts(consultation))
    context = {
        "consultation": consultation,
        "areas": areas,
        "questionnaires": questionnaires,
        "stage": consultation_stage(consultation, areas, questionnaires),
        "set_up_action": set_up_action(consultation, areas, questionnaires),
        "can_manage": is_secretariat(request.user),
        "can_respond": consultation.status == Consultation.Status.OPEN
        and (states_of(request.user).exists() or organisations_of(request.user).exists()),
        "can_see_coverage": coordinated_states(request.user).exists(),
    }
    return render(request, "consult/consultation_detail.html", context)


@secretariat_required
def consultation_edit(request, slug=None):
    consultation = get_object_or_404(Consultation, slug=slug) if slug else None
    form = ConsultationForm(request.POST or None, instance=consultation)
    if request.method == "POST" and form.is_valid():
        consultation = form.save()
        messages.success(request, _("The consultation was saved."))
        return redirect(consultation)
    return render(request, "consult/consultation_form.html", {"form": form, "consultation": consultation})


@secretariat_required
def paper_upload(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    form = PaperUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            paper, _outline = position_paper_upload(
                consultation=consultation, filename=upload.name, content=upload.read(), user=request.user
            )
        except PaperError as error:
            form.add_error("file", str(error))
        else:
            return redirect("consult:paper-preview", slug=slug, paper_id=paper.id)
    return render(request, "consult/paper_upload.html", {"form": form, "consultation": consultation})


@secretariat_required
def paper_preview(request, slug, paper_id):
    paper = get_object_or_404(PositionPaper, id=paper_id, consultation__slug=slug)
    if request.method == "POST":
        return paper_confirm(request, paper)
    try:
        outline = read_paper(paper.filename, bytes(paper.content))
    except PaperError as error:
        messages.error(request, str(error))
        return redirect("consult:paper-upload", slug=slug)
    context = {"consultation": paper.consultation, "paper": paper, "outline": outline}
    return render(request, "consult/paper_preview.html", context)


def paper_confirm(request, paper):
    if paper.imported_at:
        messages.warning(request, _("This file was already imported; nothing was changed."))
        return redirect(paper.consultation)
    result = position_paper_confirm(paper=paper, actor=request.user)
    messages.success(request, _("Position paper imported: %(summary)s") % {"summary": result.summary()})
    return redirect(paper.consultation)


@secretariat_required
@require_POST
def questions_generate(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    questions_generate_request(consultation=consultation, actor=request.user)
    messages.success(request, _("Question generation has started; the questionnaires below show the result."))
    return redirect(consultation)


@secretariat_required
def questionnaire_xlsform(request, slug, audience):
    if audience not in Audience.values:
        raise Http404
    consultation = get_object_or_404(Consultation, slug=slug)
    # An unnamed temporary file: gone from the disk when the response closes it.
    workbook = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        xlsform_write(consultation=consultation, audience=audience, path=workbook)
    except XLSFormError as error:
        messages.error(request, str(error))
        return redirect("consult:questionnaire-detail", slug=slug, audience=audience)
    workbook.seek(0)
    return FileResponse(workbook, as_attachment=True, filename=f"{slug}-{audience}-xlsform.xlsx", content_type=XLSX)


@secretariat_required
def questionnaire_detail(request, slug, audience):
    if audience not in Audience.values:
        raise Http404
    questionnaire = get_object_or_404(Questionnaire, consultation__slug=slug, audience=audience)
    context = {
        "consultation": questionnaire.consultation,
        "questionnaire": questionnaire,
        "sections": questionnaire_sections(questionnaire),
    }
    return render(request, "consult/questionnaire_detail.html", context)
