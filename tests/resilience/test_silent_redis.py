"""A Redis that accepts connections and never answers (a hung server, a half-open network path).

The cache gives up after its socket timeouts (config/settings.py), and a request that saw the
cache time out once does not wait on it again: its later counts are let through, so a page that
counts several limits answers in about one timeout rather than one per limit.
"""

import logging
import socket
import threading
import time

import pytest
from django.test import override_settings
from django.urls import reverse

from consult.models import CivilSocietyOrganisation

from ..factories import make_user

PASSWORD = "a long unusual passphrase 42"
# The cache waits at most 1 s to connect and 2 s for an answer; a page may wait once, plus its work.
PAGE_LIMIT_SECONDS = 4.0


class SilentRedis:
    """A TCP server on the loopback that accepts every connection and never sends a byte."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:  # Closed by stop().
                return
            self.accepted.append(connection)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.listener.close()
        for connection in self.accepted:
            connection.close()

    def caches(self):
        from django.conf import settings

        options = settings.CACHES["default"].get("OPTIONS", {})
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                            "LOCATION": f"redis://127.0.0.1:{self.port}/0", "OPTIONS": options}}


@pytest.fixture
def silent_redis():
    with SilentRedis() as server, override_settings(CACHES=server.caches()):
        yield server


def timed_post(client, url, data, ip):
    started = time.monotonic()
    response = client.post(url, data, REMOTE_ADDR=ip)
    return response, time.monotonic() - started


def test_the_cache_settings_give_up_on_a_silent_redis(settings):
    options = settings.CACHES["default"]["OPTIONS"]
    assert options["socket_connect_timeout"] == 1
    assert options["socket_timeout"] == 2


# Transactional: the registration's commit runs its on-commit work (the audit seal asks the cache too).
@pytest.mark.django_db(transaction=True)
def test_registration_answers_within_one_timeout_when_redis_is_silent(client, silent_redis, caplog):
    data = {
        "name": "Réseau des migrants", "country": "SN", "type": "migrant", "website": "",
        "contact_name": "Awa Diop", "email": "contact@reseau.example",
        "password1": PASSWORD, "password2": PASSWORD, "website_url": "",
    }
    with caplog.at_level(logging.WARNING, logger="consult.services.rate_limits"):
        response, seconds = timed_post(client, reverse("consult:organisation-register"), data, "198.51.100.80")

    print(f"\nregistration against a silent Redis: {seconds:.2f} s")
    assert response.status_code == 302
    assert CivilSocietyOrganisation.objects.count() == 1
    assert silent_redis.accepted, "the cache never tried the silent server"
    assert "Rate limit not applied" in caplog.text
    assert seconds < PAGE_LIMIT_SECONDS


@pytest.mark.django_db
def test_log_in_answers_within_one_timeout_when_redis_is_silent(client, silent_redis):
    make_user("amina")
    response, seconds = timed_post(
        client, reverse("login"), {"username": "amina", "password": "correct horse battery staple"}, "198.51.100.81"
    )

    print(f"\nlog-in against a silent Redis: {seconds:.2f} s")
    assert response.status_code == 302
    assert seconds < PAGE_LIMIT_SECONDS


@pytest.mark.django_db
def test_the_api_lets_calls_through_within_one_timeout_when_redis_is_silent(client, silent_redis, settings):
    settings.API_RATE_ANONYMOUS = "1/minute"  # Would refuse the second call, were it counted.
    started = time.monotonic()
    statuses = [client.get("/api/v1/consultations/", REMOTE_ADDR="198.51.100.83").status_code for _ in range(2)]
    seconds = time.monotonic() - started

    print(f"\ntwo API calls against a silent Redis: {seconds:.2f} s")
    assert statuses == [200, 200]
    assert silent_redis.accepted
    assert seconds < 2 * PAGE_LIMIT_SECONDS


@pytest.mark.django_db
def test_password_reset_answers_within_one_timeout_when_redis_is_silent(client, silent_redis):
    make_user("amina")
    response, seconds = timed_post(client, reverse("password_reset"), {"email": "amina@example.org"}, "198.51.100.82")

    print(f"\npassword reset against a silent Redis: {seconds:.2f} s")
    assert response.status_code == 302
    assert seconds < PAGE_LIMIT_SECONDS
