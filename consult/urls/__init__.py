"""The site's URLs, one module per part of the site, all in the `consult` namespace."""

from . import consultations

app_name = "consult"

urlpatterns = [
    *consultations.urlpatterns,
]
