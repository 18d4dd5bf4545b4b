from django.urls import path

from ..views import themes as views

THEMES = "consultations/<slug:slug>/themes/"
QUESTION = THEMES + "<str:code>/"

urlpatterns = [
    path(THEMES, views.theme_overview, name="theme-overview"),
    path(THEMES + "analyse/", views.analyse, name="themes-analyse"),
    path(THEMES + "export.json", views.themes_export, {"format": "json"}, name="themes-export-json"),
    path(THEMES + "export.xlsx", views.themes_export, {"format": "xlsx"}, name="themes-export-xlsx"),
    path("analysis-runs/<int:run_id>/status/", views.run_status, name="analysis-run-status"),
    path(QUESTION, views.question_review, name="theme-question"),
    path(QUESTION + "done/", views.review_done, name="theme-review-done"),
    path(QUESTION + "answers/", views.answer_list, name="theme-answers"),
    path(QUESTION + "answers/reviewed/", views.answers_reviewed, name="theme-answers-reviewed"),
    path(QUESTION + "answers/<int:answer_id>/move/", views.answer_move, name="theme-answer-move"),
    path(QUESTION + "answers/<int:answer_id>/flag/", views.answer_flag, name="theme-answer-flag"),
    path(QUESTION + "<int:theme_id>/", views.theme_detail, name="theme-detail"),
    path(QUESTION + "<int:theme_id>/accept/", views.theme_accept, name="theme-accept"),
    path(QUESTION + "<int:theme_id>/discard/", views.theme_discard, name="theme-discard"),
    path(QUESTION + "<int:theme_id>/edit/", views.theme_edit, name="theme-edit"),
    path(QUESTION + "<int:theme_id>/merge/", views.theme_merge, name="theme-merge"),
    path(QUESTION + "<int:theme_id>/answers/", views.theme_answers, name="theme-answers-choose"),
]
