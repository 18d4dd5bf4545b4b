"""Stop with a clear message when PostgreSQL or Redis is not reachable; create the database."""

import os
import sys
from urllib.parse import urlparse

import psycopg2
import redis
from psycopg2 import sql


def check_postgres(url):
    parts = urlparse(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        sys.exit(f"ERROR: DATABASE_URL must be a postgres:// URL for the tests, not {parts.scheme}://")
    name = parts.path.lstrip("/")
    try:
        connection = psycopg2.connect(
            host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password,
            dbname="postgres", connect_timeout=5,
        )
    except psycopg2.OperationalError as error:
        sys.exit(f"ERROR: PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({error}).".strip())
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def check_redis(url):
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.RedisError as error:
        sys.exit(f"ERROR: Redis is not reachable at {url} ({error}).")


if __name__ == "__main__":
    check_postgres(os.environ["DATABASE_URL"])
    check_redis(os.environ["REDIS_URL"])
    print("PostgreSQL and Redis are reachable.")
