"""Production settings: Django's deploy check passes without a warning, and a real server sends the headers.

Each test starts a child process (manage.py, or gunicorn) with a production environment, as an
operator would: DEBUG off, a random 50-character key, allowed hosts, an SMTP server.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management.utils import get_random_secret_key

ROOT = Path(__file__).resolve().parent.parent.parent
HOST = "127.0.0.1"


def production_environment(**overrides) -> dict:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": get_random_secret_key(),
        "ALLOWED_HOSTS": f"consult.example.org,{HOST}",
        "EMAIL_HOST": "smtp.example.org",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
        **overrides,
    }


def test_the_deploy_check_passes_with_no_warning():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_environment(), capture_output=True, text=True, timeout=120,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output.upper()


def test_no_security_check_is_silenced():
    assert not [check for check in settings.SILENCED_SYSTEM_CHECKS if check.startswith("security.")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(**environment):
    """Run the site under gunicorn with a production environment; yield its port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"{HOST}:{port}", "--workers", "1"],
        cwd=ROOT, env=production_environment(**environment), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: {process.stderr.read().decode()}") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port, path, **headers):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", path, headers={"Host": HOST, **headers})
    response = connection.getresponse()
    response.body = response.read().decode(errors="replace")
    connection.close()
    return response


@pytest.fixture(scope="module")
def behind_a_tls_proxy():
    """A production server behind a proxy that terminates TLS and says so in X-Forwarded-Proto."""
    with gunicorn(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto") as port:
        yield port


def test_an_https_page_carries_every_security_header(behind_a_tls_proxy):
    response = get(behind_a_tls_proxy, "/accounts/login/", **{"X-Forwarded-Proto": "https"})

    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
    policy = response.getheader("Content-Security-Policy")
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Cross-Origin-Opener-Policy") == "same-origin"
    cookie = response.getheader("Set-Cookie")
    assert cookie.startswith("csrftoken=") and "Secure" in cookie and "SameSite=Lax" in cookie


def test_plain_http_is_redirected_to_https(behind_a_tls_proxy):
    response = get(behind_a_tls_proxy, "/accounts/login/")

    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/accounts/login/"
    assert response.getheader("Strict-Transport-Security") is None


def test_an_unknown_host_is_refused_and_errors_show_no_debug_page(behind_a_tls_proxy):
    https = {"X-Forwarded-Proto": "https"}

    assert get(behind_a_tls_proxy, "/accounts/login/", Host="evil.example", **https).status == 400
    missing = get(behind_a_tls_proxy, "/no-such-page/", **https)
    assert missing.status == 404
    assert "DEBUG" not in missing.body and "Traceback" not in missing.body


def test_a_loopback_server_over_plain_http_switches_the_redirect_and_secure_cookies_off():
    with gunicorn(SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0") as port:
        response = get(port, "/accounts/login/")

    assert response.status == 200
    assert "Secure" not in response.getheader("Set-Cookie")
    assert response.getheader("X-Frame-Options") == "DENY"
    assert "unsafe-inline" not in response.getheader("Content-Security-Policy")
