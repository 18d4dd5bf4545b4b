from django.urls import path

from ..views import imports as views

urlpatterns = [
    path("consultations/<slug:slug>/import-responses/", views.response_import_start, name="response-import"),
    path(
        "consultations/<slug:slug>/import-responses/<uuid:import_id>/",
        views.response_import_preview,
        name="response-import-preview",
    ),
]
