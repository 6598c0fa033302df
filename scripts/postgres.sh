#!/usr/bin/env bash
# Start the machine's PostgreSQL (installing it with apt when missing and running as root), create a test role and
# database for the current user, and print its SQLAlchemy URL. Prints nothing when PostgreSQL cannot be had.
set -u
db=${TEST_POSTGRES_DB:-corroborate_test}
me=$(id -un)
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    (apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1; }) \
      || { echo "postgres.sh: could not install postgresql" >&2; exit 0; }
  else
    echo "postgres.sh: PostgreSQL is not installed (as root: apt-get install postgresql)" >&2
    exit 0
  fi
fi
version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
[ -n "$version" ] || exit 0
if ! pg_lsclusters -h 2>/dev/null | awk '{print $4}' | grep -q online; then
  if [ "$(id -u)" -eq 0 ]; then
    pg_lsclusters -h | grep -q "^$version main" || pg_createcluster "$version" main >/dev/null 2>&1
    pg_ctlcluster "$version" main start >/dev/null 2>&1 || { echo "postgres.sh: could not start PostgreSQL" >&2; exit 0; }
  else
    echo "postgres.sh: PostgreSQL is not running (as root: pg_ctlcluster $version main start)" >&2
    exit 0
  fi
fi
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as_postgres psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname='$me'" 2>/dev/null | grep -q 1 ||
  as_postgres psql -qc "CREATE ROLE \"$me\" LOGIN CREATEDB" >/dev/null 2>&1
as_postgres psql -qtAc "SELECT 1 FROM pg_database WHERE datname='$db'" 2>/dev/null | grep -q 1 ||
  as_postgres createdb -O "$me" "$db" >/dev/null 2>&1
psql -qtAc "SELECT 1" "$db" >/dev/null 2>&1 || { echo "postgres.sh: cannot connect to $db" >&2; exit 0; }
echo "postgresql+psycopg:///$db?host=/var/run/postgresql"
