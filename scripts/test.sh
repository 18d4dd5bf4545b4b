#!/usr/bin/env bash
# Set up .venv and run the whole test suite on real PostgreSQL and Redis.
# Extra arguments go to pytest (for example: scripts/test.sh tests/test_importer.py -x).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python.sh

if ! command -v pg_config >/dev/null; then
    echo "ERROR: pg_config not found: psycopg2 builds from source and needs libpq-dev (apt-get install libpq-dev)." >&2
    exit 1
fi
make_venv requirements/test.txt

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/consult}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
.venv/bin/python scripts/check_services.py
exec .venv/bin/python -m pytest "$@"
