"""Abuse of the public forms: rate limits per address (and per e-mail or link), log-in lockouts, Redis down.

Counts live in Redis (the test cache), as in production; each test starts from an empty cache.
"""

import hashlib
import logging
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from consult.models import CivilSocietyOrganisation, Invitation, OutboxTask
from consult.services import rate_limits
from consult.services.password_reset import PASSWORD_RESET_TASK

from ..factories import make_consultation, make_user

PASSWORD = "a long unusual passphrase 42"
CHECKS = []  # (form, attempt, expected status): counted and printed at the end of the module.


@pytest.fixture(autouse=True)
def empty_cache(db):
    cache.clear()
    yield
    cache.clear()


def attempt(client, form, url, data, ip, expected, **headers):
    """POST as the address; check the status (never a server error) and record the check."""
    response = client.post(url, data, REMOTE_ADDR=ip, **headers)
    assert response.status_code < 500, f"{form}: server error {response.status_code}"
    assert response.status_code == expected, f"{form} from {ip}: {response.status_code}, expected {expected}"
    if expected == 429:
        assert int(response["Retry-After"]) > 0
    CHECKS.append((form, ip, expected))
    return response


def registration(number=0, email=None):
    return {
        "name": f"Réseau des migrants {number}", "country": "SN", "type": "migrant", "website": "",
        "contact_name": "Awa Diop", "email": email or f"contact{number}@reseau.example",
        "password1": PASSWORD, "password2": PASSWORD, "website_url": "",
    }


REGISTER = reverse("consult:organisation-register")
RESET = reverse("password_reset")


def expired_invitation_link(officer, france):
    token = f"abuse-{time.monotonic_ns()}"
    Invitation.objects.create(
        consultation=make_consultation(), member_state=france, email="marie@diplomatie.example", name="Marie", invited_by=officer,
        token_hash=hashlib.sha256(token.encode()).hexdigest(), expires_at=timezone.now() - timedelta(days=1),
    )
    return reverse("consult:invitation-request-new", args=[token])


# Registration


def test_a_second_registration_from_one_address_within_a_minute_gets_429_and_others_are_unaffected(client):
    attempt(client, "registration", REGISTER, registration(1), "198.51.100.1", 302)
    attempt(client, "registration", REGISTER, registration(2), "198.51.100.1", 429)
    attempt(client, "registration", REGISTER, registration(3), "198.51.100.2", 302)

    assert CivilSocietyOrganisation.objects.count() == 2


def test_the_sixth_registration_from_one_address_within_the_hour_gets_429(client, monkeypatch):
    # Without the one-a-minute limit, which a test cannot wait out five times.
    monkeypatch.setitem(rate_limits.LIMITS, "registration", (("ip", 5, 3600),))
    for number in range(5):
        attempt(client, "registration", REGISTER, registration(number), "198.51.100.3", 302)

    attempt(client, "registration", REGISTER, registration(6), "198.51.100.3", 429)
    attempt(client, "registration", REGISTER, registration(7), "198.51.100.4", 302)


def test_a_forged_x_forwarded_for_does_not_escape_the_limit(client):
    attempt(client, "registration", REGISTER, registration(1), "198.51.100.5", 302, HTTP_X_FORWARDED_FOR="10.9.9.1")
    attempt(client, "registration", REGISTER, registration(2), "198.51.100.5", 429, HTTP_X_FORWARDED_FOR="10.9.9.2")


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_client_is_the_address_the_proxy_appended(client):
    proxy = "10.0.0.1"
    # The client wrote the first address itself; the proxy appended the one it saw.
    attempt(client, "registration", REGISTER, registration(1), proxy, 302,
            HTTP_X_FORWARDED_FOR="6.6.6.1, 203.0.113.10")
    attempt(client, "registration", REGISTER, registration(2), proxy, 429,
            HTTP_X_FORWARDED_FOR="6.6.6.2, 203.0.113.10")
    attempt(client, "registration", REGISTER, registration(3), proxy, 302, HTTP_X_FORWARDED_FOR="203.0.113.11")


def test_a_limit_is_lifted_when_its_window_ends(client, monkeypatch):
    monkeypatch.setitem(rate_limits.LIMITS, "registration", (("ip", 1, 1),))
    attempt(client, "registration", REGISTER, registration(1), "198.51.100.6", 302)
    attempt(client, "registration", REGISTER, registration(2), "198.51.100.6", 429)

    time.sleep(1.5)

    attempt(client, "registration", REGISTER, registration(3), "198.51.100.6", 302)


# Password reset


def reset_requests() -> list[str]:
    """Return the addresses whose reset mail waits for a worker (tests/security/test_password_reset.py)."""
    return sorted(row.args[0] for row in OutboxTask.objects.filter(task_name=PASSWORD_RESET_TASK))


def test_password_reset_is_limited_per_address_and_reveals_no_account(client):
    make_user("amina")
    attempt(client, "password reset", RESET, {"email": "amina@example.org"}, "198.51.100.10", 302)
    attempt(client, "password reset", RESET, {"email": "nobody@example.org"}, "198.51.100.10", 429)
    attempt(client, "password reset", RESET, {"email": "nobody@example.org"}, "198.51.100.11", 302)

    # The page mails nothing itself: it asks a worker, which mails only an address with an account.
    assert reset_requests() == ["amina@example.org", "nobody@example.org"]


def test_password_reset_mails_to_one_address_are_limited_from_any_number_of_addresses(client):
    make_user("amina")
    for number in range(3):
        attempt(client, "password reset", RESET, {"email": "amina@example.org"}, f"198.51.100.{20 + number}", 302)

    attempt(client, "password reset", RESET, {"email": "AMINA@example.org"}, "198.51.100.30", 429)
    attempt(client, "password reset", RESET, {"email": "oscar@example.org"}, "198.51.100.31", 302)
    assert reset_requests() == ["amina@example.org", "oscar@example.org"]  # Amina's three wait as one.


def test_the_sixth_password_reset_from_one_address_within_the_hour_gets_429(client, monkeypatch):
    monkeypatch.setitem(rate_limits.LIMITS, "password-reset", (("ip", 5, 3600),))
    for number in range(5):
        attempt(client, "password reset", RESET, {"email": f"person{number}@example.org"}, "198.51.100.40", 302)

    attempt(client, "password reset", RESET, {"email": "person6@example.org"}, "198.51.100.40", 429)


# The invitation's "send me a new link"


def test_asking_for_new_invitation_links_is_limited_per_address_and_per_link(client, officer, france):
    link = expired_invitation_link(officer, france)
    attempt(client, "new invitation link", link, {}, "198.51.100.50", 200)
    attempt(client, "new invitation link", link, {}, "198.51.100.50", 200)
    attempt(client, "new invitation link", link, {}, "198.51.100.50", 429)
    attempt(client, "new invitation link", link, {}, "198.51.100.51", 200)
    attempt(client, "new invitation link", link, {}, "198.51.100.52", 429)  # The link's third in the hour.

    other = expired_invitation_link(officer, france)
    attempt(client, "new invitation link", other, {}, "198.51.100.53", 200)


# Log-in


def log_in(client, username, password, ip):
    response = client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)
    assert response.status_code < 500
    CHECKS.append(("log-in", ip, response.status_code))
    return response


def test_repeated_log_in_failures_lock_that_account_from_that_address_only(client, settings):
    make_user("amina")
    for _failure in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "amina", "wrong", "198.51.100.60").status_code == 200
    assert log_in(client, "amina", "wrong", "198.51.100.60").status_code == 429

    assert log_in(client, "amina", "correct horse battery staple", "198.51.100.60").status_code == 429
    assert log_in(client, "amina", "correct horse battery staple", "198.51.100.61").status_code == 302


def test_a_forged_x_forwarded_for_does_not_escape_the_log_in_lockout(client, settings):
    make_user("amina")
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "amina", "password": "wrong"},
                    REMOTE_ADDR="198.51.100.62", HTTP_X_FORWARDED_FOR=f"10.8.8.{number}")

    response = client.post(reverse("login"), {"username": "amina", "password": "correct horse battery staple"},
                           REMOTE_ADDR="198.51.100.62", HTTP_X_FORWARDED_FOR="10.8.8.99")
    assert response.status_code == 429


def test_an_over_long_username_is_an_ordinary_failed_log_in(client, settings):
    """django-axes keeps usernames in 255 characters: 300 gave a 500 (DataError on PostgreSQL)."""
    make_user("amina")
    for letter, length in zip("uvwx", [151, 256, 300, 5000]):
        response = log_in(client, letter * length, "wrong", "198.51.100.63")
        assert response.status_code == 200, length
        assert "Please enter a correct username and password" in response.content.decode()
    admin = client.post(reverse("admin:login"), {"username": "u" * 300, "password": "wrong"}, REMOTE_ADDR="198.51.100.63")
    assert admin.status_code == 200
    assert log_in(client, "amina", "correct horse battery staple", "198.51.100.63").status_code == 302


def test_password_spraying_from_one_address_is_stopped_across_usernames(client, settings):
    """100 failures across 25 usernames, 4 each (under the per-username limit): the address is paused."""
    settings.AXES_FAILURE_LIMIT = 5
    make_user("amina")
    usernames = ["amina"] + [f"officer{number}" for number in range(24)]
    statuses = [log_in(client, username, f"guess {round}", "198.51.100.64").status_code
                for round in range(4) for username in usernames]

    assert statuses[: settings.LOGIN_FAILURES_PER_ADDRESS - 1] == [200] * (settings.LOGIN_FAILURES_PER_ADDRESS - 1)
    assert set(statuses[settings.LOGIN_FAILURES_PER_ADDRESS:]) == {429}
    refused = log_in(client, "amina", "correct horse battery staple", "198.51.100.64")
    assert refused.status_code == 429
    assert "from your network address" in refused.content.decode()
    assert log_in(client, "amina", "correct horse battery staple", "198.51.100.65").status_code == 302


def test_an_office_behind_one_address_is_not_paused_by_a_few_mistakes(client, settings):
    people = [make_user(f"colleague{number}") for number in range(10)]
    for person in people:
        for _mistake in range(2):
            assert log_in(client, person.username, "typo", "198.51.100.66").status_code == 200

    assert log_in(client, "colleague0", "correct horse battery staple", "198.51.100.66").status_code == 302


def test_the_address_pause_ends_after_its_cool_off(client, settings):
    from axes.models import AccessAttempt

    make_user("amina")
    for number in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        log_in(client, f"sprayed{number}", "guess", "198.51.100.67")
    assert log_in(client, "amina", "correct horse battery staple", "198.51.100.67").status_code == 429

    past = timezone.now() - timedelta(minutes=settings.LOGIN_ADDRESS_COOLOFF_MINUTES, seconds=1)
    AccessAttempt.objects.filter(ip_address="198.51.100.67").update(attempt_time=past)
    assert log_in(client, "amina", "correct horse battery staple", "198.51.100.67").status_code == 302


# Redis down

CLOSED_PORT = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                           "LOCATION": "redis://127.0.0.1:1/0"}}


@override_settings(CACHES=CLOSED_PORT)
def test_with_the_cache_down_the_forms_are_let_through_with_a_warning(client, officer, france, caplog):
    make_user("amina")
    link = expired_invitation_link(officer, france)

    with caplog.at_level(logging.WARNING, logger="consult.services.rate_limits"):
        attempt(client, "registration (cache down)", REGISTER, registration(1), "198.51.100.70", 302)
        attempt(client, "registration (cache down)", REGISTER, registration(2), "198.51.100.70", 302)
        attempt(client, "password reset (cache down)", RESET, {"email": "amina@example.org"}, "198.51.100.70", 302)
        attempt(client, "new invitation link (cache down)", link, {}, "198.51.100.70", 200)

    assert CivilSocietyOrganisation.objects.count() == 2
    assert "Rate limit not applied: the cache cannot be reached" in caplog.text
    assert log_in(client, "amina", "correct horse battery staple", "198.51.100.70").status_code == 302


def test_zz_count_of_rate_limit_checks():
    """Print how many rate-limit and lockout checks this module made (pytest -s shows it)."""
    refused = sum(1 for _form, _ip, status in CHECKS if status == 429)
    print(f"\nabuse: {len(CHECKS)} checked requests, {refused} answered 429, 0 server errors")
