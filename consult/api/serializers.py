"""What the API says about each thing; reads only, but for the answers a focal point sends."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from surveys.models import Choice, Question

from ..models import Audience, Consultation, Position, PriorityArea, Recommendation, Report


class RecommendationSerializer(serializers.ModelSerializer):
    area = serializers.IntegerField(source="area.number", help_text=_("The number of its priority area."))
    round_tables = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")

    class Meta:
        model = Recommendation
        fields = ["code", "area", "text", "status", "round_tables"]


class AreaSerializer(serializers.ModelSerializer):
    recommendations = RecommendationSerializer(many=True, read_only=True)
    round_tables = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")

    class Meta:
        model = PriorityArea
        fields = ["number", "title", "headline", "context", "status", "round_tables", "recommendations"]


class ConsultationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("The consultation's page on the site."))

    class Meta:
        model = Consultation
        fields = ["slug", "title", "language", "description", "status", "opens_at", "closes_at", "url"]

    def get_url(self, consultation) -> str:
        return self.context["request"].build_absolute_uri(consultation.get_absolute_url())


class PublishedSummarySerializer(serializers.Serializer):
    grouping = serializers.CharField(allow_null=True, help_text=_("The grouping's code; null for the world."))
    name = serializers.CharField()


class ConsultationDetailSerializer(ConsultationSerializer):
    audiences = serializers.ListField(child=serializers.CharField(), help_text=_("The audiences it asks."))
    areas = AreaSerializer(many=True, source="outline")
    published_summaries = PublishedSummarySerializer(
        many=True, help_text=_("The groupings whose figures are published (GET figures/?grouping=...).")
    )

    class Meta(ConsultationSerializer.Meta):
        fields = [*ConsultationSerializer.Meta.fields, "audiences", "areas", "published_summaries"]


class ChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["value", "label"]


class QuestionSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.code", allow_null=True, help_text=_("Its page: the area number."))
    recommendation = serializers.CharField(source="reference", help_text=_("The code it was made from."))
    max_length = serializers.IntegerField(source="text_limit", help_text=_("The longest text answer accepted."))
    choices = ChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["code", "section", "recommendation", "type", "text", "help_text", "required", "max_length",
                  "choices"]


class ConsultationQuestionSerializer(QuestionSerializer):
    audience = serializers.ChoiceField(choices=Audience.choices, help_text=_("Whom the question is asked."))

    class Meta(QuestionSerializer.Meta):
        fields = ["audience", *QuestionSerializer.Meta.fields]


class ChoiceFigureSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField(allow_null=True)
    share = serializers.FloatField(allow_null=True)
    mean_rank = serializers.FloatField(allow_null=True)
    first_place_share = serializers.FloatField(allow_null=True)


class FigureSerializer(serializers.Serializer):
    """One question's figures for one audience; null where the group is too small to show."""

    recommendation = serializers.CharField(allow_blank=True, help_text=_("Empty for an area's own questions."))
    area = serializers.IntegerField()
    code = serializers.CharField()
    text = serializers.CharField()
    type = serializers.CharField()
    audience = serializers.CharField()
    respondents = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    mean_rank = serializers.FloatField(allow_null=True)
    first_place_share = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField(help_text=_("Fewer respondents than the consultation's threshold."))
    choices = ChoiceFigureSerializer(many=True)


class PublishedResponseSerializer(serializers.ModelSerializer):
    respondent = serializers.SerializerMethodField(help_text=_("Null when published anonymously."))

    class Meta:
        model = Position
        fields = ["id", "audience", "respondent", "publication", "submitted_at"]

    def get_respondent(self, position) -> str | None:
        return str(position.respondent) if position.publication == "attributed" else None


class AnsweredQuestionSerializer(serializers.Serializer):
    code = serializers.CharField(source="question.code")
    text = serializers.CharField(source="question.text")
    answers = serializers.ListField(child=serializers.CharField())


class AnsweredSectionSerializer(serializers.Serializer):
    code = serializers.CharField(source="section.code", allow_null=True, default=None)
    title = serializers.CharField(source="section.title", allow_null=True, default=None)
    questions = serializers.SerializerMethodField()

    @extend_schema_field(AnsweredQuestionSerializer(many=True))
    def get_questions(self, entry):
        answered = [item for item in entry.questions if item.answers]
        return AnsweredQuestionSerializer(answered, many=True).data


class PublishedResponseDetailSerializer(PublishedResponseSerializer):
    sections = AnsweredSectionSerializer(many=True)

    class Meta(PublishedResponseSerializer.Meta):
        fields = [*PublishedResponseSerializer.Meta.fields, "sections"]


class ReportSerializer(serializers.ModelSerializer):
    grouping = serializers.CharField(source="grouping.code", allow_null=True, default=None)
    download = serializers.SerializerMethodField(help_text=_("Where to download the file once it is done."))

    class Meta:
        model = Report
        fields = ["id", "grouping", "format", "language", "audience", "status", "is_published", "data_cutoff",
                  "created_at", "finished_at", "download"]

    def get_download(self, report) -> str | None:
        if report.status != Report.Status.DONE:
            return None
        url = reverse("api:report-download", kwargs={"report_id": report.pk})
        return self.context["request"].build_absolute_uri(url)


class PositionSerializer(serializers.ModelSerializer):
    consultation = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    respondent = serializers.CharField(source="respondent.__str__")
    member_state = serializers.CharField(source="member_state.iso3", allow_null=True, default=None)

    class Meta:
        model = Position
        fields = ["id", "consultation", "audience", "respondent", "member_state", "status", "publication",
                  "receipt_number", "submitted_at", "updated_at"]


class PositionAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    version = serializers.IntegerField(help_text=_("Send it back with a change: 0 before the first save."))
    saved_at = serializers.DateTimeField(allow_null=True)


class PositionDetailSerializer(PositionSerializer):
    deadline = serializers.DateTimeField(allow_null=True)
    editable = serializers.BooleanField(help_text=_("Whether you may change its answers now."))
    refusal = serializers.CharField(allow_null=True, help_text=_("Why you may not, when you may not."))
    areas = PositionAreaSerializer(many=True)

    class Meta(PositionSerializer.Meta):
        fields = [*PositionSerializer.Meta.fields, "deadline", "editable", "refusal", "areas"]


ANSWERS_HELP = _(
    "Answers by question code: a choice's value (scale, single choice, yes/no), a list of values "
    "(multiple choice), a number, a text, or {item value: position} (ranking); null clears an answer."
)


@extend_schema_field(
    {"type": "object", "additionalProperties": {"nullable": True}, "description": str(ANSWERS_HELP)}
)
class AnswersField(serializers.DictField):
    """{question code: value}; each value is checked by the area's form, as on the page."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.JSONField(allow_null=True), **kwargs)


class AreaAnswersSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    version = serializers.IntegerField(min_value=0, help_text=_("The version you read; a newer one on the server is a conflict (409)."))
    saved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    answers = AnswersField(help_text=ANSWERS_HELP)
    questions = QuestionSerializer(many=True, read_only=True)


class AreaAnswersPatchSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, help_text=_("The version you read; a newer one on the server is a conflict (409)."))
    answers = AnswersField(help_text=_("Only the questions to change: a question left out keeps its answer."))


class SavedSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    saved_at = serializers.DateTimeField()


class ChangeSerializer(serializers.Serializer):
    question = serializers.CharField()
    label = serializers.CharField()
    saved = serializers.CharField()
    yours = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    error = serializers.CharField()
    version = serializers.IntegerField(help_text=_("The version now saved: read it, merge, and send again with it."))
    changes = ChangeSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField()
    errors = serializers.DictField(required=False, child=serializers.JSONField())


class CoverageSerializer(serializers.Serializer):
    iso3 = serializers.CharField()
    name = serializers.CharField(source="__str__")
    region = serializers.CharField(source="region.__str__")
    subregion = serializers.CharField(source="subregion.__str__")
    status = serializers.CharField(source="coverage_status")
    last_activity = serializers.DateTimeField(allow_null=True)
    extended_until = serializers.DateTimeField(allow_null=True)

