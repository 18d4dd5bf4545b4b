"""/api/: the schema, its interactive documentation, and version 1 of the API."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"

CONSULTATION = "v1/consultations/<slug:slug>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/consultations/", views.ConsultationList.as_view(), name="consultation-list"),
    path(CONSULTATION, views.ConsultationDetail.as_view(), name="consultation-detail"),
    path(CONSULTATION + "recommendations/", views.RecommendationList.as_view(), name="recommendation-list"),
    path(CONSULTATION + "questions/", views.QuestionList.as_view(), name="question-list"),
    path(CONSULTATION + "figures/", views.FigureList.as_view(), name="figure-list"),
    path(CONSULTATION + "responses/", views.PublishedResponseList.as_view(), name="response-list"),
    path(CONSULTATION + "responses/<uuid:position_id>/", views.PublishedResponseDetail.as_view(),
         name="response-detail"),
    path(CONSULTATION + "reports/", views.ReportList.as_view(), name="report-list"),
    path(CONSULTATION + "coverage/", views.CoverageList.as_view(), name="coverage"),
    path(CONSULTATION + "export/", views.ResponsesExport.as_view(), name="responses-export"),
    path("v1/reports/<uuid:report_id>/download/", views.ReportDownload.as_view(), name="report-download"),
    path("v1/positions/", views.PositionList.as_view(), name="position-list"),
    path("v1/positions/<uuid:position_id>/", views.PositionDetail.as_view(), name="position-detail"),
    path("v1/positions/<uuid:position_id>/areas/<str:code>/", views.PositionArea.as_view(), name="position-area"),
]
