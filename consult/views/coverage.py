"""The coverage tracker: who has answered, by region; the positions list; the secretariat's deadline extensions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ..forms.coverage import CoverageFilterForm, DeadlineExtensionForm, PositionFilterForm
from ..models import Consultation, MemberState, RegionalGrouping
from ..permissions import consultations_visible_to, followed_states
from ..selectors.coverage import (
    CoverageStatus,
    civil_society_coverage,
    civil_society_responses,
    coverage_counts_by_region,
    coverage_totals,
    state_coverage,
)
from ..selectors.positions import consultation_positions
from ..services.deadlines import DeadlineError, deadline_extend
from .access import secretariat_required

RESPONSES_PER_PAGE = 50
POSITIONS_PER_PAGE = 50


@login_required
def coverage(request, slug):
    followed = followed_states(request.user)
    secretariat = followed is None
    scope = MemberState.objects.all() if secretariat else followed
    consultation = get_object_or_404(consultations_visible_to(request.user), slug=slug)
    regions = RegionalGrouping.objects.filter(region_states__in=scope).distinct().in_name_order()
    form = CoverageFilterForm(request.GET, regions=regions)
    form.is_valid()  # Invalid values are shown as errors and filter nothing.
    all_rows = state_coverage(consultation, states=scope)
    region_counts = coverage_counts_by_region(all_rows)
    countries = _countries(scope, secretariat, form.cleaned_data.get("region"))
    context = {
        "consultation": consultation,
        "form": form,
        "rows": form.filter(all_rows),
        "statuses": CoverageStatus.choices,
        "region_counts": region_counts,
        "totals": coverage_totals(region_counts),
        "civil_society": civil_society_coverage(consultation, countries=countries),
        "responses": _responses_page(request, consultation, countries),
        **_deadline_context(consultation, None if secretariat else scope),
    }
    return render(request, "consult/coverage/coverage.html", context)


@secretariat_required
def deadline_extension(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    form = DeadlineExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            deadline_extend(consultation=consultation, actor=request.user, **form.cleaned_data)
        except DeadlineError as error:
            form.add_error("closes_at", str(error))
        else:
            messages.success(request, _("The deadline was extended."))
            return redirect("consult:coverage", slug=consultation.slug)
    context = {"consultation": consultation, "form": form, **_deadline_context(consultation, None)}
    return render(request, "consult/coverage/deadline_form.html", context)


def _countries(scope, secretariat, region):
    """Return the countries whose organisations to show: None (all) for the secretariat's unfiltered view."""
    if region is not None:
        return scope.filter(region=region).alpha2_codes()
    return None if secretariat else scope.alpha2_codes()


def _responses_page(request, consultation, countries):
    responses = civil_society_responses(consultation, countries=countries)
    return Paginator(responses, RESPONSES_PER_PAGE).get_page(request.GET.get("page"))


def _deadline_context(consultation, coordinated):
    """Return the current deadline and the extensions to list: for a coordinator, only their states' and everyone's."""
    extensions = consultation.extensions.select_related("member_state", "granted_by").order_by("-created_at")
    if coordinated is not None:
        extensions = extensions.filter(Q(member_state__isnull=True) | Q(member_state__in=coordinated))
    return {"deadline": consultation.deadline_for(), "extensions": extensions, "can_extend": coordinated is None}


@login_required
def position_list(request, slug):
    """List the consultation's positions for those who follow them: the secretariat, or a coordinator's region."""
    followed = followed_states(request.user)
    consultation = get_object_or_404(consultations_visible_to(request.user), slug=slug)
    scope = MemberState.objects.all() if followed is None else followed
    regions = RegionalGrouping.objects.filter(region_states__in=scope).distinct().in_name_order()
    form = PositionFilterForm(request.GET, regions=regions)
    form.is_valid()  # Invalid values are shown as errors and filter nothing.
    positions = consultation_positions(consultation, states=followed, **form.filters())
    page = Paginator(positions, POSITIONS_PER_PAGE).get_page(request.GET.get("page"))
    # Only the secretariat (whom followed_states answers None) follows every history and reopens:
    # the rows link to those pages for it, without asking the rule again for each row.
    context = {"consultation": consultation, "form": form, "page": page, "secretariat": followed is None}
    return render(request, "consult/coverage/positions.html", context)
