from django.urls import path

from ..views import registration as views

urlpatterns = [
    path("organisations/register/", views.organisation_register, name="organisation-register"),
    path("organisations/register/done/", views.organisation_register_done, name="organisation-register-done"),
    path("organisations/confirm/<str:token>/", views.organisation_confirm_email, name="organisation-confirm-email"),
    path("accreditation/", views.accreditation_queue, name="accreditation-queue"),
    path("accreditation/<uuid:public_id>/accredit/", views.organisation_accredit, name="organisation-accredit"),
    path("accreditation/<uuid:public_id>/decline/", views.organisation_decline, name="organisation-decline"),
]
