from django.urls import path

from ..views import exports as views

urlpatterns = [
    path("consultations/<slug:slug>/export/<str:format>/", views.responses_export, name="responses-export"),
]
