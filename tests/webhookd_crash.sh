#!/bin/sh
# At-least-once under crashes: 10,000 events published while webhookd is
# killed with SIGKILL at random moments (at least 10 times) and restarted;
# the receiver must see every event at least once. Prints the duplicates
# (deliveries seen more than once: in flight when webhookd died). On either
# store (WEBHOOKD_TEST_STORE: tests/webhookd_lib.sh); on PostgreSQL what a
# killed process had claimed returns to the queue when its lease lapses
# (--lease 2s here: $wh_lease_args).
set -eu
. "$LEXC_SRCDIR/tests/webhookd_lib.sh"
need_node

# Under valgrind (LEXC_WRAPPER) a tenth of the events: the point there is
# memory errors on the recovery paths, and memcheck is some 30 times slower.
if [ -n "${LEXC_WRAPPER:-}" ]; then
	events=${WEBHOOKD_CRASH_EVENTS:-1000}
	kills=${WEBHOOKD_CRASH_KILLS:-3}
else
	events=${WEBHOOKD_CRASH_EVENTS:-10000}
fi
kills=${kills:-${WEBHOOKD_CRASH_KILLS:-12}}
tmp=$(mktemp -d)
pid=
rpid=
ppid_=
trap 'for p in $pid $rpid $ppid_; do kill -9 "$p" 2>/dev/null || true; done; wh_cleanup; rm -rf "$tmp"' EXIT
data="$tmp/data"
fail() { echo "FAIL: $*"; exit 1; }

wh_receiver "$tmp"

key_user=$(wh_key "$data" did:plc:alice)
key_op=$(wh_key "$data" did:web:host.example.com --operator)
args="--allow-net 127.0.0.0/8 --retry-schedule 0,200ms,500ms,1s,1s,1s,1s,1s,1s,1s $wh_lease_args"
n=0
start() {
	n=$((n + 1))
	# shellcheck disable=SC2086
	wh_serve "$tmp/server$n.err" "$data" $args
	echo "$base" >"$tmp/base.new"
	mv "$tmp/base.new" "$tmp/base"
}
start
out=$(curl -s -H "Authorization: Bearer $key_user" -H 'content-type: application/json' \
	-d "{\"url\":\"http://127.0.0.1:$rport/ok\",\"events\":[\"chat\"],\"active\":true}" \
	"$base/xrpc/place.stream.server.createWebhook")
case "$out" in *'"id"'*) ;; *) fail "createWebhook: $out" ;; esac

# Batches of 20, 15 ms apart: 10,000 events take about 10 s to publish.
node "$LEXC_SRCDIR/tests/webhookd_crash.mjs" "$tmp" "$key_op" "$events" 20 15 &
ppid_=$!
killed=0
# Kill at random moments for as long as publishing goes on.
while kill -0 "$ppid_" 2>/dev/null; do
	sleep "0.$(shuf -i 10-90 -n 1)"
	kill -0 "$ppid_" 2>/dev/null || break
	kill -9 "$pid"
	wait "$pid" 2>/dev/null || true
	pid=
	killed=$((killed + 1))
	start
done
wait "$ppid_" || fail "the publisher failed"
ppid_=
[ "$killed" -ge "$kills" ] || fail "only $killed SIGKILLs happened while publishing (want $kills)"
echo "ok   $killed SIGKILLs while publishing ($(cat "$tmp/published") batch sends retried)"

# Every event reaches the receiver at least once.
want=$events
for _ in $(seq 1 600); do
	got=$(grep '"status":200' "$tmp/recv.log" | grep -o 'crash [0-9]*' | sort -u | wc -l)
	[ "$got" -ge "$want" ] && break
	sleep 0.1
done
total=$(grep -c '"status":200' "$tmp/recv.log" || true)
[ "$got" -ge "$want" ] || fail "the receiver saw $got of $want events"
echo "ok   the receiver saw all $want events; $((total - want)) duplicate deliveries (at-least-once)"
stop_server
