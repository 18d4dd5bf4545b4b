from django.urls import path

from ..views import audit as views

urlpatterns = [
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/export/", views.audit_export, name="audit-export"),
]
