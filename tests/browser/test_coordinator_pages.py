"""axe-core finds no violation on a regional coordinator's pages (My consultations, the region's dashboard).

The pages of tests/browser/test_accessibility.py, for the person that file's world has no fixture for.
"""

import pytest
from django.urls import reverse

from consult.models import RegionalCoordinator, RegionalGrouping

from ..factories import make_user
from .conftest import axe_violations, opened_as

pytestmark = pytest.mark.django_db(transaction=True)
EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("ar", 375)], ids=["en-1280", "ar-375"])
def test_a_coordinators_pages_have_no_accessibility_violation(browser, live_server, world, language, width):
    coordinator = make_user("coordinator", first_name="Amina")
    RegionalCoordinator.objects.create(user=coordinator, grouping=RegionalGrouping.objects.get(code="m49-002"))
    for url in (reverse("consult:my-consultations"), reverse("consult:dashboard", args=[world.consultation.slug])):
        page = opened_as(browser, live_server, "coordinator", language=language, width=width)
        page.goto(url)
        assert axe_violations(page, impacts=EVERY_IMPACT) == [], url
        page.context.close()
