#!/usr/bin/env bash
# Set up .venv, build the demo (SQLite, tasks eager) and serve it on http://127.0.0.1:8000.
# Safe to run again: the demo data is updated in place, never duplicated.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python.sh

unset DATABASE_URL REDIS_URL
make_venv requirements/base.txt
.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py demo_setup
exec .venv/bin/python manage.py runserver "${DEMO_ADDRESS:-127.0.0.1:8000}"
