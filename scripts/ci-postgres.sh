#!/usr/bin/env bash
# Install (if needed) and start Debian's PostgreSQL, create the test role and database, and print the URL.
# Use:  eval "$(bash scripts/ci-postgres.sh)"   # exports QUIZ_TEST_PG_URL for the pg-marked tests
# Runs as root, as CI does. Progress goes to stderr so stdout stays a clean `export` line.
set -euo pipefail
ROLE=${QUIZ_PG_ROLE:-quiz}
PASSWORD=${QUIZ_PG_PASSWORD:-quiz}
DB=${QUIZ_PG_DB:-quiz_test}

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing postgresql…" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
read -r VERSION CLUSTER _ < <(pg_lsclusters --no-header | head -n1)
if [ -z "${VERSION:-}" ]; then
  VERSION=$(ls /usr/lib/postgresql | sort -V | tail -n1)
  CLUSTER=main
  pg_createcluster "$VERSION" "$CLUSTER" >&2
fi
pg_ctlcluster "$VERSION" "$CLUSTER" start >&2 || true   # "already running" is fine
for _ in $(seq 1 30); do
  su postgres -c "psql -qAtc 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -v ON_ERROR_STOP=1 -qAt" >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
  END IF;
END \$\$;
SQL
if ! su postgres -c "psql -qAtc \"SELECT 1 FROM pg_database WHERE datname = '$DB'\"" | grep -q 1; then
  su postgres -c "createdb -O $ROLE $DB" >&2
fi
PORT=$(pg_lsclusters --no-header | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c {print $3}')
echo "export QUIZ_TEST_PG_URL=postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:${PORT:-5432}/$DB"
