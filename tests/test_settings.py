"""The settings module, loaded in a clean child process with a chosen environment."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# 50 characters, as Django's deploy check wants a production key.
KEY = "v3Rq8-Lw2nZ5tYp0KsD7hJ4mXc1bN6gF9aQe_Ui2Ro8Wz3Ty5P"
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": KEY, "ALLOWED_HOSTS": "consult.example.org"}

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "debug": settings.DEBUG,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "secure_cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
}))
"""


def load_settings(**environment):
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin", **environment}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    return result


def test_no_environment_gives_the_embedded_default():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["name"].endswith("db.sqlite3")
    assert loaded["eager"] is True
    assert loaded["cache"].endswith("LocMemCache")
    assert loaded["debug"] is True


def test_database_and_redis_urls_switch_to_postgresql_and_redis():
    result = load_settings(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/somewhere", REDIS_URL="redis://127.0.0.1:6379/3"
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["name"] == "somewhere"
    assert loaded["eager"] is False
    assert loaded["broker"] == "redis://127.0.0.1:6379/3"
    assert loaded["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_debug_off_refuses_the_development_secret_key():
    result = load_settings(DEBUG="0", ALLOWED_HOSTS="consult.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_off_refuses_missing_allowed_hosts():
    result = load_settings(DEBUG="0", SECRET_KEY=KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_debug_off_refuses_a_short_or_repetitive_secret_key():
    for key in ["k3y-" * 12, "x" * 60]:
        result = load_settings(**PRODUCTION | {"SECRET_KEY": key})
        assert result.returncode != 0, key
        assert "SECRET_KEY" in result.stderr


def test_debug_off_starts_with_a_real_key_and_hosts_and_insists_on_https():
    result = load_settings(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["debug"] is False
    assert loaded["ssl_redirect"] is True
    assert loaded["hsts"] == 31536000
    assert loaded["secure_cookies"] == [True, True]
    assert loaded["proxy_header"] is None


def test_a_plain_http_server_on_the_loopback_switches_https_off():
    result = load_settings(**PRODUCTION, SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["ssl_redirect"] is False
    assert loaded["secure_cookies"] == [False, False]


def test_the_tls_proxy_header_is_read_from_the_environment():
    result = load_settings(**PRODUCTION, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, db):
    policy = client.get("/")["Content-Security-Policy"]

    script_sources = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'self'" in script_sources
    assert "unsafe-inline" not in policy
