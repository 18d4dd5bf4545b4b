"""The site's URLs, one module per part of the site, all in the `consult` namespace."""

from . import (
    answering,
    api_tokens,
    audit,
    consultations,
    coverage,
    dashboard,
    exports,
    failures,
    imports,
    offline,
    invitations,
    registration,
    reports,
    themes,
    workflow,
)

app_name = "consult"

urlpatterns = [
    *consultations.urlpatterns,
    *answering.urlpatterns,
    *workflow.urlpatterns,
    *invitations.urlpatterns,
    *registration.urlpatterns,
    *coverage.urlpatterns,
    *dashboard.urlpatterns,
    *exports.urlpatterns,
    *reports.urlpatterns,
    *audit.urlpatterns,
    *failures.urlpatterns,
    *imports.urlpatterns,
    *offline.urlpatterns,
    *api_tokens.urlpatterns,
    *themes.urlpatterns,
]
