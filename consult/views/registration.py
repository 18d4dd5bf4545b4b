"""Civil society registration (public) and the secretariat's accreditation queue."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms.registration import DeclineForm, OrganisationRegistrationForm
from ..models import CivilSocietyOrganisation
from ..selectors.registration import organisations_awaiting_accreditation, organisations_awaiting_confirmation_count
from ..services import registration as service
from ..services.rate_limits import RateLimited
from ..services.registration import RegistrationError
from .access import client_ip, secretariat_required, too_many_requests
from .invitations import site_url


def organisation_register(request):
    form = OrganisationRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.filled_by_robot():
            # Pretend it worked: a robot told it failed would try again differently.
            return redirect("consult:organisation-register-done")
        try:
            service.organisation_register(
                **form.registration(), ip=client_ip(request), request_base_url=site_url(request)
            )
        except RateLimited as error:
            return too_many_requests(request, error, "consult/registration/rate_limited.html")
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
def organisation_accredit(request, public_id):
    organisation = get_object_or_404(CivilSocietyOrganisation, public_id=public_id)
    try:
        service.organisation_accredit(organisation=organisation, actor=request.user, request_base_url=site_url(request))
    except RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is accredited.") % {"name": organisation.name})
    return redirect("consult:accreditation-queue")


@secretariat_required
def organisation_decline(request, public_id):
    organisation = get_object_or_404(CivilSocietyOrganisation, public_id=public_id)
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
