#!/bin/sh
# Three webhookd processes on one PostgreSQL database (a throwaway cluster,
# tests/pg_lib.sh) share one outbox: 100,000 events published across them
# (3,000 under valgrind) to four DIDs with a webhook each on a real
# receiver are all delivered, none twice. Then the same with one of the
# three killed with SIGKILL midway and started again: none lost, and the
# deliveries made twice are counted and reported; there can be no more of
# them than the killed process held (its slots), and they come after its
# leases lapse.
set -eu
. "$LEXC_SRCDIR/tests/webhookd_lib.sh"
. "$LEXC_SRCDIR/tests/pg_lib.sh"
need_node

tmp=$(mktemp -d)
pids=
rpid=
trap 'for p in $pids $rpid; do kill -9 "$p" 2>/dev/null || true; done; pg_stop; rm -rf "$tmp"' EXIT
fail() {
	echo "FAIL: $*"
	for f in "$tmp"/*.err; do
		[ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }
	done
	exit 1
}

events=100000
[ -n "${LEXC_WRAPPER:-}" ] && events=3000
concurrency=64
dids="did:plc:scale1,did:plc:scale2,did:plc:scale3,did:plc:scale4"
data="$tmp/data" # one key file for the three processes

pg_start "$tmp/pg"

receiver() { # receiver NAME: a fresh receiver; sets $rpid, $rport
	"$LEXC_BUILDDIR/tests/webhook_receiver" --port 0 --port-file "$tmp/$1.port" \
		--ids "$tmp/$1.ids" --stats "$tmp/$1.stats" --threads 2 >"$tmp/$1.out" 2>&1 &
	rpid=$!
	for _ in $(seq 1 200); do
		[ -s "$tmp/$1.port" ] && break
		sleep 0.05
	done
	[ -s "$tmp/$1.port" ] || fail "the receiver did not start"
	rport=$(cat "$tmp/$1.port")
}
receiver_alive() { # receiver_alive NAME: fails the test at once if the receiver died
	kill -0 "$rpid" 2>/dev/null || fail "the receiver is gone: $(tail -20 "$tmp/$1.out")"
}
delivered() { # delivered NAME: 2xx answers so far
	kill -USR1 "$rpid"
	sleep 0.2
	wc -l <"$tmp/$1.ids" | tr -d ' '
}
distinct_delivered() { # distinct_delivered NAME: distinct webhook-ids answered 2xx so far
	kill -USR1 "$rpid"
	sleep 0.2
	sort -u "$tmp/$1.ids" | wc -l | tr -d ' '
}

# start I STORE: webhookd number I on the store; sets port_I, pid_I.
start() {
	# shellcheck disable=SC2086
	serve "$tmp/serve$1.err" "$WEBHOOKD" serve --data-dir "$data" --store "$2" \
		--listen 127.0.0.1:0 --allow-net 127.0.0.0/8 --lease 3s \
		--concurrency "$concurrency" --per-webhook 16 --retry-schedule 0,1s,1s,1s,1s
	eval "port_$1=\$port pid_$1=\$pid"
	pids="$pids $pid"
}

# run NAME KILL: one round on a fresh database; KILL=yes kills process 2
# midway and restarts it. Prints the receiver's counts.
run() {
	name=$1
	store=$(pg_newdb "$name")
	receiver "$name"
	for did in $(echo "$dids" | tr ',' ' '); do
		k=$(${LEXC_WRAPPER:-} "$WEBHOOKD" key create --data-dir "$data" --store "$store" \
			--did "$did" 2>/dev/null) || fail "key create on PostgreSQL"
		echo "$k" >"$tmp/$name.$did.key"
	done
	op=$(${LEXC_WRAPPER:-} "$WEBHOOKD" key create --data-dir "$data" --store "$store" \
		--did did:web:op.example.com --operator 2>/dev/null)
	start 1 "$store"
	start 2 "$store"
	start 3 "$store"
	i=0
	for did in $(echo "$dids" | tr ',' ' '); do
		i=$((i + 1))
		eval "p=\$port_$(((i % 3) + 1))"
		curl -sf -o /dev/null -H "Authorization: Bearer $(cat "$tmp/$name.$did.key")" \
			-H 'Content-Type: application/json' \
			-d "{\"url\":\"http://127.0.0.1:$rport/ok?hook=$i\",\"events\":[\"chat\"],\"active\":true}" \
			"http://127.0.0.1:$p/xrpc/place.stream.server.createWebhook" ||
			fail "createWebhook on process $(((i % 3) + 1))"
	done
	bases="http://127.0.0.1:$port_1,http://127.0.0.1:$port_2,http://127.0.0.1:$port_3"
	if [ "$2" = yes ]; then
		# Publish to 1 and 3 only: 2 is killed while it delivers.
		bases="http://127.0.0.1:$port_1,http://127.0.0.1:$port_3"
	fi
	PUBLISH_DIDS=$dids node "$LEXC_SRCDIR/bench/delivery-publish.mjs" "$bases" "$op" burst \
		"$events" >"$tmp/$name.publish" 2>&1 &
	publisher=$!
	if [ "$2" = yes ]; then
		for _ in $(seq 1 600); do
			receiver_alive "$name"
			[ "$(delivered "$name")" -ge $((events / 4)) ] && break
			sleep 0.1
		done
		kill -9 "$pid_2"
		wait "$pid_2" 2>/dev/null || true
		echo "killed process 2 after $(delivered "$name") deliveries"
		start 2 "$store"
		grep -q "claimed under leases that have not lapsed" "$tmp/serve2.err" ||
			echo "note: the restarted process found no live leases (all had lapsed)"
	fi
	wait "$publisher" || fail "publishing: $(cat "$tmp/$name.publish")"
	limit=$((events > 10000 ? 1200 : 600))
	# Distinct ids, not answers: duplicates after the kill must not end the
	# wait while an attempt that failed under load still waits for its retry.
	for _ in $(seq 1 "$limit"); do
		receiver_alive "$name"
		[ "$(distinct_delivered "$name")" -ge "$events" ] && break
		sleep 0.5
	done
	sleep 1 # anything more than once would arrive now
	kill -USR1 "$rpid"
	sleep 0.2
	total=$(wc -l <"$tmp/$name.ids" | tr -d ' ')
	distinct=$(sort -u "$tmp/$name.ids" | wc -l | tr -d ' ')
	for n in 1 2 3; do
		eval "p=\$pid_$n"
		kill -TERM "$p"
		st=0
		wait "$p" || st=$?
		[ "$st" = 0 ] || fail "process $n exited with status $st after SIGTERM"
	done
	pids=
	kill "$rpid"
	wait "$rpid" 2>/dev/null || true
	rpid=
	echo "$name: $events events, $total deliveries, $distinct distinct webhook-ids, $((total - distinct)) delivered twice"
}

run clean no
[ "$distinct" -eq "$events" ] || fail "clean run: $distinct of $events events delivered"
[ "$total" -eq "$events" ] || fail "clean run: $((total - events)) deliveries more than events"
echo "ok   three processes, one database: every event delivered once"

run killed yes
[ "$distinct" -eq "$events" ] || fail "after SIGKILL: $distinct of $events events delivered"
dups=$((total - distinct))
# What process 2 held when it died: at most twice its concurrency (its
# slots). Those, and only those, may come twice.
[ "$dups" -le $((2 * concurrency)) ] ||
	fail "after SIGKILL: $dups deliveries twice, more than the $((2 * concurrency)) it could hold"
echo "ok   SIGKILL of one of three: none lost, $dups delivered twice (at most $((2 * concurrency)))"

for f in "$tmp"/serve*.err; do
	if grep -q "whsec_" "$f"; then
		fail "$f holds a secret"
	fi
done
echo "ok   no secret in the logs"
