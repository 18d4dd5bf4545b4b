from django.contrib import admin
from django.urls import include, path

from consult.views.access import PasswordResetView
from consult.views.errors import not_found, server_error

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before Django's own: the same page, rate limited (each use may send an e-mail).
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("consult.api.urls")),
    path("", include("consult.urls")),
]

handler404 = not_found
handler500 = server_error
