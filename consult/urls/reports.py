from django.urls import path

from ..views import reports as views

urlpatterns = [
    path("consultations/<slug:slug>/reports/", views.report_list, name="report-list"),
    path("reports/<uuid:report_id>/status/", views.report_status, name="report-status"),
    path("reports/<uuid:report_id>/download/", views.report_download, name="report-download"),
    path("reports/<uuid:report_id>/retry/", views.report_retry_view, name="report-retry"),
    path("reports/<uuid:report_id>/publish/", views.report_publish_view, name="report-publish"),
    path("consultations/<slug:slug>/summary/", views.summary, name="summary"),
    path("consultations/<slug:slug>/summary/<slug:grouping_code>/", views.summary, name="summary"),
    path("charts/<slug:token>.svg", views.chart_image, name="chart"),
    path("public/<slug:slug>/", views.public_consultation, name="public-consultation"),
    path("public/<slug:slug>/open-data.zip", views.public_open_data, name="public-open-data"),
    path("public/<slug:slug>/responses/<uuid:position_id>/", views.public_response, name="public-response"),
]
