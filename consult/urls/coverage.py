from django.urls import path

from ..views import coverage as views

urlpatterns = [
    path("consultations/<slug:slug>/coverage/", views.coverage, name="coverage"),
    path("consultations/<slug:slug>/positions/", views.position_list, name="position-list"),
    path("consultations/<slug:slug>/deadline/", views.deadline_extension, name="deadline-extend"),
]
