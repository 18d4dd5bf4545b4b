"""Public forms take as long for an address that has an account as for one that has none.

The probe told accounts apart by time alone: registering an existing address answered in 11-14 ms,
a new one in 379-846 ms, as only the new one hashed a password; a password reset mailed in the
request, for an existing address only. Here both kinds are tried in turn
with the production password hasher, and their medians must be within 2x of each other (the
figures print with `pytest -s`; TIMING_RUNS sets the number of tries of each, default 9).
"""

import os
import statistics
import time

import pytest
from django.conf import global_settings
from django.core.cache import cache
from django.urls import reverse

from ..factories import make_user
from ..workers import SmtpSink

RUNS = int(os.environ.get("TIMING_RUNS", "9"))
PASSWORD = "a long unusual passphrase 42"


@pytest.fixture(autouse=True)
def production_hasher(settings, db):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


def timed(send) -> float:
    cache.clear()  # The rate limits would refuse the second try within the minute.
    started = time.perf_counter()
    response = send()
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed


def compare(label, known: list[float], unknown: list[float]) -> None:
    first, second = statistics.median(known), statistics.median(unknown)
    print(f"\n{label}: known address median {first * 1000:.0f} ms, unknown {second * 1000:.0f} ms "
          f"({RUNS} runs each)")
    assert max(first, second) < 2 * min(first, second)


def register(client, email, number):
    data = {
        "name": f"Diaspora network {number}", "country": "SN", "type": "migrant", "website": "",
        "contact_name": "Awa Diop", "email": email, "password1": PASSWORD, "password2": PASSWORD, "website_url": "",
    }
    return client.post(reverse("consult:organisation-register"), data)


def test_registration_takes_as_long_for_an_existing_address(client):
    make_user(username="known@reseau.example", email="known@reseau.example")
    known, unknown = [], []
    for number in range(RUNS):
        known.append(timed(lambda: register(client, "known@reseau.example", number)))
        unknown.append(timed(lambda: register(client, f"new{number}@reseau.example", number)))

    compare("registration", known, unknown)


def test_password_reset_takes_as_long_for_an_existing_address(client, settings):
    """A mail server that takes 50 ms a message: mailing in the request made an existing address slower."""
    make_user(username="amina", email="amina@example.org")
    reset = reverse("password_reset")
    known, unknown = [], []
    with SmtpSink(delay=0.05) as sink:
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                        "OPTIONS": {"host": "127.0.0.1", "port": sink.port}}}
        for number in range(RUNS):
            known.append(timed(lambda: client.post(reset, {"email": "amina@example.org"})))
            unknown.append(timed(lambda: client.post(reset, {"email": f"nobody{number}@example.org"})))

    compare("password reset", known, unknown)
