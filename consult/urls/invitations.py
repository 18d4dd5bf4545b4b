from django.urls import path

from ..views import invitations as views

urlpatterns = [
    path("invitations/", views.invitation_list, name="invitation-list"),
    path("invitations/new/", views.invitation_create, name="invitation-create"),
    path("invitations/import/", views.invitation_import, name="invitation-import"),
    path("invitations/<uuid:pk>/resend/", views.invitation_resend, name="invitation-resend"),
    path("invitations/<uuid:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    # Tokens are 43 URL-safe characters, so they never clash with "new" or "import" above.
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("invitations/<str:token>/new-link/", views.invitation_request_new, name="invitation-request-new"),
]
