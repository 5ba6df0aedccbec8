#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, on 127.0.0.1, in a temporary folder.
#
#   eval "$(bash packaging/test_postgres.sh start)"   # starts it, exports PLANNER_TEST_PG_URL
#   bash packaging/test_postgres.sh stop "$PLANNER_TEST_PG_DIR"
#
# Needs Debian's postgresql package (bootstrap.sh --test installs it). As root the
# server runs as the postgres user, as PostgreSQL refuses to run as root.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
    echo "test_postgres: PostgreSQL is not installed (apt-get install postgresql)" >&2
    exit 1
fi
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

case "${1:-}" in
start)
    dir=$(mktemp -d /tmp/planner-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "'$bin/initdb' -D '$dir/data' -A trust -U postgres" >"$dir.initdb.log" 2>&1
    # fsync off: a test server's data is thrown away; this keeps CI fast.
    as_owner "'$bin/pg_ctl' -D '$dir/data' -w -l '$dir/server.log' \
        -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200' start" \
        >/dev/null
    echo "export PLANNER_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
    echo "export PLANNER_TEST_PG_DIR=$dir"
    ;;
stop)
    dir=${2:?usage: test_postgres.sh stop DIR}
    as_owner "'$bin/pg_ctl' -D '$dir/data' -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$dir" "$dir.initdb.log"
    ;;
*)
    echo "usage: test_postgres.sh start | stop DIR" >&2
    exit 2
    ;;
esac
