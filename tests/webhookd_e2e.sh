#!/bin/sh
# webhookd end to end, through the real server and a real store (the SQLite
# file; with WEBHOOKD_TEST_STORE=postgres, tests/webhookd_e2e_pg.sh, a real
# PostgreSQL database: tests/webhookd_lib.sh):
# every method and declared error, cross-DID isolation, rotation with and
# without grace on an injected clock, the per-DID limit under 16 parallel
# creates for its last 8 places, injected statement failures (nothing half-written), restart
# and SIGKILL persistence, API key revocation from the CLI while serving,
# the key file's permission check, and no plaintext secret in the database
# or the logs. The HTTP checks are tests/webhookd_e2e.mjs (node's fetch).
set -eu
. "$LEXC_SRCDIR/tests/webhookd_lib.sh"
need_node

tmp=$(mktemp -d)
pid=
trap 'if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi; wh_cleanup; rm -rf "$tmp"' EXIT
data="$tmp/data"
export WEBHOOKD_TEST_CLOCK_FILE="$tmp/clock" WEBHOOKD_TEST_FAIL_FILE="$tmp/fail"
# Names the URL checks resolve without DNS: a public address, and names
# that resolve to addresses webhookd must refuse.
export WEBHOOKD_TEST_RESOLVE="hooks.example.test=93.184.216.34,other.example.test=93.184.216.35,internal.example.test=10.0.0.5,meta.example.test=169.254.169.254,v6.example.test=fd00::1,local.example.test=127.0.0.1"
echo 1800000000000 >"$tmp/clock"
: >"$tmp/fail"

fail() { echo "FAIL: $*"; exit 1; }

# The data directory and key file are made private. On SQLite key create
# makes the directory and the database in it; on PostgreSQL the directory
# holds only the key file, which serve makes.
key_a=$(wh_key "$data" did:plc:alice)
key_b=$(wh_key "$data" did:plc:bobby)
key_p=$(wh_key "$data" did:web:parallel.example.com)
key_op=$(wh_key "$data" did:web:host.example.com --operator)
if [ "$wh_store" = sqlite ]; then
	[ "$(stat -c %a "$data")" = 700 ] || fail "data directory mode $(stat -c %a "$data"), want 700"
	[ "$(stat -c %a "$data/webhookd.db")" = 600 ] || fail "database mode is not 600"
fi
echo "$key_a" | grep -Eq '^whk_[A-Za-z0-9_-]{43}$' || fail "key create printed '$key_a'"
echo "ok   key create prints the key alone"
wh_run key create --data-dir "$data" --did not-a-did 2>"$tmp/err" &&
	fail "key create took a bad DID"
grep -q "not a DID" "$tmp/err" || fail "bad DID message: $(cat "$tmp/err")"
echo "ok   key create refuses a bad DID"

args="--allow-net 127.0.0.0/8 --max-webhooks 20 --grace-max 172800 --access-log $tmp/access.log"
# shellcheck disable=SC2086
wh_serve "$tmp/server.err" "$data" $args
[ "$(stat -c %a "$data")" = 700 ] || fail "data directory mode $(stat -c %a "$data"), want 700"
[ "$(stat -c %a "$data/webhookd.key")" = 600 ] || fail "key file mode is not 600"
if [ "$wh_store" = postgres ]; then
	# Everything is in the database: no SQLite file beside the key.
	[ ! -e "$data/webhookd.db" ] || fail "webhookd made $data/webhookd.db with --store postgres://"
	echo "ok   on PostgreSQL the data directory holds no database"
fi

# Revocation from the CLI is seen by the running server.
key_c=$(wh_key "$data" did:plc:carol)
expect "a valid key works" 200 '"secrets":[]' -H "Authorization: Bearer $key_c" \
	"$base/xrpc/place.wisp.v2.secret.list"
id_c=$(wh_run key list --data-dir "$data" | awk '$2 == "did:plc:carol" {print $1}')
[ -n "$id_c" ] || fail "key list does not show carol's key"
wh_run key revoke --data-dir "$data" "$id_c" 2>/dev/null || fail "key revoke"
wh_run key list --data-dir "$data" | grep "did:plc:carol user .* revoked" >/dev/null ||
	fail "key list does not show the key revoked"
expect "a revoked key is refused" 401 '"error":"AuthenticationRequired"' \
	-H "Authorization: Bearer $key_c" "$base/xrpc/place.wisp.v2.secret.list"
wh_run key revoke --data-dir "$data" "$id_c" 2>/dev/null &&
	fail "revoking twice succeeded"
curl -s -D "$tmp/h" -o /dev/null "$base/xrpc/place.wisp.v2.secret.list"
grep -qi '^WWW-Authenticate: Bearer' "$tmp/h" || fail "401 without WWW-Authenticate: $(cat "$tmp/h")"
echo "ok   401 names the scheme in WWW-Authenticate"
[ "$fails" = 0 ] || exit 1

cp "$LEXC_SRCDIR/tests/webhookd_e2e.mjs" "$tmp/e2e.mjs"
run_js() { # run_js PHASE
	node "$tmp/e2e.mjs" "$1" "$base" "$tmp" "$key_a" "$key_b" "$key_p" "$key_op" ||
		fail "tests/webhookd_e2e.mjs $1"
}
run_js main
kill -0 "$pid" || fail "the server died"

# Restart: everything is still there, and secrets still decrypt.
stop_server
# shellcheck disable=SC2086
wh_serve "$tmp/server.err" "$data" $args
run_js after-restart

# SIGKILL right after a 200: the call's writes are on disk.
run_js before-kill
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=
# shellcheck disable=SC2086
wh_serve "$tmp/server.err" "$data" $args
run_js after-kill
stop_server

# The key file must be private: webhookd refuses to start otherwise.
chmod 644 "$data/webhookd.key"
if wh_run serve --data-dir "$data" --listen 127.0.0.1:0 2>"$tmp/perm.err"; then
	fail "serve started with a key file others can read"
fi
grep -q "webhookd.key" "$tmp/perm.err" && grep -q "chmod 600" "$tmp/perm.err" ||
	fail "key file message: $(cat "$tmp/perm.err")"
chmod 600 "$data/webhookd.key"
echo "ok   serve refuses a key file others can read"

# No plaintext secret in the database, its WAL, or any log. SQLite: the
# database file and its WAL. PostgreSQL: the database's contents as
# pg_dump writes them (proved to hold the suite's data), every file of the
# cluster (tables, indexes, WAL) and the server's log.
[ -s "$tmp/secrets.txt" ] || fail "the suite recorded no secrets"
n=$(wc -l <"$tmp/secrets.txt")
printf '%s\n%s\n%s\n%s\n' "$key_a" "$key_b" "$key_p" "$key_op" >>"$tmp/secrets.txt"
set -- "$data"/webhookd.db*
if [ "$wh_store" = postgres ]; then
	"$pg_dump" "$wh_store_url" >"$tmp/pg_dump.sql" 2>"$tmp/pg_dump.err" ||
		fail "pg_dump: $(cat "$tmp/pg_dump.err")"
	grep -q 'https://hooks.example.test/just-before-kill' "$tmp/pg_dump.sql" ||
		fail "pg_dump's output does not hold the suite's webhooks"
	# shellcheck disable=SC2046 # the cluster's paths (mktemp -d) have no spaces
	set -- "$tmp/pg_dump.sql" $(find "$pg_dir/data" -type f) "$pg_log"
fi
for f in "$@" "$tmp/server.err" "$tmp/server.err.log" "$tmp/access.log"; do
	[ -e "$f" ] || continue
	if grep -a -F -f "$tmp/secrets.txt" "$f" >/dev/null; then
		fail "a plaintext secret is in $f"
	fi
done
echo "ok   none of $n secrets and 4 API keys appears in the database ($wh_store) or the logs"

# A config file; flags override it; a bad line names file and line.
# On PostgreSQL a database of its own, named by the file's store setting
# (the key was made there: served from anywhere else, it would be refused).
wh_store_newdb conf
cat >"$tmp/webhookd.conf" <<CONF
# webhookd test configuration
data-dir = $tmp/conf-data
listen = 127.0.0.1:0
max-webhooks = 1   # one webhook per DID
allow-net = 127.0.0.0/8
grace-max = 600
grace-default = 300
CONF
[ -z "$wh_store_url" ] || echo "store = $wh_store_url" >>"$tmp/webhookd.conf"
key_conf=$(wh_key "$tmp/conf-data" did:plc:conf)
serve "$tmp/conf.err" "$WEBHOOKD" serve --config "$tmp/webhookd.conf" --grace-max 60 --grace-default 30
base="http://127.0.0.1:$port"
hook='{"url":"http://127.0.0.1:9/conf","events":["chat"]}'
expect "config: allow-net from the file" 200 '"webhook"' -H "Authorization: Bearer $key_conf" \
	-H 'Content-Type: application/json' -d "$hook" "$base/xrpc/place.stream.server.createWebhook"
expect "config: max-webhooks from the file" 400 '"error":"TooManyWebhooks"' -H "Authorization: Bearer $key_conf" \
	-H 'Content-Type: application/json' -d '{"url":"http://127.0.0.1:9/conf2","events":["chat"]}' \
	"$base/xrpc/place.stream.server.createWebhook"
expect "config: the flag overrides the file" 400 'between 0 and 60' -H "Authorization: Bearer $key_conf" \
	-H 'Content-Type: application/json' -d '{"name":"x","graceSeconds":61}' "$base/xrpc/dev.lexc.webhookd.rotateSecret"
stop_server
printf 'max-webhooks = many\n' >"$tmp/bad.conf"
wh_run serve --config "$tmp/bad.conf" 2>"$tmp/bad.err" && fail "a bad config file was taken"
grep -q "bad.conf:1" "$tmp/bad.err" || fail "bad config message: $(cat "$tmp/bad.err")"
echo "ok   a bad config line is refused with file:line"
printf 'colour = blue\n' >"$tmp/bad.conf"
wh_run serve --config "$tmp/bad.conf" 2>"$tmp/bad.err" && fail "an unknown setting was taken"
grep -q "unknown setting 'colour'" "$tmp/bad.err" || fail "unknown setting message: $(cat "$tmp/bad.err")"
echo "ok   an unknown setting is refused"
[ "$fails" = 0 ] || exit 1
