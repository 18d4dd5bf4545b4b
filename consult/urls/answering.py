from django.urls import path

from ..views import answering as views

urlpatterns = [
    path("my/", views.my_consultations, name="my-consultations"),
    path("consultations/<slug:slug>/respond/", views.position_start, name="position-start"),
    path("positions/<uuid:position_id>/", views.position_detail, name="position-detail"),
    path("positions/<uuid:position_id>/answers/", views.position_answers, name="position-answers"),
    path("positions/<uuid:position_id>/areas/<str:code>/", views.position_section, name="position-section"),
]
