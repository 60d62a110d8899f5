#!/bin/sh
# The store's unit tests (tests/test_webhookd_store.c) on PostgreSQL: a
# throwaway cluster (tests/pg_lib.sh), one database, the schema dropped
# before each test.
set -eu
. "$LEXC_SRCDIR/tests/pg_lib.sh"
tmp=$(mktemp -d)
trap 'pg_stop; rm -rf "$tmp"' EXIT
pg_start "$tmp/pg"
WEBHOOKD_TEST_PG_URL=$(pg_newdb store_unit)
export WEBHOOKD_TEST_PG_URL
${LEXC_WRAPPER:-} "$LEXC_BUILDDIR/tests/test_webhookd_store"
