#!/bin/sh
# webhookd's deliveries end to end: webhookd-test on a real store (the
# SQLite file, or with WEBHOOKD_TEST_STORE=postgres a PostgreSQL database:
# tests/webhookd_lib.sh) delivering with libcurl to a real receiver on 127.0.0.1
# (tests/webhook_receiver), every outcome of the delivery issue, signatures
# checked by the standardwebhooks npm library, an accepted event surviving
# SIGKILL, and the connect-time SSRF guard against a name that now
# resolves to 127.0.0.1. The checks are tests/webhookd_delivery.mjs.
set -eu
. "$LEXC_SRCDIR/tests/webhookd_lib.sh"
. "$LEXC_SRCDIR/tests/node_client_lib.sh"
node_client_install

tmp=$(mktemp -d)
pid=
rpid=
trap 'for p in $pid $rpid; do kill -9 "$p" 2>/dev/null || true; done; wh_cleanup; rm -rf "$tmp"' EXIT
data="$tmp/data"
fail() { echo "FAIL: $*"; exit 1; }

wh_receiver "$tmp"

key_user=$(wh_key "$data" did:plc:alice)
key_op=$(wh_key "$data" did:web:host.example.com --operator)
# A port for the metrics listener: node finds a free one.
mport=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

# The schedule, scaled down: 8 attempts over about 4 s. On PostgreSQL a short
# lease ($wh_lease_args): what the killed process held returns when it lapses.
args="--allow-net 127.0.0.0/8 --retry-schedule 0,300ms,300ms,300ms,1s,1s,1s,1s
--timeout 1s --connect-timeout 1s --metrics-listen 127.0.0.1:$mport $wh_lease_args"
# shellcheck disable=SC2086
wh_serve "$tmp/server.err" "$data" $args

cp "$LEXC_SRCDIR/tests/webhookd_delivery.mjs" "$node_dir/webhookd_delivery.mjs"
run_js() { # run_js PHASE [BASE]
	node "$node_dir/webhookd_delivery.mjs" "$1" "${2:-$base}" "$tmp" "$rport" "$key_user" \
		"$key_op" "http://127.0.0.1:$mport/metrics" || fail "tests/webhookd_delivery.mjs $1"
}
run_js main
kill -0 "$pid" || fail "webhookd died: $(tail -5 "$tmp/server.err")"

# SIGKILL while an accepted event is in flight; the restart sends it again.
# SQLite (one process) takes the dead process's claims back at once; on
# PostgreSQL (shared by processes, so a claim may be a live process's) the
# claim is under a lease the restart reports, and it returns to the queue
# when the lease lapses.
run_js before-kill
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=
# shellcheck disable=SC2086
wh_serve "$tmp/server2.err" "$data" $args
run_js after-kill
if [ "$wh_store" = postgres ]; then
	grep -Eq "[1-9][0-9]* deliveries are claimed under leases that have not lapsed; they return to the queue when they lapse" \
		"$tmp/server2.err" ||
		fail "the restart did not report the killed process's leased deliveries: $(cat "$tmp/server2.err")"
else
	grep -q "in flight when the last process stopped" "$tmp/server2.err" ||
		fail "the restart did not say it recovered deliveries: $(cat "$tmp/server2.err")"
fi
stop_server

# The SSRF guard at connect time: without --allow-net, a webhook made while
# its name resolved to a public address is refused when the name resolves
# to 127.0.0.1 at delivery.
noallow="--retry-schedule 0,10s --timeout 1s"
export WEBHOOKD_TEST_RESOLVE="rebind.example.test=93.184.216.34"
# shellcheck disable=SC2086
wh_serve "$tmp/server3.err" "$data" $noallow
run_js create-rebind
stop_server
export WEBHOOKD_TEST_RESOLVE="rebind.example.test=127.0.0.1"
# shellcheck disable=SC2086
wh_serve "$tmp/server4.err" "$data" $noallow
run_js blocked
stop_server

# Secrets are never logged.
for f in "$tmp"/server*.err; do
	if grep -q "whsec_" "$f"; then
		fail "$f holds a secret"
	fi
done
echo "ok   no secret in webhookd's logs"
