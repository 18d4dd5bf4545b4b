"""The admin of the survey engine: questions are edited here, responses only looked at."""

from django.contrib import admin
from django.db.models import Count, Q
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _

from .models import Answer, Choice, Question, QuestionTranslation, Response, Section, Survey


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["code", "title", "order"]
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "created_at", "question_count", "response_count"]
    list_filter = ["language"]
    search_fields = ["title"]
    inlines = [SectionInline]

    def get_queryset(self, request):
        # Two counts over two joins would multiply each other: count distinct rows.
        return (
            super()
            .get_queryset(request)
            .annotate(
                question_count=Count("questions", filter=Q(questions__is_current=True), distinct=True),
                response_count=Count("responses", distinct=True),
            )
        )

    @admin.display(description=_("Current questions"), ordering="question_count")
    def question_count(self, survey):
        return survey.question_count

    @admin.display(description=_("Responses"), ordering="response_count")
    def response_count(self, survey):
        return survey.response_count


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "survey", "order"]
    list_filter = ["survey"]
    search_fields = ["code", "title", "survey__title"]
    list_select_related = ["survey"]
    autocomplete_fields = ["survey"]


def is_answered(question):
    return question is not None and question.has_answers()


class ChoiceInline(admin.TabularInline):
    """The choices of a question, frozen once the question has answers."""

    model = Choice
    fields = ["value", "label", "order"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not is_answered(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not is_answered(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not is_answered(obj)


class QuestionTranslationInline(admin.StackedInline):
    model = QuestionTranslation
    extra = 0
    fields = ["language", "text", "help_text", "choice_labels"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Questions; one that has answers is shown read-only, since answers point at its text."""

    list_display = ["code", "version", "is_current", "type", "short_text", "reference", "survey", "required"]
    list_filter = ["type", "is_current", "survey"]
    search_fields = ["code", "text", "reference"]
    list_select_related = ["survey"]
    autocomplete_fields = ["survey", "section"]
    inlines = [ChoiceInline, QuestionTranslationInline]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not is_answered(obj)

    @admin.display(description=_("Text"))
    def short_text(self, question):
        return truncatechars(question.text, 80)


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["question", "choice", "rank", "number", "text"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question", "choice")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Responses and answers are written by respondents through the services, never here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["id", "survey", "status", "created_at", "updated_at", "submitted_at"]
    list_filter = ["status", "survey"]
    list_select_related = ["survey"]
    date_hierarchy = "created_at"
    inlines = [AnswerInline]
    # Counting a table of 100,000 responses on every page is a cost with no use here.
    show_full_result_count = False


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["response", "question", "choice", "rank", "number", "short_text"]
    list_filter = ["question__survey", "question__type"]
    search_fields = ["question__code", "text"]
    list_select_related = ["response__survey", "question", "choice"]
    show_full_result_count = False

    @admin.display(description=_("Text"))
    def short_text(self, answer):
        return truncatechars(answer.text, 80)
