from django.urls import path

from ..views import invitations as views

urlpatterns = [
    path("consultations/<slug:slug>/invitations/", views.invitation_list, name="invitation-list"),
    path("consultations/<slug:slug>/invitations/new/", views.invitation_create, name="invitation-create"),
    path("consultations/<slug:slug>/invitations/import/", views.invitation_import, name="invitation-import"),
    # Invitations belong to a consultation: these lead to the consultation's pages (asking which, if several).
    path("invitations/", views.invitation_index, {"page": "invitation-list"}, name="invitation-index"),
    path("invitations/new/", views.invitation_index, {"page": "invitation-create"}, name="invitation-index-create"),
    path("invitations/import/", views.invitation_index, {"page": "invitation-import"}, name="invitation-index-import"),
    path("invitations/<uuid:pk>/resend/", views.invitation_resend, name="invitation-resend"),
    path("invitations/<uuid:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    # Tokens are 43 URL-safe characters, so they never clash with "new" or "import" above.
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("invitations/<str:token>/new-link/", views.invitation_request_new, name="invitation-request-new"),
]
