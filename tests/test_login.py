"""Logging in, and the throttle on failed log-ins."""

from django.urls import reverse

from .factories import make_user

PASSWORD = "correct horse battery staple"


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_person_logs_in_with_their_password(client, db):
    make_user("amina")

    response = log_in(client, "amina", PASSWORD)

    assert response.status_code == 302
    assert response.wsgi_request.user.is_authenticated


def test_repeated_failures_lock_the_account_out_even_with_the_right_password(client, db, settings):
    make_user("amina")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "amina", "wrong password").status_code == 200
    assert log_in(client, "amina", "wrong password").status_code == 429

    response = log_in(client, "amina", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()


def test_failures_on_one_account_do_not_lock_out_another(client, db, settings):
    make_user("amina")
    make_user("oscar")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "amina", "wrong password")

    assert log_in(client, "oscar", PASSWORD).status_code == 302
