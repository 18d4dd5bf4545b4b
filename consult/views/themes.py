"""Themes in the long answers: the secretariat analyses and reviews; regional coordinators read their region's.

Reading pages ask `followed_states` (everything for the secretariat, a coordinator's states,
403 for anyone else); every act is a POST for the secretariat only, calls one service and
comes back to the page it was made from.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms.themes import (
    AnswerChoiceForm,
    AnswerFlagForm,
    AnswerMoveForm,
    AnswersReviewedForm,
    ThemeChoiceForm,
    ThemeEditForm,
)
from ..models import AnalysedAnswer, AuditEvent, Theme
from ..permissions import consultations_visible_to, followed_states
from ..selectors.theme_review import (
    ANSWER_FILTERS,
    answers_for_review,
    latest_run,
    m49_regions,
    other_themes,
    question_campaigns,
    question_states,
    question_themes,
    review_progress,
    text_question,
)
from ..services.audit import audit_record
from ..services.themes import review
from ..services.themes.analysis import analysis_request
from ..services.themes.export import themes_document, themes_json, themes_workbook_bytes
from .access import secretariat_required

ANSWERS_PER_PAGE = 25
CAMPAIGNS_PER_PAGE = 10


def consultation_for(request, slug):
    return get_object_or_404(consultations_visible_to(request.user), slug=slug)


def question_for(consultation, code):
    question = text_question(consultation, code)
    if question is None:
        raise Http404
    return question


def back(request, fallback: str):
    """Redirect to the page the act was made from (`next`, same site only), else to `fallback`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@login_required
def theme_overview(request, slug):
    states = followed_states(request.user)
    consultation = consultation_for(request, slug)
    context = {
        "consultation": consultation, "questions": question_states(consultation, states),
        "run": latest_run(consultation), "can_review": states is None,
    }
    return render(request, "consult/themes/overview.html", context)


@login_required
def question_review(request, slug, code):
    states = followed_states(request.user)
    consultation = consultation_for(request, slug)
    question = question_for(consultation, code)
    context = {
        "consultation": consultation, "question": question, "can_review": states is None,
        "progress": review_progress(consultation, code, states), "rows": question_themes(consultation, code, states),
        "regions": m49_regions(), "campaigns": Paginator(question_campaigns(consultation, code, states),
                                                         CAMPAIGNS_PER_PAGE).get_page(request.GET.get("campaigns")),
        "review": consultation.question_reviews.filter(question_code=code).first(),
    }
    return render(request, "consult/themes/question.html", context)


@login_required
def theme_detail(request, slug, code, theme_id):
    states = followed_states(request.user)
    consultation = consultation_for(request, slug)
    question = question_for(consultation, code)
    theme = get_object_or_404(Theme, consultation=consultation, question_code=code, public_id=theme_id)
    answers = answers_for_review(consultation, code, theme=theme, states=states)
    page = Paginator(answers, ANSWERS_PER_PAGE).get_page(request.GET.get("page"))
    others = other_themes(consultation, code).exclude(pk=theme.pk)
    context = {
        "consultation": consultation, "question": question, "theme": theme, "page": page,
        "can_review": states is None, "regions": m49_regions(),
        "row": next((row for row in question_themes(consultation, code, states) if row.theme.pk == theme.pk), None),
        "edit_form": ThemeEditForm(initial={"label": theme.label, "description": theme.description},
                                   language=consultation.language),
        "merge_form": ThemeChoiceForm(themes=others) if others.exists() else None,
    }
    return render(request, "consult/themes/theme.html", context)


@login_required
def answer_list(request, slug, code):
    states = followed_states(request.user)
    consultation = consultation_for(request, slug)
    question = question_for(consultation, code)
    show = request.GET.get("show") if request.GET.get("show") in ANSWER_FILTERS else "all"
    answers = answers_for_review(consultation, code, show=show, states=states)
    page = Paginator(answers, ANSWERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "consultation": consultation, "question": question, "page": page, "show": show,
        "filters": answer_filters(), "can_review": states is None,
        "progress": review_progress(consultation, code, states), "themes": other_themes(consultation, code),
    }
    return render(request, "consult/themes/answers.html", context)


def answer_filters() -> list[tuple[str, str]]:
    return [
        ("all", _("All answers")), ("unreviewed", _("Not yet reviewed")), ("new", _("New since the last review")),
        ("notable", _("Notable practices")), ("evidence", _("Evidence-rich")),
    ]


@secretariat_required
@require_POST
def analyse(request, slug):
    consultation = consultation_for(request, slug)
    code = request.POST.get("question", "")
    if code:
        question_for(consultation, code)
    analysis_request(consultation=consultation, question_code=code, actor=request.user)
    messages.success(request, _("The answers are being analysed. Every decision already made is kept."))
    return back(request, reverse("consult:theme-overview", args=[slug]))


@secretariat_required
def run_status(request, slug):
    """Say how far the consultation's latest analysis has come (JSON, for the progress bar)."""
    run = latest_run(consultation_for(request, slug))
    if run is None:
        raise Http404
    return JsonResponse({"status": run.status, "progress": run.progress, "error": run.error})


def theme_for(request, slug, code, theme_id) -> Theme:
    consultation = consultation_for(request, slug)
    return get_object_or_404(Theme, consultation=consultation, question_code=code, public_id=theme_id)


def theme_page(theme) -> str:
    return reverse("consult:theme-detail", args=[theme.consultation.slug, theme.question_code, theme.public_id])


def question_page(slug, code) -> str:
    return reverse("consult:theme-question", args=[slug, code])


@secretariat_required
@require_POST
def theme_accept(request, slug, code, theme_id):
    theme = review.theme_accept(theme=theme_for(request, slug, code, theme_id), actor=request.user)
    messages.success(request, _("Theme “%(label)s” accepted.") % {"label": theme.label})
    return back(request, question_page(slug, code))


@secretariat_required
@require_POST
def theme_discard(request, slug, code, theme_id):
    theme = review.theme_discard(theme=theme_for(request, slug, code, theme_id), actor=request.user)
    messages.success(request, _("Theme “%(label)s” discarded.") % {"label": theme.label})
    return redirect(question_page(slug, code))


@secretariat_required
@require_POST
def theme_edit(request, slug, code, theme_id):
    theme = theme_for(request, slug, code, theme_id)
    form = ThemeEditForm(request.POST, language=theme.consultation.language)
    if form.is_valid():
        review.theme_edit(theme=theme, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Theme saved and accepted."))
    else:
        messages.error(request, _("The theme needs a name."))
    return redirect(theme_page(theme))


@secretariat_required
@require_POST
def theme_merge(request, slug, code, theme_id):
    theme = theme_for(request, slug, code, theme_id)
    form = ThemeChoiceForm(request.POST, themes=other_themes(theme.consultation, code).exclude(pk=theme.pk))
    if form.is_valid():
        review.themes_merge(target=theme, others=list(form.cleaned_data["themes"]), actor=request.user)
        messages.success(request, _("Themes merged into “%(label)s”.") % {"label": theme.label})
    else:
        messages.error(request, _("Choose at least one theme to merge."))
    return redirect(theme_page(theme))


@secretariat_required
@require_POST
def theme_answers(request, slug, code, theme_id):
    """Split the chosen answers into a new theme, or take them out of this one."""
    theme = theme_for(request, slug, code, theme_id)
    answers = AnalysedAnswer.objects.filter(memberships__theme=theme, memberships__is_member=True)
    form = AnswerChoiceForm(request.POST, answers=answers)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return back(request, theme_page(theme))
    chosen = [answer.pk for answer in form.cleaned_data["answers"]]
    if form.cleaned_data["action"] == AnswerChoiceForm.SPLIT:
        new = review.theme_split(theme=theme, answer_ids=chosen, label=form.cleaned_data["label"], actor=request.user)
        messages.success(request, _("New theme “%(label)s” made of %(count)s answers.") % {
            "label": new.label, "count": len(chosen)})
        return redirect(theme_page(new))
    for answer in form.cleaned_data["answers"]:
        review.answer_move(answer=answer, theme=theme, into=False, actor=request.user)
    messages.success(request, _("%(count)s answers taken out of the theme.") % {"count": len(chosen)})
    return back(request, theme_page(theme))


def answer_for(request, slug, code) -> AnalysedAnswer:
    """Return the question's analysed answer named by the form's `answer`, or 404."""
    consultation = consultation_for(request, slug)
    answer_id = request.POST.get("answer", "")
    if not answer_id.isdigit():
        raise Http404
    return get_object_or_404(AnalysedAnswer, consultation=consultation, question_code=code, pk=answer_id)


@secretariat_required
@require_POST
def answer_move(request, slug, code):
    answer = answer_for(request, slug, code)
    form = AnswerMoveForm(request.POST, themes=other_themes(answer.consultation, code))
    if form.is_valid():
        review.answer_move(answer=answer, actor=request.user, **form.cleaned_data)
        text = _("Answer put in “%(label)s”.") if form.cleaned_data["into"] else _("Answer taken out of “%(label)s”.")
        messages.success(request, text % {"label": form.cleaned_data["theme"].label})
    else:
        messages.error(request, _("Choose a theme."))
    return back(request, reverse("consult:theme-answers", args=[slug, code]))


@secretariat_required
@require_POST
def answer_flag(request, slug, code):
    answer = answer_for(request, slug, code)
    form = AnswerFlagForm(request.POST)
    form.is_valid()  # Two check boxes: always valid.
    review.answer_flag(answer=answer, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Flags saved; the answer counts as reviewed."))
    return back(request, reverse("consult:theme-answers", args=[slug, code]))


@secretariat_required
@require_POST
def answers_reviewed(request, slug, code):
    consultation = consultation_for(request, slug)
    form = AnswersReviewedForm(request.POST, answers=AnalysedAnswer.objects.filter(
        consultation=consultation, question_code=code))
    if form.is_valid():
        count = review.answers_mark_reviewed(
            consultation=consultation, question_code=code, actor=request.user,
            answer_ids=[answer.pk for answer in form.cleaned_data["answers"]],
        )
        messages.success(request, _("%(count)s answers marked reviewed.") % {"count": count})
    return back(request, reverse("consult:theme-answers", args=[slug, code]))


@secretariat_required
@require_POST
def review_done(request, slug, code):
    consultation = consultation_for(request, slug)
    question_for(consultation, code)
    review.question_review_done(consultation=consultation, question_code=code, actor=request.user)
    messages.success(request, _("The review of this question is marked done."))
    return redirect(question_page(slug, code))


@secretariat_required
def themes_export(request, slug, format):
    consultation = consultation_for(request, slug)
    audit_record(action=AuditEvent.Action.THEMES_EXPORTED, actor=request.user, consultation=consultation,
                 details={"format": format})
    if format == "json":
        response = HttpResponse(themes_json(themes_document(consultation)), content_type="application/json")
    else:
        response = HttpResponse(themes_workbook_bytes(consultation), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{consultation.slug}-themes.{format}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
