from django.urls import path

from ..views import consultations as views

urlpatterns = [
    path("", views.home, name="home"),
    path("consultations/new/", views.consultation_edit, name="consultation-create"),
    path("consultations/<slug:slug>/", views.consultation_detail, name="consultation-detail"),
    path("consultations/<slug:slug>/edit/", views.consultation_edit, name="consultation-edit"),
    path("consultations/<slug:slug>/paper/", views.paper_upload, name="paper-upload"),
    path("consultations/<slug:slug>/paper/<uuid:paper_id>/", views.paper_preview, name="paper-preview"),
    path("consultations/<slug:slug>/generate/", views.questions_generate, name="questions-generate"),
    path(
        "consultations/<slug:slug>/questionnaires/<str:audience>/",
        views.questionnaire_detail,
        name="questionnaire-detail",
    ),
    path(
        "consultations/<slug:slug>/questionnaires/<str:audience>/xlsform/",
        views.questionnaire_xlsform,
        name="questionnaire-xlsform",
    ),
]
