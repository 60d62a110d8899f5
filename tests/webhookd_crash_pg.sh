#!/bin/sh
# tests/webhookd_crash.sh on PostgreSQL: the same suite, its webhookd on a
# database of a throwaway cluster that tests/webhookd_lib.sh starts
# (tests/pg_lib.sh). Without PostgreSQL it fails; it never skips for it.
WEBHOOKD_TEST_STORE=postgres
export WEBHOOKD_TEST_STORE
. "$LEXC_SRCDIR/tests/webhookd_crash.sh"
