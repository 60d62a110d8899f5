#!/bin/sh
# tests/webhookd_jetstream.sh on PostgreSQL: the same suite on a database of
# a throwaway cluster (tests/pg_lib.sh), plus a second process that waits
# while the first reads the stream and takes over when it is killed.
WEBHOOKD_TEST_STORE=postgres
export WEBHOOKD_TEST_STORE
. "$LEXC_SRCDIR/tests/webhookd_jetstream.sh"
