"""The 403, 404 and 500 pages: in the site's layout, in the person's language, with the way back."""

import pytest
from django.test import Client
from django.urls import reverse

from .factories import make_consultation


def test_a_missing_page_is_in_the_sites_layout_with_the_way_back(client, db):
    response = client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and 'class="navbar' in page
    assert f'href="{reverse("consult:home")}"' in page and f'href="{reverse("login")}"' in page


def test_a_refused_page_says_whom_to_ask(client, focal_point_france):
    make_consultation(slug="hld")
    client.force_login(focal_point_france)

    response = client.get(reverse("consult:dashboard", args=["hld"]))

    page = response.content.decode()
    assert response.status_code == 403
    assert "You cannot do this" in page and "ask the secretariat" in page
    assert f'href="{reverse("consult:my-consultations")}"' in page


def test_the_error_pages_follow_the_language(client, db):
    page = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Page introuvable" in page and 'lang="fr"' in page


@pytest.mark.urls("tests.failing_urls")
def test_a_server_error_is_a_page_of_the_site_not_a_trace(db):
    browser = Client(raise_request_exception=False)

    response = browser.get("/fail/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page and 'class="navbar' in page and "Traceback" not in page
