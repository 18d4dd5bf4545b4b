"""PostgreSQL stops under a running site and comes back: nothing acknowledged is lost.

The site runs as in production (gunicorn, DEBUG off, persistent connections with health
checks) on a PostgreSQL cluster of the test's own, so that stopping it touches nothing else.
K organisations submit their responses; PostgreSQL is shut down at once (`pg_ctl -m
immediate`); every request meanwhile gets a 503 page or, for an autosave, 503 JSON, never a
500; PostgreSQL restarts, and the site serves again with all K submissions there.
"""

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import InterfaceError, OperationalError

from consult.middleware import DatabaseUnavailableMiddleware

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SUBMISSIONS = 10
SECRET_KEY = "postgres-restart-test-" + "x" * 32
FETCH = {"X-Requested-With": "fetch", "Accept": "application/json"}



def require_server_binaries() -> None:
    """Fail, never skip, without PostgreSQL's server programs: the test must not pass by not running."""
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"No PostgreSQL server binaries in {PG_BIN}: install postgresql or set PG_BIN.")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(command: list[str]) -> list[str]:
    # initdb refuses to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    """A PostgreSQL cluster in a temporary folder, on a port of its own."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/consult"

    def pg_ctl(self, *arguments):
        subprocess.run(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), *arguments]),
                       check=True, capture_output=True)

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self.pg_ctl("-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def stop_immediately(self):
        self.pg_ctl("-m", "immediate", "stop")


@pytest.fixture
def cluster():
    require_server_binaries()
    folder = Path(tempfile.mkdtemp(prefix="consult-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    subprocess.run(as_postgres([str(PG_BIN / "initdb"), "-D", str(folder / "data"), "-U", "postgres",
                                "--auth=trust"]), check=True, capture_output=True)
    cluster = Cluster(folder)
    cluster.start()
    subprocess.run(as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port),
                                "-U", "postgres", "consult"]), check=True, capture_output=True)
    try:
        yield cluster
    finally:
        try:
            cluster.stop_immediately()
        except subprocess.CalledProcessError:
            pass  # Already stopped.
        shutil.rmtree(folder, ignore_errors=True)


def site_environment(cluster: Cluster) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": cluster.url,
        "CONN_MAX_AGE": "60",
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def in_django(cluster: Cluster, call: str):
    """Run `call` (an expression of this module) in a Django process on the cluster; return its JSON."""
    code = (
        "import django, json; django.setup(); from tests.resilience import test_postgres_restart as t; "
        f"print(json.dumps({call}))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=site_environment(cluster),
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def seed(count: int) -> list[dict]:
    """Make `count` organisations answering an open consultation; return each one's position and session."""
    from django.test import Client

    from consult.models import CivilSocietyRepresentative
    from consult.services.positions import position_for
    from surveys.models import Answer
    from tests.factories import make_open_consultation, make_organisation, make_user

    consultation = make_open_consultation(slug="restart", title="Restart consultation")
    people = []
    for number in range(count):
        user = make_user(f"cso-{number}")
        organisation = make_organisation(name=f"Organisation {number}", accreditation="accredited", country="FR")
        CivilSocietyRepresentative.objects.create(user=user, organisation=organisation)
        position = position_for(consultation=consultation, organisation=organisation, actor=user)
        for question in position.response.survey.questions.filter(is_current=True, required=True):
            Answer.objects.create(response=position.response, question=question, choice=question.choices.first())
        client = Client()
        client.force_login(user)
        people.append({"position": str(position.pk), "session": client.cookies["sessionid"].value})
    return people


def submitted(position_ids: list[str]) -> dict:
    from consult.models import Position

    rows = Position.objects.filter(pk__in=position_ids, status=Position.Status.SUBMITTED)
    return {str(pk): receipt for pk, receipt in rows.values_list("pk", "receipt_number")}


@contextmanager
def gunicorn(cluster: Cluster):
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}",
               "-w", "2", "--timeout", "60", "--graceful-timeout", "5"]
    process = subprocess.Popen(command, cwd=ROOT, env=site_environment(cluster),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield Site(port)
    finally:
        process.terminate()
        _output, errors = process.communicate(timeout=30)
        # The stack traces of the outage go to the log, never to the people.
        assert "Internal Server Error" not in errors, errors[-3000:]


class Site:
    """HTTP to the site as one person, keeping their cookies."""

    def __init__(self, port: int):
        self.port = port

    def request(self, method, path, cookies, data=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()), **(headers or {})}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": cookies["csrftoken"]})
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";")[0].split("=", 1)
            cookies[name] = value
        connection.close()
        return response.status, response.headers, content


def section_path(person, code="1"):
    return f"/positions/{person['position']}/areas/{code}/"


def submit_path(person):
    return f"/positions/{person['position']}/submit/"


def submit(site, person) -> int:
    cookies = {"sessionid": person["session"]}
    status, _headers, content = site.request("GET", section_path(person), cookies)  # Also for the CSRF cookie.
    assert status == 200, (status, _headers, content[:2000])
    status, headers, _content = site.request("POST", submit_path(person), cookies,
                                             {"submission_key": str(uuid.uuid4())})
    assert (status, headers["Location"]) == (302, f"/positions/{person['position']}/"), status
    # Acknowledged: the next page says "Submitted. Your receipt number is ...".
    status, _headers, content = site.request("GET", headers["Location"], cookies)
    page = content.decode()
    assert status == 200 and "Your receipt number is" in page, page[page.find("alert"):][:1500]
    return status


def test_a_postgres_restart_loses_no_acknowledged_submission_and_answers_503_meanwhile(cluster):
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=site_environment(cluster),
                   check=True, capture_output=True)
    people = in_django(cluster, f"t.seed({SUBMISSIONS + 1})")
    earlier, later = people[:SUBMISSIONS], people[SUBMISSIONS]

    with gunicorn(cluster) as site:
        acknowledged = [submit(site, person) for person in earlier]
        person = {"sessionid": later["session"]}
        assert site.request("GET", section_path(later), person)[0] == 200  # Connections open and persistent.

        cluster.stop_immediately()
        outage = [
            site.request("GET", section_path(later), person),
            site.request("GET", f"/positions/{later['position']}/", person),
            site.request("POST", section_path(later), person, {"version": "0", "1.1-practices": "Typed"}, FETCH),
            site.request("POST", section_path(later), person, {"version": "0", "1.1-practices": "Typed"}),
            site.request("POST", submit_path(later), person, {"submission_key": str(uuid.uuid4())}),
            site.request("GET", "/", person),
        ]
        statuses = [status for status, _headers, _content in outage]
        assert statuses == [503] * len(outage)
        # A page that needs no database (the login form, for someone logged out) is still served.
        login_page = site.request("GET", "/accounts/login/", {})
        assert login_page[0] == 200
        outage.append(login_page)
        statuses.append(login_page[0])
        for status, headers, content in outage:
            text = content.decode()
            assert "Traceback" not in text and "OperationalError" not in text
            if status == 200:
                continue
            if headers["Content-Type"].startswith("application/json"):
                assert "Not saved yet" in json.loads(text)["error"]
            else:
                assert "Temporarily unavailable" in text and headers["Retry-After"]

        restarted = time.monotonic()
        cluster.start()
        started = time.monotonic() - restarted
        while site.request("GET", section_path(later), person)[0] != 200:
            assert time.monotonic() - restarted < 60, "The site did not recover within 60 s."
            time.sleep(0.1)
        recovery = time.monotonic() - restarted
        submit(site, later)

    receipts = in_django(cluster, f"t.submitted({[person['position'] for person in people]!r})")
    assert len(receipts) == SUBMISSIONS + 1 and all(receipts.values())
    print(f"\nK={len(acknowledged)} acknowledged submissions; {len(outage)} requests during the outage answered "
          f"{statuses}; PostgreSQL up in {started:.2f} s (crash recovery), the site serving again "
          f"{recovery:.2f} s after the restart began; "
          f"{len(receipts)} submitted positions after the restart.")


# Without the database fixture, any query here would fail the test: the 503 answers need none.
def test_a_database_error_becomes_a_503_page_that_needs_no_database(rf):
    middleware = DatabaseUnavailableMiddleware(lambda request: None)

    response = middleware.process_exception(rf.get("/"), OperationalError("connection refused"))

    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()
    assert response["Retry-After"]


def test_an_autosave_during_the_outage_gets_503_json(rf):
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = rf.post("/", {"1.1-practices": "Typed"}, headers={"X-Requested-With": "fetch"})

    response = middleware.process_exception(request, InterfaceError("connection already closed"))

    assert response.status_code == 503
    assert json.loads(response.content)["error"].startswith("Not saved yet")


def test_other_errors_are_left_to_the_usual_handling(rf):
    assert DatabaseUnavailableMiddleware(lambda request: None).process_exception(rf.get("/"), ValueError()) is None
