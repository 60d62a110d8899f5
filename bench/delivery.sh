#!/bin/sh
# bench/delivery.sh [BUILDDIR] [EVENTS] [SECONDS]: webhookd's delivery
# throughput and latency on loopback, beside the receiver's own capacity
# measured by wrk in the same run.
#  1. the receiver (tests/webhook_receiver, one poll thread) alone, under
#     wrk with a webhook-sized POST: its requests/s; then libcurl's multi
#     interface alone on one thread (bench/curl_multi: the same options
#     and body, 256 connections, no store, no signing) against it, the
#     ceiling libcurl puts on one delivery thread;
#  2. sustained deliveries/s: EVENTS chat events published in batches of
#     1000 to a DID with 4 webhooks on the receiver (4 x EVENTS deliveries),
#     the outbox durable (SQLite WAL, synchronous=NORMAL), timed from the
#     first delivery received to the last;
#  3. latency at a fixed 1,000 events/s for SECONDS: p50/p99 from publish
#     (the event's timestamp) to receipt, one webhook.
# It measures, it never fails.
set -eu
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir/build}" && pwd)
events=${2:-25000}
seconds=${3:-10}
command -v wrk >/dev/null 2>&1 || { echo "wrk not found (apt-get install wrk)"; exit 0; }
command -v node >/dev/null 2>&1 || { echo "node not found"; exit 0; }
webhookd="$builddir/webhookd"
[ -x "$builddir/.libs/webhookd" ] && webhookd="$builddir/.libs/webhookd"
receiver="$builddir/tests/webhook_receiver"
tmp=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
export LD_LIBRARY_PATH="$builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
. "$srcdir/bench/lib.sh"

receiver_start() { # receiver_start NAME: sets $rport, $rpid
	"$receiver" --port 0 --port-file "$tmp/$1.port" --stats "$tmp/$1.stats" --threads 1 \
		>/dev/null 2>&1 &
	rpid=$!
	pids="$pids $rpid"
	for _ in $(seq 1 200); do
		[ -s "$tmp/$1.port" ] && break
		sleep 0.05
	done
	rport=$(cat "$tmp/$1.port")
}
stats() { # stats NAME FIELD: from the receiver's stats file (SIGUSR1 rewrites it)
	kill -USR1 "$rpid"
	sleep 0.1
	sed -n "s/.*\"$2\":\([0-9-]*\).*/\1/p" "$tmp/$1.stats"
}
webhookd_start() { # webhookd_start NAME HOOKS: sets $base, $key
	data="$tmp/$1-data"
	"$webhookd" key create --data-dir "$data" --did did:plc:bench >"$tmp/user.key" 2>/dev/null
	key=$("$webhookd" key create --data-dir "$data" --did did:web:op.example.com --operator 2>/dev/null)
	bench_start "$tmp/$1.log" "$webhookd" serve --data-dir "$data" --listen 127.0.0.1:0 \
		--allow-net 127.0.0.0/8 --concurrency 256 --per-webhook 64
	base="http://127.0.0.1:$port"
	for i in $(seq 1 "$2"); do
		curl -sf -o /dev/null -H "Authorization: Bearer $(cat "$tmp/user.key")" \
			-H 'Content-Type: application/json' \
			-d "{\"url\":\"http://127.0.0.1:$rport/ok?hook=$i\",\"events\":[\"chat\"],\"active\":true}" \
			"$base/xrpc/place.stream.server.createWebhook"
	done
}
wait_for() { # wait_for NAME COUNT
	for _ in $(seq 1 1200); do
		[ "$(stats "$1" requests)" -ge "$2" ] && return 0
		sleep 0.1
	done
	echo "only $(stats "$1" requests) of $2 arrived" >&2
}

echo "$(nproc) cores shared by webhookd, the receiver, the publisher and wrk"
receiver_start alone
wrk -t1 -c64 -d2s -s "$srcdir/bench/delivery-post.lua" "http://127.0.0.1:$rport/ok" >/dev/null
wrk -t1 -c64 -d"${seconds}s" -s "$srcdir/bench/delivery-post.lua" "http://127.0.0.1:$rport/ok" >"$tmp/wrk"
alone=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$tmp/wrk")
echo "receiver alone (wrk -t1 -c64):            $alone requests/s"
curl_alone=$("$builddir/bench/curl_multi" "http://127.0.0.1:$rport/ok" $((4 * events)) 256)
echo "libcurl multi alone, one thread, -c256:    $curl_alone"

receiver_start burst
webhookd_start burst 4
node "$srcdir/bench/delivery-publish.mjs" "$base" "$key" burst "$events" | sed 's/^/  /'
wait_for burst $((4 * events))
first=$(stats burst first_ms)
last=$(stats burst last_ms)
n=$(stats burst requests)
rate=$(awk -v n="$n" -v ms="$((last - first))" 'BEGIN { printf "%.0f", n * 1000 / (ms > 0 ? ms : 1) }')
echo "webhookd sustained deliveries:             $rate deliveries/s ($n in $((last - first)) ms)"
curl_rate=${curl_alone%% *}
awk -v a="$rate" -v b="$alone" -v c="$curl_rate" 'BEGIN {
	printf "  ratio to the receiver alone:             %.2fx\n", a / b
	printf "  ratio to libcurl alone on one thread:    %.2fx\n", a / c }'

receiver_start paced
webhookd_start paced 1
node "$srcdir/bench/delivery-publish.mjs" "$base" "$key" paced $((1000 * seconds)) 1000 | sed 's/^/  /'
wait_for paced $((1000 * seconds))
echo "publish to receipt at 1,000 events/s:      p50 $(stats paced p50_ms) ms, p99 $(stats paced p99_ms) ms, max $(stats paced max_ms) ms ($(stats paced latency_samples) samples)"
