"""Named people, as in healthchecks and Zulip, and the checks that the real services are there."""

import os
import tempfile

import pytest
from django.conf import settings
from django.utils import translation

from consult.models import CivilSocietyRepresentative, FocalPoint, RegionalCoordinator
from consult.services.accounts import secretariat_group

from . import chromium  # noqa: F401  (sets DJANGO_ALLOW_ASYNC_UNSAFE before any browser test)
from .factories import make_grouping, make_member_state, make_open_consultation, make_organisation, make_user


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(
            f"The tests run on PostgreSQL: set DATABASE_URL=postgres://... (the database engine is {engine})."
        )
    if not os.environ.get("REDIS_URL"):
        raise pytest.UsageError("The tests run on Redis: set REDIS_URL=redis://127.0.0.1:6379/0.")
    # Uploads and built reports go to a folder of the run's own, never the checkout's media/.
    # The environment too: the Celery workers and web nodes the tests start share it.
    settings.MEDIA_ROOT = os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="consult-test-media-")
    # Hashing passwords the production way costs a third of a second per person made.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test calls from 127.0.0.1: the API's rates are tested on their own (tests/test_api_reads.py).
    settings.API_RATE_ANONYMOUS = settings.API_RATE_PERSON = "100000/minute"


@pytest.fixture(autouse=True)
def english_interface():
    """Start every test in English: a request in another language leaves it active in the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def officer(db):
    """A secretariat officer."""
    user = make_user("officer", first_name="Olga", last_name="Secretariat", is_staff=True)
    user.groups.add(secretariat_group())
    return user


@pytest.fixture
def france(db):
    return make_member_state("FRA")


@pytest.fixture
def senegal(db):
    return make_member_state("SEN")


@pytest.fixture
def focal_point_france(france):
    user = make_user("fp-france", first_name="Fabienne")
    FocalPoint.objects.create(user=user, member_state=france, role=FocalPoint.Role.SUBMITTER)
    return user


@pytest.fixture
def focal_point_senegal(senegal):
    user = make_user("fp-senegal", first_name="Souleymane")
    FocalPoint.objects.create(user=user, member_state=senegal, role=FocalPoint.Role.DRAFTER)
    return user


@pytest.fixture
def civil_society_rep(db):
    user = make_user("cso-rep", first_name="Chidi")
    organisation = make_organisation(name="Diaspora Forum", accreditation="accredited", country="FR")
    CivilSocietyRepresentative.objects.create(user=user, organisation=organisation)
    return user


@pytest.fixture
def coordinator_africa(senegal):
    user = make_user("coord-africa", first_name="Amina")
    RegionalCoordinator.objects.create(user=user, grouping=make_grouping("m49-002"))
    return user


@pytest.fixture
def reviewer_france(france):
    user = make_user("reviewer-france", first_name="Romain")
    FocalPoint.objects.create(user=user, member_state=france, role=FocalPoint.Role.REVIEWER)
    return user


@pytest.fixture
def drafter_france(france):
    user = make_user("drafter-france", first_name="Delphine")
    FocalPoint.objects.create(user=user, member_state=france, role=FocalPoint.Role.DRAFTER)
    return user


@pytest.fixture
def consultation(db):
    """An open consultation in English with two areas of two recommendations and its questions."""
    return make_open_consultation(slug="hld", title="High-Level Dialogue consultation")


@pytest.fixture
def outsider(db):
    return make_user("outsider", first_name="Oscar")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """Start a real Celery worker on Redis, pointed at the test database; stop it afterwards."""
    from .workers import running_worker

    with running_worker(settings.DATABASES["default"]) as worker:
        yield worker


@pytest.fixture(scope="session")
def browser():
    """The session's one headless Chromium (tests/chromium.py), for tests/browser/ and tests/security/."""
    from .chromium import chromium_launched

    with chromium_launched() as launched:
        yield launched
