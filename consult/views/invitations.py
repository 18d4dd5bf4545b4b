"""Invitations of focal points: the secretariat's pages, and the public page a link opens."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ..forms.invitations import InvitationAcceptForm, InvitationFilterForm, InvitationForm, InvitationImportForm
from ..models import Consultation, Invitation
from ..selectors.invitations import invitations_for_secretariat
from ..services import invitations as service
from ..services.invitation_csv import InvitationImportError
from ..services.invitations import InvitationError
from .access import rate_limited, secretariat_required

# Several authentication backends are configured (django-axes first): a login without
# authenticate() must name the one that holds the account.
ACCOUNT_BACKEND = "django.contrib.auth.backends.ModelBackend"


def site_url(request) -> str:
    """Return the scheme and host the person reached us on, for links in e-mails."""
    return f"{request.scheme}://{request.get_host()}"


def back_to_list(request, invitation):
    """Redirect to the list page the form was posted from, filters included."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("consult:invitation-list", slug=invitation.consultation.slug)


@secretariat_required
def invitation_index(request, page):
    """Open the invitation page of the consultation being collected for, or ask which consultation."""
    collecting = Consultation.objects.filter(status=Consultation.Status.OPEN)
    if len(collecting[:2]) == 1:
        return redirect(f"consult:{page}", slug=collecting.get().slug)
    consultations = Consultation.objects.exclude(status=Consultation.Status.ARCHIVED).order_by("-created_at")
    return render(request, "consult/invitations/index.html", {"consultations": consultations, "page": page})


@secretariat_required
def invitation_list(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    form = InvitationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    invitations = invitations_for_secretariat(consultation=consultation, **filters)
    page = Paginator(invitations, 50).get_page(request.GET.get("page"))
    return render(request, "consult/invitations/list.html", {"consultation": consultation, "form": form, "page": page})


@secretariat_required
def invitation_create(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    form = InvitationForm(request.POST or None, initial={"member_state": request.GET.get("member_state")})
    if request.method == "POST" and form.is_valid():
        invitation = service.invitation_send(
            consultation=consultation, **form.cleaned_data, invited_by=request.user,
            request_base_url=site_url(request),
        )
        messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
        return redirect("consult:invitation-list", slug=slug)
    context = {"consultation": consultation, "form": form, "days": service.INVITATION_DAYS}
    return render(request, "consult/invitations/create.html", context)


@secretariat_required
def invitation_import(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    form = InvitationImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = service.invitations_import_csv(
                consultation=consultation, file=form.cleaned_data["file"], invited_by=request.user,
                request_base_url=site_url(request),
            )
        except InvitationImportError as error:
            for problem in error.errors:
                form.add_error("file", problem)
        else:
            count = len(result)
            sent = ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", count) % {"count": count}
            messages.success(request, sent)
            return redirect("consult:invitation-list", slug=slug)
    return render(request, "consult/invitations/import.html", {"consultation": consultation, "form": form})


@secretariat_required
@require_POST
def invitation_resend(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        service.invitation_resend(invitation=invitation, invited_by=request.user, request_base_url=site_url(request))
    except InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("A new link was sent to %(email)s.") % {"email": invitation.email})
    return back_to_list(request, invitation)


@secretariat_required
@require_POST
def invitation_revoke(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        service.invitation_revoke(invitation=invitation, actor=request.user)
    except InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The invitation of %(email)s was revoked.") % {"email": invitation.email})
    return back_to_list(request, invitation)


def invitation_accept(request, token):
    invitation = service.invitation_for_token(token)
    try:
        service.invitation_check(invitation)
        account = service.invitee_account(invitation, request.user)
    except InvitationError as error:
        return invitation_problem(request, token, error)
    # Bound on any POST: joining with an existing account posts no field at all.
    data = request.POST if request.method == "POST" else None
    form = InvitationAcceptForm(data, invitation=invitation, needs_password=account is None)
    if request.method == "POST" and form.is_valid():
        try:
            person = service.invitation_accept(
                token=token, password=form.cleaned_data.get("password2"), user=request.user
            )
        except InvitationError as error:
            return invitation_problem(request, token, error)
        login(request, person, backend=ACCOUNT_BACKEND)
        messages.success(request, _("Welcome. You now act for %(state)s.") % {"state": invitation.member_state})
        return redirect("consult:home")
    context = {"form": form, "invitation": invitation, "account": account}
    return render(request, "consult/invitations/accept.html", context)


def invitation_problem(request, token, error):
    """Render the page that says why a link does not work, offering a new one where that helps."""
    context = {"error": error, "token": token, "can_ask": error.reason in ("expired", "revoked")}
    status = 404 if error.reason == "unknown" else 200
    return render(request, "consult/invitations/problem.html", context, status=status)


@require_POST
@rate_limited("invitation-new-link", subject="token")
def invitation_request_new(request, token):
    try:
        outcome = service.invitation_request_new(token=token, request_base_url=site_url(request))
    except InvitationError as error:
        return invitation_problem(request, token, error)
    if outcome == service.USABLE:
        return redirect("consult:invitation-accept", token=token)
    return render(request, "consult/invitations/requested.html", {"outcome": outcome})
