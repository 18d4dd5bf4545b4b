"""The API's endpoints. Each looks up through a permission function or a visibility filter of
consult/permissions.py, reads through a selector and writes through a service, as the pages do.

Anything a person may not see answers 404, as if it did not exist; a step they may not take, 403.
"""

from dataclasses import asdict

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from surveys.models import Question
from surveys.selectors import questions_translate, response_values, section_questions
from surveys.services import StaleSection

from ..i18n import content_language
from ..models import Audience, AuditEvent, MemberState, Position, Recommendation, RegionalGrouping, Report
from ..permissions import (
    can_download_report,
    consultations_visible_to,
    followed_states,
    positions_visible_to,
    reports_reachable_by,
    reports_readable_by,
    summary_view_for,
)
from ..selectors.answering import position_sections
from ..selectors.consultations import consultation_outline, consultation_questions
from ..selectors.coverage import CoverageStatus, state_coverage
from ..selectors.reports import published_groupings, published_positions
from ..selectors.summaries import regional_summary
from ..selectors.workflow import receipt_sections
from ..services.answering import PositionNotEditable, edit_refusal
from ..services.audit import audit_record
from ..services.exports import responses_csv_lines
from ..services.reports.build import report_download_record, report_filename
from ..services.submissions import SubmissionKeyReused
from ..views.answering import change_rows
from ..views.reports import CONTENT_TYPES
from . import serializers
from .answers import answers_cleaned, area_answers_save, idempotency_key
from .permissions import SignedIn, TokenScope

LANGUAGE = OpenApiParameter(
    "lang", str, enum=["ar", "en", "es", "fr", "ru", "zh"],
    description="The language of question texts (default: the Accept-Language header, then the consultation's).",
)
AUDIENCE = OpenApiParameter("audience", str, enum=Audience.values)


def visible_consultation(request, slug):
    return get_object_or_404(consultations_visible_to(request.user), slug=slug)


def requested_language(request) -> str:
    return content_language(request.query_params.get("lang") or get_language())


class ConsultationList(generics.ListAPIView):
    """The consultations you may see: every one out of draft; drafts too for the secretariat."""

    serializer_class = serializers.ConsultationSerializer
    filterset_fields = ["status", "language"]
    ordering_fields = ["title", "opens_at", "closes_at", "created_at"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return consultations_visible_to(self.request.user)


class ConsultationDetail(generics.RetrieveAPIView):
    """A consultation with its priority areas, recommendations and published summaries."""

    serializer_class = serializers.ConsultationDetailSerializer
    pagination_class = None

    def get_object(self):
        consultation = visible_consultation(self.request, self.kwargs["slug"])
        consultation.outline = consultation_outline(consultation)
        consultation.audiences = sorted(consultation.questionnaires.values_list("audience", flat=True))
        consultation.published_summaries = [
            {"grouping": grouping.code if grouping else None, "name": str(grouping) if grouping else _("World")}
            for grouping in published_groupings(consultation)
        ]
        return consultation


class RecommendationFilter(filters.FilterSet):
    area = filters.NumberFilter(field_name="area__number")
    round_table = filters.NumberFilter(field_name="round_tables__number")

    class Meta:
        model = Recommendation
        fields = ["area", "round_table", "status"]


class RecommendationList(generics.ListAPIView):
    """The consultation's recommendations, with the codes the questions and figures refer to."""

    queryset = Recommendation.objects.none()  # For the schema: the requests read get_queryset().
    serializer_class = serializers.RecommendationSerializer
    filterset_class = RecommendationFilter
    ordering_fields = ["code", "area__number", "position"]
    ordering = ["area__number", "position"]

    def get_queryset(self):
        consultation = visible_consultation(self.request, self.kwargs["slug"])
        recommendations = Recommendation.objects.filter(area__consultation=consultation)
        return recommendations.select_related("area").prefetch_related("round_tables").distinct()


class QuestionFilter(filters.FilterSet):
    audience = filters.ChoiceFilter(field_name="survey__questionnaire__audience", choices=Audience.choices)
    section = filters.CharFilter(field_name="section__code")
    recommendation = filters.CharFilter(field_name="reference")

    class Meta:
        model = Question
        fields = ["audience", "section", "recommendation", "type"]


@extend_schema(parameters=[LANGUAGE])
class QuestionList(generics.ListAPIView):
    """The questions of each audience, in the language asked where the secretariat has translated them."""

    queryset = Question.objects.none()  # For the schema: the requests read get_queryset().
    serializer_class = serializers.ConsultationQuestionSerializer
    filterset_class = QuestionFilter
    ordering_fields = ["code", "order"]
    ordering = ["survey__questionnaire__audience", "section__order", "order", "code"]

    def get_queryset(self):
        return consultation_questions(visible_consultation(self.request, self.kwargs["slug"]))

    def paginate_queryset(self, queryset):
        page = list(super().paginate_queryset(queryset))
        questions_translate(page, requested_language(self.request))
        return page


def query_choice(request, name: str, allowed, default=None):
    """Return the query parameter if it is one of `allowed` (or absent: the default); refuse anything else."""
    value = request.query_params.get(name, default)
    if value is not None and value not in allowed:
        raise ValidationError({name: [_("Choose one of: %(allowed)s.") % {"allowed": ", ".join(allowed)}]})
    return value


@extend_schema(parameters=[
    OpenApiParameter("grouping", str, description="A grouping's code, among the consultation's published_summaries; "
                                                  "the whole world when left out."),
    AUDIENCE,
])
class FigureList(generics.ListAPIView):
    """The figures of a grouping's summary, per question and audience, with small groups hidden (null).

    Public once the grouping's summary is published; its coordinators and the secretariat see it before.
    """

    serializer_class = serializers.FigureSerializer
    filter_backends = []

    def get_queryset(self):
        consultation = visible_consultation(self.request, self.kwargs["slug"])
        audience = query_choice(self.request, "audience", Audience.values)
        code = self.request.query_params.get("grouping")
        grouping = get_object_or_404(RegionalGrouping, code=code) if code else None
        view = summary_view_for(self.request.user, consultation, grouping)
        if view is None:
            raise Http404
        summary = regional_summary(consultation, grouping, internal=view == "internal")
        return [row for row in summary_figures(summary) if audience in (None, row["audience"])]


def summary_figures(summary) -> list[dict]:
    """Return every question's figures of the summary, flat, with the area and recommendation it is about."""
    rows = []
    for area in summary.areas:
        for recommendation in area.recommendations:
            for figures in recommendation.member_states + recommendation.civil_society:
                rows.append({"area": area.number, "recommendation": recommendation.code, **asdict(figures)})
        rows += [{"area": area.number, "recommendation": "", **asdict(figures)} for figures in area.area_questions]
    return rows


class PublishedResponseList(generics.ListAPIView):
    """The submitted responses whose respondents allowed publication; anonymous ones without their name."""

    queryset = Position.objects.none()  # For the schema: the requests read get_queryset().
    serializer_class = serializers.PublishedResponseSerializer
    filterset_fields = ["audience", "publication"]
    ordering_fields = ["submitted_at"]

    def get_queryset(self):
        return published_positions(visible_consultation(self.request, self.kwargs["slug"]))


class PublishedResponseDetail(generics.RetrieveAPIView):
    """A published response with every answer given, as its public page shows it."""

    serializer_class = serializers.PublishedResponseDetailSerializer

    def get_object(self):
        consultation = visible_consultation(self.request, self.kwargs["slug"])
        positions = published_positions(consultation).select_related("response")
        position = get_object_or_404(positions, pk=self.kwargs["position_id"])
        position.sections = receipt_sections(position)
        return position


class ReportFilter(filters.FilterSet):
    grouping = filters.CharFilter(field_name="grouping__code")

    class Meta:
        model = Report
        fields = ["grouping", "format", "status", "language", "is_published"]


class ReportList(generics.ListAPIView):
    """The consultation's published summaries; for the secretariat and coordinators, the reports they follow too."""

    queryset = Report.objects.none()  # For the schema: the requests read get_queryset().
    serializer_class = serializers.ReportSerializer
    filterset_class = ReportFilter
    ordering_fields = ["created_at", "finished_at"]

    def get_queryset(self):
        consultation = visible_consultation(self.request, self.kwargs["slug"])
        return reports_readable_by(self.request.user, consultation)


class FileView(generics.GenericAPIView):
    """A view answering with a file: JSON when it refuses, whatever the Accept header asked for."""

    pagination_class = None
    filter_backends = []

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


@extend_schema(responses={
    **{(200, content_type.split(";")[0]): OpenApiTypes.BINARY for content_type in set(CONTENT_TYPES.values())},
})
class ReportDownload(FileView):
    """A built report's file: a published summary for anyone; the others for the secretariat and coordinators."""

    def get(self, request, report_id):
        report = get_object_or_404(reports_reachable_by(request.user), pk=report_id)
        if not can_download_report(request.user, report):
            raise Http404
        report_download_record(report=report, actor=request.user, via="api")
        response = FileResponse(report.file.open("rb"), as_attachment=True, filename=report_filename(report))
        response["Content-Type"] = CONTENT_TYPES[report.format]
        return response


class PositionFilter(filters.FilterSet):
    consultation = filters.CharFilter(field_name="consultation__slug")

    class Meta:
        model = Position
        fields = ["consultation", "audience", "status"]


class PositionList(generics.ListAPIView):
    """The positions you may see: your state's or organisation's, your regions', or all for the secretariat."""

    queryset = Position.objects.none()  # For the schema: the requests read get_queryset().
    serializer_class = serializers.PositionSerializer
    permission_classes = [SignedIn, TokenScope]
    filterset_class = PositionFilter
    ordering_fields = ["updated_at", "submitted_at"]
    ordering = ["-updated_at"]

    def get_queryset(self):
        return positions_visible_to(self.request.user)


def visible_position(request, position_id) -> Position:
    positions = positions_visible_to(request.user).select_related("response__survey")
    return get_object_or_404(positions, pk=position_id)


class PositionDetail(generics.RetrieveAPIView):
    """A position with its areas, the version of each and whether you may change its answers now."""

    serializer_class = serializers.PositionDetailSerializer
    permission_classes = [SignedIn, TokenScope]

    def get_object(self):
        position = visible_position(self.request, self.kwargs["position_id"])
        saved = {page.section_id: page for page in position.response.sections.all()}
        position.areas = [
            {"code": section.code, "title": section.title, "version": getattr(saved.get(section.pk), "version", 0),
             "saved_at": getattr(saved.get(section.pk), "saved_at", None)}
            for section in position_sections(position)
        ]
        position.deadline = position.consultation.deadline_for(position.member_state)
        position.refusal = edit_refusal(self.request.user, position)
        position.editable = position.refusal is None
        return position


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER,
    description="Any key of yours (a UUID, say): the same request sent again with it is saved once.",
)


class PositionArea(generics.GenericAPIView):
    """One area of a position: its questions and your state's or organisation's draft answers.

    PATCH changes the answers sent, with the checks of the page; submitting stays on the site.
    """

    serializer_class = serializers.AreaAnswersSerializer
    permission_classes = [SignedIn, TokenScope]
    pagination_class = None
    filter_backends = []

    def area(self):
        position = visible_position(self.request, self.kwargs["position_id"])
        section = next((section for section in position_sections(position) if section.code == self.kwargs["code"]),
                       None)
        if section is None:
            raise Http404
        return position, section, section_questions(section, language=requested_language(self.request))

    @extend_schema(parameters=[LANGUAGE])
    def get(self, request, position_id, code):
        position, section, questions = self.area()
        page = position.response.sections.filter(section=section).first()
        data = {"code": section.code, "title": section.title, "version": page.version if page else 0,
                "saved_at": page.saved_at if page else None,
                "answers": response_values(position.response, questions), "questions": questions}
        return Response(self.get_serializer(data).data)

    @extend_schema(
        request=serializers.AreaAnswersPatchSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            200: serializers.SavedSerializer,
            400: serializers.ErrorSerializer,
            403: serializers.ErrorSerializer,
            409: serializers.ConflictSerializer,
        },
    )
    def patch(self, request, position_id, code):
        position, section, questions = self.area()
        sent = serializers.AreaAnswersPatchSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        refusal = edit_refusal(request.user, position)
        if refusal:
            raise PermissionDenied(refusal)
        cleaned = answers_cleaned(questions, sent.validated_data["answers"])
        key = idempotency_key(request.headers.get("Idempotency-Key"))
        try:
            outcome, replayed = area_answers_save(
                position=position, section=section, questions=questions, cleaned=cleaned,
                version=sent.validated_data["version"], actor=request.user, key=key,
            )
        except PositionNotEditable as refusal:
            raise PermissionDenied(refusal.message)
        except StaleSection as stale:
            return Response({"error": stale_message(), "version": stale.version, "changes": change_rows(stale)},
                            status=409)
        except SubmissionKeyReused as reused:
            return Response({"error": reused.message}, status=409)
        return Response(outcome, headers={"Idempotent-Replayed": "true"} if replayed else {})


def stale_message() -> str:
    return _("Not saved: someone saved this area since the version you sent. Read it again, merge the "
             "changes listed, and send your answers with the new version.")


class CoverageFilter(filters.FilterSet):
    status = filters.ChoiceFilter(field_name="coverage_status", choices=CoverageStatus.choices)
    region = filters.CharFilter(field_name="region__code")

    class Meta:
        model = MemberState
        fields = ["status", "region"]


class CoverageList(generics.ListAPIView):
    """Which states have answered, and how far: all for the secretariat, their regions' for coordinators."""

    queryset = MemberState.objects.none()  # For the schema: the requests read get_queryset().
    serializer_class = serializers.CoverageSerializer
    permission_classes = [SignedIn, TokenScope]
    filterset_class = CoverageFilter
    ordering_fields = ["iso3", "last_activity"]

    def get_queryset(self):
        states = followed_states(self.request.user)
        consultation = visible_consultation(self.request, self.kwargs["slug"])
        return state_coverage(consultation, states=states)


@extend_schema(parameters=[AUDIENCE], responses={(200, "text/csv"): OpenApiTypes.BINARY})
class ResponsesExport(FileView):
    """The submitted answers as CSV, streamed: all for the secretariat, their regions' for coordinators."""

    permission_classes = [SignedIn, TokenScope]

    def get(self, request, slug):
        states = followed_states(request.user)
        consultation = visible_consultation(request, slug)
        audience = query_choice(request, "audience", Audience.values)
        filename = f"{consultation.slug}-responses-{audience or 'all'}-{timezone.now():%Y%m%d-%H%M}.csv"
        audit_record(
            action=AuditEvent.Action.EXPORT_DOWNLOADED, actor=request.user, consultation=consultation,
            details={"format": "csv", "audience": audience or "", "filename": filename, "via": "api"},
        )
        lines = responses_csv_lines(consultation=consultation, audience=audience, states=states)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
