#!/bin/sh
# The README's walk-through (scripts/walkthrough.sh, which scripts/run.sh
# runs) against webhookd: every printed command answers what it says. On
# either store (WEBHOOKD_TEST_STORE: tests/webhookd_lib.sh).
set -eu
. "$LEXC_SRCDIR/tests/webhookd_lib.sh"
tmp=$(mktemp -d)
pid=
trap 'if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi; wh_cleanup; rm -rf "$tmp"' EXIT
key=$(wh_key "$tmp/data" did:plc:walkthrough)
wh_serve "$tmp/server.err" "$tmp/data" --allow-net 127.0.0.0/8
sh "$LEXC_SRCDIR/scripts/walkthrough.sh" "$base" "$key" >"$tmp/out"
cat "$tmp/out"
fail() { echo "FAIL: $*"; exit 1; }
grep -q '"error"' "$tmp/out" && fail "a walk-through step answered an error"
for want in '"name":"deploy","token":"whsec_' '"webhook":{"active":true' '"secretValue":"whsec_' \
	'"retiredSecretId":"' '"current":false,"expiresAt":"' '"retiredUntil":"' '"webhooks":[{'; do
	grep -qF "$want" "$tmp/out" || fail "no $want in the walk-through's answers"
done
[ "$(grep -c '^\$ curl' "$tmp/out")" = 6 ] || fail "the walk-through has not 6 commands"
stop_server
echo "ok   the walk-through's 6 commands answer as the README says"
