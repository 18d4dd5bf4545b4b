from django.urls import path

from ..views import offline as views

urlpatterns = [
    path("positions/<uuid:position_id>/offline.xlsx", views.offline_download, name="position-offline-download"),
    path("positions/<uuid:position_id>/offline.docx", views.offline_document_download,
         name="position-offline-document"),
    path("positions/<uuid:position_id>/offline/", views.offline_upload, name="position-offline-upload"),
]
