#!/bin/sh
# The reference TypeScript client (@atproto/xrpc from npm) runs the README's
# walk-through against webhookd on a real store (the SQLite file, or with
# WEBHOOKD_TEST_STORE=postgres a PostgreSQL database: tests/webhookd_lib.sh):
# a named secret, a webhook, rotation with a grace period, and errors as
# that client names them (tests/webhookd_ts.mjs).
set -eu
. "$LEXC_SRCDIR/tests/webhookd_lib.sh"
. "$LEXC_SRCDIR/tests/node_client_lib.sh"
node_client_install
tmp=$(mktemp -d)
pid=
trap 'if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi; wh_cleanup; rm -rf "$tmp"' EXIT
export WEBHOOKD_TEST_RESOLVE="hooks.example.test=93.184.216.34"
key=$(wh_key "$tmp/data" did:plc:walkthrough)
wh_serve "$tmp/server.err" "$tmp/data"
# ESM resolves packages from the script's directory: run a copy there.
cp "$LEXC_SRCDIR/tests/webhookd_ts.mjs" "$node_dir/webhookd_ts.mjs"
node "$node_dir/webhookd_ts.mjs" "$LEXC_SRCDIR/lexicons" "$base" "$key"
stop_server
