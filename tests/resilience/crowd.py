"""Many civil society respondents submitting through the real site, and the check of invariant I.

Invariant I: every submission the server acknowledged exists exactly once in the database, and
the stored figures equal a fresh count of the submitted answers.
"""

import http.client
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.db.models import Count, Q

from consult.models import (
    Aggregate,
    CivilSocietyOrganisation,
    CivilSocietyRepresentative,
    Position,
    PositionEvent,
    Publication,
)
from consult.services.aggregation import aggregates_rebuild
from surveys.models import Answer, Question, Response

from ..factories import make_member_state, make_open_consultation, make_user

COUNTRIES = ["FR", "SN", "FR", "SN", "BR"]  # Brazil is no member state here: its answers count in the world only.
FIGURE_FIELDS = ("audience", "grouping_id", "question_code", "choice_value", "respondents", "count", "share", "mean",
                 "median", "mean_rank", "first_place_share")


def crowd_consultation():
    make_member_state("FRA")
    make_member_state("SEN")
    return make_open_consultation(slug="crowd", title="Crowd consultation", areas=1, recommendations=1)


def crowd_make(consultation, *, size: int, people: int, prefix: str = "crowd") -> dict:
    """Give `people` representatives `size` accredited organisations between them, each with a complete draft.

    Return {user: [position ids]}.
    """
    survey = consultation.questionnaires.get(audience="civil_society").survey
    questions = list(
        survey.questions.filter(is_current=True, required=True).exclude(type=Question.Type.LONG_TEXT)
        .prefetch_related("choices")
    )
    users = [make_user(f"{prefix}-{number}", first_name=f"{prefix} {number}") for number in range(people)]
    organisations = CivilSocietyOrganisation.objects.bulk_create(
        CivilSocietyOrganisation(name=f"{prefix} organisation {number}", country=COUNTRIES[number % len(COUNTRIES)],
                                 type=CivilSocietyOrganisation.Type.NGO,
                                 accreditation=CivilSocietyOrganisation.Accreditation.ACCREDITED)
        for number in range(size)
    )
    CivilSocietyRepresentative.objects.bulk_create(
        CivilSocietyRepresentative(user=users[number % people], organisation=organisation)
        for number, organisation in enumerate(organisations)
    )
    responses = Response.objects.bulk_create(Response(survey=survey) for _ in range(size))
    positions = Position.objects.bulk_create(
        Position(consultation=consultation, audience="civil_society", response=response, organisation=organisation,
                 publication=Publication.ATTRIBUTED)
        for response, organisation in zip(responses, organisations)
    )
    Answer.objects.bulk_create(
        (
            Answer(response=response, question=question, choice=choices[(number * 7 + index) % len(choices)])
            for number, response in enumerate(responses)
            for index, (question, choices) in enumerate((q, list(q.choices.all())) for q in questions)
        ),
        batch_size=5000,
    )
    owned = {user: [] for user in users}
    for number, position in enumerate(positions):
        owned[users[number % people]].append(position.pk)
    return owned


def session_for(user) -> str:
    """Return the key of a logged-in session of the user, as a log-in would have made it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


@dataclass
class Tally:
    """What the respondents saw, added up across their threads."""

    accepted: int = 0
    retries: int = 0
    submitted: list = field(default_factory=list)  # the ids of the positions whose submission was acknowledged
    refused: list = field(default_factory=list)  # (status or error, path)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts):
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def refuse(self, what, path):
        with self.lock:
            self.refused.append((what, path))


class Respondent:
    """One person in a browser: a session cookie, a CSRF cookie, pages fetched and forms posted over HTTP.

    Given several sites (web nodes), each request goes to the next one in turn, as a proxy
    without sticky sessions would send them: a page is loaded from one node, posted to another.
    """

    def __init__(self, base_url: str | list[str], session_key: str):
        self.nodes = [urlsplit(url) for url in ([base_url] if isinstance(base_url, str) else base_url)]
        self.turn = 0
        self.cookies = {"sessionid": session_key}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        node = self.nodes[self.turn % len(self.nodes)]
        self.turn += 1
        server = http.client.HTTPConnection(node.hostname, node.port, timeout=60)
        try:
            server.request(method, path, body=body, headers=headers)
            response = server.getresponse()
            text = response.read().decode()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    if name in ("csrftoken", "sessionid"):
                        self.cookies[name] = rest.split(";", 1)[0]
            return response.status, text
        finally:
            server.close()

    def submit(self, position_id, tally: Tally, *, replay: bool = False) -> None:
        """Open the position's submit page and post its form (twice, as a client retry, if `replay`)."""
        path = f"/positions/{position_id}/submit/"
        status, page = self.request("GET", path)
        if status != 200:
            tally.refuse(status, path)
            return
        form = {name: hidden(page, name) for name in ("csrfmiddlewaretoken", "submission_key")}
        for attempt in range(2 if replay else 1):
            try:
                status, _ = self.request("POST", path, form)
            except OSError as error:
                tally.refuse(repr(error), path)
                continue
            if status >= 400:
                tally.refuse(status, path)
            elif attempt == 0:
                tally.add(accepted=1)
                with tally.lock:
                    tally.submitted.append(position_id)
            else:
                tally.add(retries=1)


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page) or re.search(rf'value="([^"]*)" name="{name}"', page)
    return match.group(1) if match else ""


def submit_all(base_url: str | list[str], owned: dict, *, concurrency: int, replay_every: int = 20, stop=None,
               pause=0.0, tally=None) -> Tally:
    """Have the respondents submit all their positions, `concurrency` at once; 1 in `replay_every` is posted twice.

    With several sites, each respondent's requests go to them in turn (Respondent).

    Stop early when `stop` is set; each thread waits `pause` seconds between submissions.
    """
    tally = tally or Tally()
    work = [(user, position_id) for user, ids in owned.items() for position_id in ids]
    sessions = {user: session_for(user) for user in owned}
    if threading.current_thread() is not threading.main_thread():
        connection.close()  # This thread's connection would outlive the test database otherwise.
    cursor = iter(enumerate(work))
    lock = threading.Lock()

    def run():
        respondents = {}
        while stop is None or not stop.is_set():
            with lock:
                item = next(cursor, None)
            if item is None:
                return
            number, (user, position_id) = item
            respondent = respondents.setdefault(user, Respondent(base_url, sessions[user]))
            respondent.submit(position_id, tally, replay=number % replay_every == 0)
            time.sleep(pause)

    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def stored_figures(consultation) -> list:
    return sorted(Aggregate.objects.filter(consultation=consultation).values_list(*FIGURE_FIELDS), key=repr)


def fresh_figures(consultation) -> list:
    """Return the figures a recount would store now, leaving the stored ones as they are."""
    with transaction.atomic():
        aggregates_rebuild(consultation=consultation)
        figures = stored_figures(consultation)
        transaction.set_rollback(True)
    return figures


def figures_are_right(consultation) -> bool:
    return stored_figures(consultation) == fresh_figures(consultation)


def submissions_check(consultation, acknowledged) -> dict:
    """Return how many positions are submitted, and how many acknowledged ones were lost or submitted twice."""
    positions = Position.objects.filter(consultation=consultation, pk__in=set(acknowledged)).annotate(
        submissions=Count("events", filter=Q(events__action=PositionEvent.Action.SUBMITTED))
    )
    return {
        "submitted": positions.filter(status=Position.Status.SUBMITTED, response__status="submitted").count(),
        "lost": positions.exclude(status=Position.Status.SUBMITTED, submissions=1, response__status="submitted")
        .count(),
        "duplicated": positions.filter(submissions__gt=1).count(),
    }


def wait_until(condition, timeout, interval=1.0):
    """Return the seconds it took condition() to hold, or None if it did not within timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(interval)
    return None
