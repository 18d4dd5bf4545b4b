"""A submission posted many times at once acts once: the submission key, against real concurrency.

Each request runs in its own thread with its own database connection, all released at once by
a barrier, so that they meet in PostgreSQL as a double click or a client's retries would.
"""

import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.messages import get_messages
from django.db import connections
from django.test import Client
from django.urls import reverse

from consult.models import Position, PositionEvent, SubmissionKey
from consult.services.positions import position_for
from consult.services.workflow import position_reopen
from surveys.models import Answer, ResponseSection

from ..test_workflow import reviewed

pytestmark = pytest.mark.django_db(transaction=True)

CONCURRENT = 16
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def concurrently(clients, send):
    """Call send(client) for every client, each in its own thread, all started at the same moment."""
    barrier = threading.Barrier(len(clients))

    def run(client):
        try:
            barrier.wait()
            return send(client)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(run, clients))


def logged_in_clients(user, count=CONCURRENT):
    clients = [Client() for _index in range(count)]
    for client in clients:
        client.force_login(user)
    return clients


def said(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def section_url(position, code="1"):
    return reverse("consult:position-section", args=[position.pk, code])


def page_answers(key, text="A national diaspora strategy since 2010.", **extra):
    return {"version": "0", "1-overall": "support", "1.1-practices": text, "submission_key": str(key), **extra}


def saved_texts(position):
    return list(Answer.objects.filter(response=position.response, question__code="1.1-practices").values_list("text"))


def page_version(position, code="1"):
    return ResponseSection.objects.get(response=position.response, section__code=code).version


@pytest.fixture
def position(consultation, france, focal_point_france):
    return position_for(consultation=consultation, member_state=france, actor=focal_point_france)


def test_sixteen_concurrent_submissions_make_one_receipt_and_one_event(
    consultation, france, drafter_france, focal_point_france, officer
):
    position = reviewed(consultation, france, drafter_france)
    url = reverse("consult:position-submit", args=[position.pk])
    form = {"on_behalf_confirmed": "on", "submission_key": str(uuid.uuid4())}

    responses = concurrently(logged_in_clients(focal_point_france), lambda client: client.post(url, form))

    position.refresh_from_db()
    assert position.status == Position.Status.SUBMITTED
    detail = reverse("consult:position-detail", args=[position.pk])
    assert {(response.status_code, response.url) for response in responses} == {(302, detail)}
    # Every request is told the one receipt number: the first made it, the others read it.
    assert {said(response) for response in responses} == {
        f"Submitted. Your receipt number is {position.receipt_number}."
    }
    assert position.events.filter(action=PositionEvent.Action.SUBMITTED).count() == 1
    assert SubmissionKey.objects.filter(position=position, purpose="submit").count() == 1
    print(f"\n{CONCURRENT} concurrent submits -> statuses {sorted({r.status_code for r in responses})}, "
          f"receipts {[position.receipt_number]}, submitted events 1")

    # The same form replayed with other content is refused, and nothing changes.
    client = logged_in_clients(focal_point_france, 1)[0]
    response = client.post(url, {**form, "on_behalf_confirmed": "true"})
    assert "already sent with other content" in said(response)
    # Replayed after the secretariat reopened the position, it does not pretend to submit it.
    position_reopen(position=position, actor=officer, reason="A figure is wrong.")
    response = client.post(url, form)
    assert "already sent, and the position has changed since" in said(response)
    position.refresh_from_db()
    assert position.status == Position.Status.REOPENED
    assert position.events.filter(action=PositionEvent.Action.SUBMITTED).count() == 1


def test_sixteen_concurrent_identical_autosaves_bump_the_version_once(position, focal_point_france):
    key = uuid.uuid4()

    responses = concurrently(
        logged_in_clients(focal_point_france),
        lambda client: client.post(section_url(position), page_answers(key), **FETCH),
    )

    assert {response.status_code for response in responses} == {200}
    assert {(response.json()["version"], response.json()["saved_at"]) for response in responses} == {
        (1, responses[0].json()["saved_at"])
    }
    assert page_version(position) == 1
    assert position.events.filter(action=PositionEvent.Action.SAVED).count() == 1
    print(f"\n{CONCURRENT} concurrent identical autosaves with one key -> version {page_version(position)}")

    # The key posted again with other text: 409 with the reason, and the saved page unchanged.
    response = client_post(focal_point_france, position, page_answers(key, "Other text."), **FETCH)
    assert response.status_code == 409
    assert "already sent with other content" in response.json()["error"]
    assert saved_texts(position) == [("A national diaspora strategy since 2010.",)]
    assert page_version(position) == 1


def test_sixteen_concurrent_identical_form_saves_redirect_alike_and_save_once(position, focal_point_france):
    form = page_answers(uuid.uuid4(), action="next")

    clients = logged_in_clients(focal_point_france)
    responses = concurrently(clients, lambda client: client.post(section_url(position), form))

    assert {(response.status_code, response.url) for response in responses} == {(302, section_url(position, "2"))}
    assert len({said(response) for response in responses}) == 1
    assert page_version(position) == 1

    # The form sent again with other answers: shown again with the reason and the person's text.
    response = client_post(focal_point_france, position, {**form, "1.1-practices": "Changed my mind."})
    assert response.status_code == 409
    page = response.content.decode()
    assert "already sent with other content" in page
    assert "Changed my mind." in page
    assert f'value="{form["submission_key"]}"' not in page  # A fresh key, to send it again.
    assert saved_texts(position) == [("A national diaspora strategy since 2010.",)]


def test_without_a_key_saves_behave_as_before(position, focal_point_france):
    """Old pages and API clients post no key: each identical save goes through, as it always did."""
    form = page_answers("")
    del form["submission_key"]

    responses = concurrently(
        logged_in_clients(focal_point_france),
        lambda client: client.post(section_url(position), form, **FETCH),
    )

    assert {response.status_code for response in responses} == {200}
    assert page_version(position) == CONCURRENT
    assert not SubmissionKey.objects.exists()
    print(f"\n{CONCURRENT} concurrent identical autosaves without a key -> version {page_version(position)}")


@pytest.mark.parametrize("page", ["position-section", "position-submit"])
def test_a_page_shows_a_fresh_key_each_time(consultation, france, drafter_france, focal_point_france, page):
    position = reviewed(consultation, france, drafter_france)
    url = section_url(position) if page == "position-section" else reverse(f"consult:{page}", args=[position.pk])
    client = logged_in_clients(focal_point_france, 1)[0]
    keys = [submission_key_in(client.get(url).content.decode()) for _time in range(2)]
    assert keys[0] != keys[1]
    assert all(uuid.UUID(key).version == 4 for key in keys)


def submission_key_in(page: str) -> str:
    field = re.search(r'<input type="hidden" name="submission_key" value="([^"]+)"[^>]*>', page)
    return field.group(1)


def client_post(user, position, data, **extra):
    client = logged_in_clients(user, 1)[0]
    return client.post(section_url(position), data, **extra)


def test_keys_older_than_their_lifetime_are_expired_and_recent_ones_kept(db, consultation, civil_society_rep):
    from datetime import timedelta

    from django.utils import timezone

    from consult.services.submissions import KEY_LIFETIME, submission_keys_expire
    from consult.tasks import submission_keys_expire_task

    organisation = civil_society_rep.representations.get().organisation
    position = position_for(consultation=consultation, organisation=organisation, actor=civil_society_rep)
    old, recent = (SubmissionKey.objects.create(key=uuid.uuid4(), position=position, purpose="submit", digest="d")
                   for _ in range(2))
    SubmissionKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - KEY_LIFETIME - timedelta(minutes=1))

    assert submission_keys_expire() == 1
    assert list(SubmissionKey.objects.values_list("pk", flat=True)) == [recent.pk]
    assert submission_keys_expire_task() == "0 submission keys expired."
