"""Civil society registration (public) and the secretariat's accreditation queue."""

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms.registration import DeclineForm, OrganisationRegistrationForm
from ..models import CivilSocietyOrganisation
from ..selectors.registration import organisations_awaiting_accreditation, organisations_awaiting_confirmation_count
from ..services import registration as service
from ..services.registration import RateLimited, RegistrationError
from .access import secretariat_required
from .invitations import site_url


def organisation_register(request):
    form = OrganisationRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.filled_by_robot():
            # Pretend it worked: a robot told it failed would try again differently.
            return redirect("consult:organisation-register-done")
        try:
            service.organisation_register(
                **form.registration(), ip=get_client_ip_address(request), request_base_url=site_url(request)
            )
        except RateLimited as error:
            response = render(request, "consult/registration/rate_limited.html", status=429)
            response["Retry-After"] = str(error.retry_after)
            return response
        return redirect("consult:organisation-register-done")
    return render(request, "consult/registration/register.html", {"form": form})


def organisation_register_done(request):
    return render(request, "consult/registration/register_done.html")


def organisation_confirm_email(request, token):
    try:
        organisation = service.organisation_for_confirmation(token)
    except RegistrationError as error:
        return render(request, "consult/registration/confirm_problem.html", {"error": error}, status=400)
    if request.method == "POST":
        service.organisation_confirm_email(token=token)
        messages.success(request, _("Thank you: your e-mail address is confirmed. You can now log in."))
        return redirect("login")
    return render(request, "consult/registration/confirm.html", {"organisation": organisation})


@secretariat_required
def accreditation_queue(request):
    page = Paginator(organisations_awaiting_accreditation(), 50).get_page(request.GET.get("page"))
    context = {"page": page, "unconfirmed": organisations_awaiting_confirmation_count()}
    return render(request, "consult/registration/queue.html", context)


@secretariat_required
@require_POST
def organisation_accredit(request, pk):
    organisation = get_object_or_404(CivilSocietyOrganisation, pk=pk)
    try:
        service.organisation_accredit(organisation=organisation, actor=request.user, request_base_url=site_url(request))
    except RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is accredited.") % {"name": organisation.name})
    return redirect("consult:accreditation-queue")


@secretariat_required
def organisation_decline(request, pk):
    organisation = get_object_or_404(CivilSocietyOrganisation, pk=pk)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.organisation_decline(
                organisation=organisation, actor=request.user, reason=form.cleaned_data["reason"],
                request_base_url=site_url(request),
            )
        except RegistrationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(name)s was declined; the reason was sent.") % {"name": organisation.name})
        return redirect("consult:accreditation-queue")
    return render(request, "consult/registration/decline.html", {"form": form, "organisation": organisation})
