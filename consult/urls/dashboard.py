from django.urls import path

from ..views import dashboard as views

urlpatterns = [
    path("consultations/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
]
