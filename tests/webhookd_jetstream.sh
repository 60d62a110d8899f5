#!/bin/sh
# Record webhooks (place.wisp.v2.wh) from the event stream end to end:
# webhookd-test reading a Jetstream stand-in on 127.0.0.1
# (tests/jetstream_server.mjs) and delivering to a receiver there. The
# checks, and the SIGKILL, are tests/webhookd_jetstream.mjs.
set -eu
. "$LEXC_SRCDIR/tests/webhookd_lib.sh"
. "$LEXC_SRCDIR/tests/node_client_lib.sh"
node_client_install

tmp=$(mktemp -d)
trap 'wh_cleanup; rm -rf "$tmp"' EXIT
data="$tmp/data"
key_alice=$(wh_key "$data" did:plc:alice)
key_carol=$(wh_key "$data" did:plc:carol)
cp "$LEXC_SRCDIR/tests/webhookd_jetstream.mjs" "$LEXC_SRCDIR/tests/jetstream_server.mjs" \
	"$LEXC_SRCDIR/tests/jetstream_server_selftest.mjs" "$node_dir/"
# The stand-in first: cursor, filters, drops and pauses as Jetstream does.
node "$node_dir/jetstream_server_selftest.mjs" || { echo "FAIL: tests/jetstream_server_selftest.mjs"; exit 1; }
STORE_URL=$wh_store_url node "$node_dir/webhookd_jetstream.mjs" "$WEBHOOKD" "$data" "$tmp" \
	"$key_alice" "$key_carol" ||
	{ echo "FAIL: tests/webhookd_jetstream.mjs"; exit 1; }
