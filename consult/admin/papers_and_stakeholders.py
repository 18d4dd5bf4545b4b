"""The secretariat's admin for consultations, papers, questions and stakeholders."""

from django.contrib import admin
from django.db.models import Count
from django.db.models.functions import Length
from django.template.defaultfilters import filesizeformat, truncatechars
from django.utils.translation import gettext_lazy as _

from ..models import (
    CivilSocietyOrganisation,
    CivilSocietyRepresentative,
    Consultation,
    FocalPoint,
    MemberState,
    PositionPaper,
    PriorityArea,
    Questionnaire,
    QuestionTemplate,
    Recommendation,
    RegionalCoordinator,
    RegionalGrouping,
    RoundTable,
)
from ..services.stakeholders import M49_KINDS
from .audit import RoleAuditAdmin


class ReadOnlyInline(admin.TabularInline):
    """An inline that lists related rows with a link to each, for editing on their own page."""

    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PriorityAreaInline(ReadOnlyInline):
    model = PriorityArea
    fields = ["number", "title"]


class QuestionnaireInline(ReadOnlyInline):
    model = Questionnaire
    fields = ["audience", "survey"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "language", "status", "opens_at", "closes_at", "area_count"]
    list_filter = ["status", "language"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "created_at"
    inlines = [PriorityAreaInline, QuestionnaireInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(area_count=Count("areas"))

    @admin.display(description=_("Priority areas"), ordering="area_count")
    def area_count(self, consultation):
        return consultation.area_count


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    fields = ["position", "code", "text", "status"]
    readonly_fields = ["code"]
    extra = 0
    show_change_link = True


@admin.register(PriorityArea)
class PriorityAreaAdmin(admin.ModelAdmin):
    list_display = ["__str__", "consultation", "recommendation_count"]
    list_filter = ["consultation", "round_tables"]
    search_fields = ["title", "headline", "consultation__title"]
    list_select_related = ["consultation"]
    autocomplete_fields = ["consultation"]
    filter_horizontal = ["round_tables"]
    inlines = [RecommendationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(recommendation_count=Count("recommendations"))

    @admin.display(description=_("Recommendations"), ordering="recommendation_count")
    def recommendation_count(self, area):
        return area.recommendation_count


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["code", "short_text", "status", "area", "consultation"]
    list_filter = ["area__consultation", "status", "round_tables"]
    search_fields = ["code", "text"]
    list_select_related = ["area__consultation"]
    readonly_fields = ["code"]
    autocomplete_fields = ["area"]
    filter_horizontal = ["round_tables"]

    @admin.display(description=_("Text"))
    def short_text(self, recommendation):
        return truncatechars(recommendation.text, 100)

    @admin.display(description=_("Consultation"), ordering="area__consultation__title")
    def consultation(self, recommendation):
        return recommendation.area.consultation


@admin.register(RoundTable)
class RoundTableAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]
    search_fields = ["title"]


class MembershipInline(admin.TabularInline):
    """The groupings of a member state, editable from the state's page."""

    model = RegionalGrouping.members.through
    autocomplete_fields = ["regionalgrouping"]
    extra = 0
    verbose_name = _("grouping")
    verbose_name_plural = _("groupings (M49 regions, regional commissions, RCPs...)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("regionalgrouping", "memberstate")


@admin.register(MemberState)
class MemberStateAdmin(admin.ModelAdmin):
    list_display = ["name", "iso3", "m49_code", "region", "subregion", "custom_groupings"]
    list_filter = [
        ("region", admin.RelatedOnlyFieldListFilter),
        ("subregion", admin.RelatedOnlyFieldListFilter),
        ("groupings", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "name_fr", "name_es", "name_ru", "name_ar", "name_zh", "iso3", "m49_code"]
    list_select_related = ["region", "subregion"]
    autocomplete_fields = ["region", "subregion"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groupings")

    @admin.display(description=_("Other groupings"))
    def custom_groupings(self, state):
        return ", ".join(g.code for g in state.groupings.all() if g.kind not in M49_KINDS)


@admin.register(RegionalGrouping)
class RegionalGroupingAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "member_count"]
    list_filter = ["kind"]
    search_fields = ["name", "name_fr", "name_es", "name_ru", "name_ar", "name_zh", "code"]
    list_select_related = ["parent"]
    prepopulated_fields = {"code": ["name"]}
    autocomplete_fields = ["parent"]
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=_("Members"), ordering="member_count")
    def member_count(self, grouping):
        return grouping.member_count


class RepresentativeInline(admin.TabularInline):
    model = CivilSocietyRepresentative
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(CivilSocietyOrganisation)
class CivilSocietyOrganisationAdmin(RoleAuditAdmin):
    list_display = ["name", "type", "country", "accreditation", "website", "created_at"]
    list_filter = ["type", "accreditation", "country"]
    search_fields = ["name", "website"]
    inlines = [RepresentativeInline]


@admin.register(FocalPoint)
class FocalPointAdmin(RoleAuditAdmin):
    list_display = ["user", "member_state", "role"]
    list_filter = ["role", ("member_state__region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__email", "user__last_name", "member_state__name", "member_state__iso3"]
    list_select_related = ["user", "member_state"]
    autocomplete_fields = ["user", "member_state"]


@admin.register(CivilSocietyRepresentative)
class CivilSocietyRepresentativeAdmin(RoleAuditAdmin):
    list_display = ["user", "organisation"]
    list_filter = ["organisation__accreditation", "organisation__type"]
    search_fields = ["user__username", "user__email", "user__last_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(RegionalCoordinator)
class RegionalCoordinatorAdmin(RoleAuditAdmin):
    list_display = ["user", "grouping"]
    list_filter = ["grouping__kind"]
    search_fields = ["user__username", "user__email", "user__last_name", "grouping__name", "grouping__code"]
    list_select_related = ["user", "grouping"]
    autocomplete_fields = ["user", "grouping"]


@admin.register(QuestionTemplate)
class QuestionTemplateAdmin(admin.ModelAdmin):
    list_display = ["key", "audience", "scope", "language", "type", "order", "is_active", "short_text"]
    list_filter = ["audience", "language", "scope", "type", "is_active"]
    search_fields = ["key", "text"]

    @admin.display(description=_("Text"))
    def short_text(self, template):
        return truncatechars(template.text, 80)


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["consultation", "audience", "survey"]
    list_filter = ["audience", "consultation"]
    search_fields = ["consultation__title", "consultation__slug", "survey__title"]
    list_select_related = ["consultation", "survey"]
    autocomplete_fields = ["consultation", "survey"]


@admin.register(PositionPaper)
class PositionPaperAdmin(admin.ModelAdmin):
    """Uploaded papers, for tracing imports: read-only, and the file itself is never loaded."""

    list_display = ["filename", "consultation", "size", "uploaded_by", "uploaded_at", "imported_at"]
    list_filter = ["consultation"]
    search_fields = ["filename", "sha256", "consultation__title"]
    list_select_related = ["consultation", "uploaded_by"]
    fields = ["filename", "consultation", "size", "sha256", "uploaded_by", "uploaded_at", "imported_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        # The database measures the file, so that listing papers never reads their content.
        return super().get_queryset(request).defer("content").annotate(size_bytes=Length("content"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Size"), ordering="size_bytes")
    def size(self, paper):
        return filesizeformat(paper.size_bytes)
