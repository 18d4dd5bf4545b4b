"""A URL that fails, to see the 500 page (the site's own URLs, plus /fail/)."""

from django.urls import path

from config.urls import handler404, handler500, urlpatterns as site_urlpatterns  # noqa: F401


def fail(request):
    raise RuntimeError("A failure for the 500 page.")


urlpatterns = [*site_urlpatterns, path("fail/", fail)]
