#!/bin/sh
# bench/scaleout.sh [BUILDDIR] [EVENTS]: deliveries per second with 1, 2
# and 3 webhookd processes sharing one PostgreSQL database (a throwaway
# cluster of Debian's postgresql, tests/pg_lib.sh, with its default
# durability: fsync and synchronous_commit on), and the same load on
# SQLite with one process, in one run. Each round: EVENTS chat events
# (default 40,000) published in batches of 1,000 round the processes, to
# four DIDs with a webhook each on one receiver (tests/webhook_receiver, two
# poll threads); timed from the first delivery received to the last. Every
# process, the database, the receiver and the publisher share this
# machine's cores, so more processes add contention as well as workers:
# the figures say how the design behaves, not how far it scales on
# machines of its own (doc/webhookd.md, "Scaling out").
# It measures, it never fails.
set -eu
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir/build}" && pwd)
events=${2:-40000}
command -v node >/dev/null 2>&1 || { echo "node not found"; exit 0; }
webhookd="$builddir/webhookd"
[ -x "$builddir/.libs/webhookd" ] && webhookd="$builddir/.libs/webhookd"
receiver="$builddir/tests/webhook_receiver"
[ -x "$receiver" ] || { echo "build tests/webhook_receiver first (make tests/webhook_receiver)"; exit 0; }
tmp=$(mktemp -d)
pids=""
rpid=""
export LD_LIBRARY_PATH="$builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
. "$srcdir/bench/lib.sh"
. "$srcdir/tests/pg_lib.sh"
trap 'for p in $pids $rpid; do kill "$p" 2>/dev/null || true; done; pg_stop; rm -rf "$tmp"' EXIT
dids="did:plc:b1,did:plc:b2,did:plc:b3,did:plc:b4"

receiver_start() { # receiver_start NAME: sets $rport, $rpid
	"$receiver" --port 0 --port-file "$tmp/$1.port" --stats "$tmp/$1.stats" --threads 2 \
		>/dev/null 2>&1 &
	rpid=$!
	for _ in $(seq 1 200); do
		[ -s "$tmp/$1.port" ] && break
		sleep 0.05
	done
	rport=$(cat "$tmp/$1.port")
}
stats() { # stats NAME FIELD
	kill -USR1 "$rpid"
	sleep 0.1
	sed -n "s/.*\"$2\":\([0-9-]*\).*/\1/p" "$tmp/$1.stats"
}

# round NAME PROCESSES STORE_ARGS...: one measurement; prints deliveries/s.
round() {
	name=$1 procs=$2
	shift 2
	data="$tmp/$name-data"
	receiver_start "$name"
	for did in $(echo "$dids" | tr ',' ' '); do
		"$webhookd" key create --data-dir "$data" "$@" --did "$did" >"$tmp/$name.$did.key" 2>/dev/null
	done
	key=$("$webhookd" key create --data-dir "$data" "$@" --did did:web:op.example.com --operator 2>/dev/null)
	bases=""
	for i in $(seq 1 "$procs"); do
		bench_start "$tmp/$name.$i.log" "$webhookd" serve --data-dir "$data" "$@" \
			--listen 127.0.0.1:0 --allow-net 127.0.0.0/8 --concurrency 256 --per-webhook 64
		bases="$bases${bases:+,}http://127.0.0.1:$port"
	done
	i=0
	for did in $(echo "$dids" | tr ',' ' '); do
		i=$((i + 1))
		curl -sf -o /dev/null -H "Authorization: Bearer $(cat "$tmp/$name.$did.key")" \
			-H 'Content-Type: application/json' \
			-d "{\"url\":\"http://127.0.0.1:$rport/ok?hook=$i\",\"events\":[\"chat\"],\"active\":true}" \
			"${bases%%,*}/xrpc/place.stream.server.createWebhook"
	done
	PUBLISH_DIDS=$dids node "$srcdir/bench/delivery-publish.mjs" "$bases" "$key" burst "$events" >"$tmp/$name.pub"
	for _ in $(seq 1 1800); do
		[ "$(stats "$name" requests)" -ge "$events" ] && break
		sleep 0.1
	done
	first=$(stats "$name" first_ms)
	last=$(stats "$name" last_ms)
	n=$(stats "$name" requests)
	rate=$(awk -v n="$n" -v ms="$((last - first))" 'BEGIN { printf "%.0f", n * 1000 / (ms > 0 ? ms : 1) }')
	for p in $pids $rpid; do kill "$p" 2>/dev/null || true; done
	for p in $pids $rpid; do wait "$p" 2>/dev/null || true; done
	pids="" rpid=""
	echo "$rate"
	[ "$n" -ge "$events" ] || echo "  ($name: only $n of $events arrived)" >&2
}

pg_start "$tmp/pg"
echo "$(nproc) cores shared by webhookd, PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'), the receiver and the publisher; $events events a round"
sqlite=$(round sqlite 1)
echo "SQLite, 1 process:          $sqlite deliveries/s"
for procs in 1 2 3; do
	url=$(pg_newdb "scale$procs")
	r=$(round "pg$procs" "$procs" --store "$url")
	awk -v r="$r" -v s="$sqlite" -v p="$procs" 'BEGIN {
		printf "PostgreSQL, %d process%s:   %s deliveries/s (%.2fx SQLite)\n", p, (p > 1 ? "es" : "  "), r, r / s }'
done
