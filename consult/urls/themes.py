from django.urls import path

from ..views import themes as views

THEMES = "consultations/<slug:slug>/themes/"
QUESTION = THEMES + "<str:code>/"
THEME = QUESTION + "<uuid:theme_id>/"

urlpatterns = [
    path(THEMES, views.theme_overview, name="theme-overview"),
    path(THEMES + "analyse/", views.analyse, name="themes-analyse"),
    path(THEMES + "analysis/", views.run_status, name="analysis-status"),
    path(THEMES + "export.json", views.themes_export, {"format": "json"}, name="themes-export-json"),
    path(THEMES + "export.xlsx", views.themes_export, {"format": "xlsx"}, name="themes-export-xlsx"),
    path(QUESTION, views.question_review, name="theme-question"),
    path(QUESTION + "done/", views.review_done, name="theme-review-done"),
    path(QUESTION + "answers/", views.answer_list, name="theme-answers"),
    path(QUESTION + "answers/reviewed/", views.answers_reviewed, name="theme-answers-reviewed"),
    path(QUESTION + "answers/move/", views.answer_move, name="theme-answer-move"),
    path(QUESTION + "answers/flag/", views.answer_flag, name="theme-answer-flag"),
    path(THEME, views.theme_detail, name="theme-detail"),
    path(THEME + "accept/", views.theme_accept, name="theme-accept"),
    path(THEME + "discard/", views.theme_discard, name="theme-discard"),
    path(THEME + "edit/", views.theme_edit, name="theme-edit"),
    path(THEME + "merge/", views.theme_merge, name="theme-merge"),
    path(THEME + "answers/", views.theme_answers, name="theme-answers-choose"),
]
