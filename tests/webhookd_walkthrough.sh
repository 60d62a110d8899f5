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
# As scripts/run.sh serves it: a development run, with the pages at /docs/.
wh_serve "$tmp/server.err" "$tmp/data" --allow-net 127.0.0.0/8 --docs
sh "$LEXC_SRCDIR/scripts/walkthrough.sh" "$base" "$key" >"$tmp/out"
cat "$tmp/out"
fail() { echo "FAIL: $*"; exit 1; }
grep -q '"error"' "$tmp/out" && fail "a walk-through step answered an error"
for want in '"name":"deploy","token":"whsec_' '"webhook":{"active":true' '"secretValue":"whsec_' \
	'"retiredSecretId":"' '"current":false,"expiresAt":"' '"retiredUntil":"' '"webhooks":[{'; do
	grep -qF "$want" "$tmp/out" || fail "no $want in the walk-through's answers"
done
[ "$(grep -c '^\$ curl' "$tmp/out")" = 6 ] || fail "the walk-through has not 6 commands"
page=$(curl -sf "$base/docs/place.stream.server.createWebhook") || fail "no /docs/ page with --docs"
case "$page" in
*'<form class="try" data-nsid="place.stream.server.createWebhook" data-verb="POST"'*) ;;
*) fail "the createWebhook page has no Try it form" ;;
esac
# Try it sends what a user types as the Authorization header.
curl -sf -o /dev/null -H "Authorization: Bearer $key" "$base/xrpc/place.stream.server.listWebhooks" ||
	fail "listWebhooks with the key"
v=$(curl -s -H 'Content-Type: application/json' -d '{"$type":"place.wisp.v2.wh","url":"not a url"}' \
	"$base/xrpc/_validate?type=place.wisp.v2.wh")
case "$v" in
*'"valid":false,"path":"$'*) ;;
*) fail "_validate of a bad place.wisp.v2.wh record: $v" ;;
esac
stop_server
echo "ok   --docs serves the pages and /xrpc/_validate"
wh_serve "$tmp/server2.err" "$tmp/data" --allow-net 127.0.0.0/8
st=$(curl -s -o /dev/null -w '%{http_code}' "$base/docs/")
[ "$st" = 404 ] || fail "/docs/ without --docs answered $st, want 404"
st=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{}' \
	"$base/xrpc/_validate?type=place.wisp.v2.wh")
[ "$st" = 501 ] || fail "/xrpc/_validate without --docs answered $st, want 501"
stop_server
echo "ok   without --docs, no pages and no /xrpc/_validate"
echo "ok   the walk-through's 6 commands answer as the README says"
