"""Respondents answering: their consultations, a position's start page and its area pages.

An area page saves as a form (POST, then redirect) and as autosave (the same POST with the header
`X-Requested-With: fetch`, answered in JSON). Whatever is refused, the person's input comes
back to them and nothing saved is changed.
"""

from datetime import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext as _

from surveys.forms import form_data, section_form, short_label
from surveys.selectors import response_values, section_progress, section_questions
from surveys.services import StaleSection

from ..forms.answering import PublicationForm, RespondentForm, field_groups
from ..models import RIGHT_TO_LEFT, Position
from ..permissions import acts_for, can_view_position, consultations_visible_to
from ..selectors.answering import (
    coordinated_consultations,
    position_sections,
    respondent_consultations,
    respondents_of,
    section_area,
    unaccredited_organisations_of,
)
from ..selectors.readiness import position_readiness
from ..services.answering import PositionNotEditable, edit_refusal, position_publication_set, position_section_save
from ..services.submissions import (
    SubmissionKeyReused,
    posted_digest,
    posted_submission_key,
    submission_key_new,
    submission_once,
)
from ..services.positions import position_for

TEMPLATES = "consult/answering/"


def is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def login_required_or_401(view):
    """Like login_required, but answer an autosave with 401 JSON rather than a login page."""

    guarded = login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if is_fetch(request) and not request.user.is_authenticated:
            return JsonResponse({"error": _("Not saved: you are logged out. Log in again in another tab.")}, status=401)
        return guarded(request, *args, **kwargs)

    return wrapper


@login_required
def my_consultations(request):
    context = {
        "rows": respondent_consultations(request.user),
        "coordinated": coordinated_consultations(request.user),
        "unaccredited": unaccredited_organisations_of(request.user),
    }
    return render(request, TEMPLATES + "my_consultations.html", context)


@login_required
def position_start(request, slug):
    """Open the person's position in the consultation, asking first whom they answer for if several."""
    consultation = get_object_or_404(consultations_visible_to(request.user), slug=slug)
    audiences = set(consultation.questionnaires.values_list("audience", flat=True))
    respondents = [respondent for respondent in respondents_of(request.user) if respondent.audience in audiences]
    if not respondents:
        return not_a_respondent(request)
    form = RespondentForm(respondents, request.POST or None)
    if len(respondents) == 1 and request.method == "GET":
        return position_open(request, consultation, respondents[0])
    if request.method == "POST" and form.is_valid():
        return position_open(request, consultation, form.chosen())
    return render(request, TEMPLATES + "position_start.html", {"consultation": consultation, "form": form})


def not_a_respondent(request):
    if unaccredited_organisations_of(request.user).exists():
        messages.warning(request, _("Your organisation can answer once the secretariat has accredited it."))
    else:
        messages.warning(request, _("You do not answer for a state or an organisation in this consultation."))
    return redirect("consult:my-consultations")


def position_open(request, consultation, respondent):
    existing = Position.objects.filter(consultation=consultation, **respondent.lookup()).first()
    if existing is None and not consultation.is_accepting(respondent.member_state):
        messages.error(request, _("This consultation is not accepting answers."))
        return redirect("consult:my-consultations")
    position = existing or position_for(consultation=consultation, actor=request.user, **respondent.lookup())
    return redirect("consult:position-detail", position.pk)


def viewable_position(request, position_id) -> Position:
    """Return the position if the person may see it; for anyone else it does not exist (404)."""
    related = ("consultation", "member_state", "organisation", "response__survey")
    position = get_object_or_404(Position.objects.select_related(*related), pk=position_id)
    if not can_view_position(request.user, position):
        raise Http404
    return position


@login_required
def position_detail(request, position_id):
    """Show the start page of a position; a POST saves its publication choice."""
    position = viewable_position(request, position_id)
    form = PublicationForm(request.POST or None, initial={"publication": position.publication})
    if request.method == "POST" and form.is_valid():
        try:
            publication = form.cleaned_data["publication"]
            position_publication_set(position=position, publication=publication, actor=request.user)
        except PositionNotEditable as refusal:
            messages.error(request, refusal.message)
            return position_detail_page(request, position, form, status=403)
        messages.success(request, _("The publication choice was saved."))
        return redirect("consult:position-detail", position.pk)
    return position_detail_page(request, position, form)


def position_detail_page(request, position, form, status=200):
    progress = section_progress(position.response)
    context = {
        **content_language(position),
        "position": position,
        "consultation": position.consultation,
        "deadline": position.consultation.deadline_for(position.member_state),
        "progress": progress,
        "required": sum(row.required for row in progress),
        "required_answered": sum(row.required_answered for row in progress),
        "publication_form": form,
        "refusal": edit_refusal(request.user, position),
        "acting": acts_for(request.user, position),
    }
    return render(request, TEMPLATES + "position_detail.html", context, status=status)


@login_required
def position_answers(request, position_id):
    """Show the position's answers in words, with what is missing and links to change them."""
    position = viewable_position(request, position_id)
    return render(request, TEMPLATES + "position_answers.html", answers_context(request, position))


def answers_context(request, position) -> dict:
    """Return what the answers summary needs, for this page and the submit page."""
    return {
        **content_language(position),
        "position": position,
        "readiness": position_readiness(position, language=interface_language()),
        "editable": edit_refusal(request.user, position) is None,
    }


def interface_language() -> str:
    return get_language().split("-")[0]


def content_language(position) -> dict:
    language = position.consultation.language
    return {"content_lang": language, "content_dir": "rtl" if language in RIGHT_TO_LEFT else "ltr"}


@login_required_or_401
def position_section(request, position_id, code):
    """Show one area page of a position; a POST saves it (as a form, or as autosave in JSON)."""
    position = viewable_position(request, position_id)
    sections = position_sections(position)
    section = next((section for section in sections if section.code == code), None)
    if section is None:
        raise Http404
    # Content shows in the person's language where the secretariat has translated it.
    questions = section_questions(section, language=interface_language())
    page = SectionPage(request, position, section, questions, sections)
    if request.method == "POST":
        return page.save()
    return page.show()


class SectionPage:
    """One area page of a position: shown, saved, or shown again with what went wrong."""

    def __init__(self, request, position, section, questions, sections):
        self.request, self.position, self.section = request, position, section
        self.questions, self.sections = questions, sections
        self.refusal = edit_refusal(request.user, position)

    def show(self):
        values = response_values(self.position.response, self.questions)
        if "check" in self.request.GET:
            form = section_form(self.questions, data=form_data(self.questions, values), for_submit=True)
        else:
            form = section_form(self.questions, initial=values)
        if self.refusal:
            for field in form.fields.values():
                field.disabled = True
        saved = self.saved_page()
        return self.render(form, version=saved.version if saved else 0)

    def save(self):
        form = section_form(self.questions, data=self.request.POST)
        version = posted_version(self.request)
        if self.refusal:
            return self.refused(form, version, self.refusal)
        if version is None:
            return self.fail(form, 0, _("Not saved: the page is out of date. Reload it."), status=400)
        if not form.is_valid():
            return self.fail(form, version, invalid_message(form, is_fetch(self.request)), status=400)
        try:
            outcome = self.save_once(form, version)
        except PositionNotEditable as refusal:
            return self.refused(form, version, refusal.message)
        except StaleSection as stale:
            return self.stale(form, stale)
        except SubmissionKeyReused as reused:
            return self.fail(form, version, reused.message, status=409)
        return self.saved(outcome)

    def save_once(self, form, version) -> dict:
        """Save the page, once for the posted key; return the version and time the save wrote."""

        def save() -> dict:
            saved = position_section_save(
                position=self.position,
                section=self.section,
                cleaned_data=form.posted_answers(),
                expected_version=version,
                actor=self.request.user,
                questions=self.questions,
            )
            return {"version": saved.version, "saved_at": saved.saved_at.isoformat()}

        key = posted_submission_key(self.request.POST)
        if key is None:
            return save()
        purpose = f"section {self.section.code}"
        digest = posted_digest(self.request.POST, purpose=purpose)
        outcome, _replayed = submission_once(
            key=key, position=self.position, purpose=purpose, digest=digest, action=save
        )
        return outcome

    def saved(self, outcome):
        if is_fetch(self.request):
            return JsonResponse(outcome)
        saved_at = datetime.fromisoformat(outcome["saved_at"])
        time = formats.time_format(timezone.localtime(saved_at), "H:i")
        messages.success(self.request, _("Saved at %(time)s.") % {"time": time})
        return redirect(self.next_url())

    def next_url(self) -> str:
        """Return where the buttons lead: the next area, the start page, or this page again."""
        action, following = self.request.POST.get("action"), self.neighbours()[1]
        if action == "contents":
            return reverse("consult:position-detail", args=[self.position.pk])
        section = following if action == "next" and following else self.section
        return reverse("consult:position-section", args=[self.position.pk, section.code])

    def refused(self, form, version, message):
        # The answers come back as typed, editable, so that the person can copy them.
        return self.fail(form, version or 0, _("Not saved: %(reason)s Nothing was changed.") % {"reason": message}, 403)

    def stale(self, form, stale):
        changes = change_rows(stale)
        if is_fetch(self.request):
            message = _(
                "Not saved: someone else saved this page while you were editing it. Press “Save draft” to see "
                "what changed; your answers are kept in this page."
            )
            return JsonResponse({"error": message, "version": stale.version, "changes": changes}, status=409)
        message = _(
            "Not saved: someone else saved this page while you were editing it. Their answers and yours are "
            "compared below; your answers are kept in the form. Save again to replace theirs with yours."
        )
        return self.render(form, version=stale.version, changes=changes, alert=message, status=409)

    def fail(self, form, version, message, status):
        if is_fetch(self.request):
            errors = {name: [str(error) for error in errors] for name, errors in form.errors.items()}
            return JsonResponse({"error": message, "errors": errors}, status=status)
        return self.render(form, version=version, alert=message, status=200 if status == 400 else status)

    def render(self, form, *, version, changes=None, alert=None, status=200):
        previous, following = self.neighbours()
        area = section_area(self.position, self.section)
        context = {
            **content_language(self.position),
            "position": self.position,
            "consultation": self.position.consultation,
            "section": self.section,
            "area": area,
            "form": form,
            "groups": field_groups(form, area),
            "version": version,
            "submission_key": submission_key_new(),
            "saved": self.saved_page(),
            "refusal": self.refusal,
            "editable": self.refusal is None,
            "changes": changes,
            "alert": alert,
            "previous": previous,
            "following": following,
        }
        return render(self.request, TEMPLATES + "position_section.html", context, status=status)

    def saved_page(self):
        """Return the page's saved state (version, when, by whom), or None before its first save."""
        return self.position.response.sections.filter(section=self.section).select_related("saved_by").first()

    def neighbours(self):
        index = self.sections.index(self.section)
        previous = self.sections[index - 1] if index > 0 else None
        following = self.sections[index + 1] if index + 1 < len(self.sections) else None
        return previous, following


def invalid_message(form, in_detail: bool) -> str:
    """Return why the page was not saved; in detail for autosave, where no field is marked."""
    if not in_detail:
        return _("Not saved: please correct the answers listed below.")
    problems = "; ".join(f"{label}: {error}" for _anchor, label, error in form.error_summary())
    return _("Not saved: please correct these answers: %(problems)s") % {"problems": problems}


def change_rows(stale: StaleSection) -> list[dict]:
    """Return what differs between the saved page and this person's, as the page and JSON show it."""
    return [
        {
            "question": change.question.code,
            "label": short_label(change.question),
            "saved": change.saved_display,
            "yours": change.yours_display,
        }
        for change in stale.changes
    ]


def posted_version(request) -> int | None:
    """Return the page version the form was loaded with, or None when it is missing or malformed."""
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return None
    return version if version >= 0 else None
