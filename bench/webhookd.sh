#!/bin/sh
# bench/webhookd.sh [BUILDDIR] [SECONDS] [CONNECTIONS]: requests per second
# and p50/p99 latency with wrk on loopback for webhookd on its SQLite store
# (a fresh data directory in /tmp): createWebhook and secret.create (each a
# durable transaction: WAL, synchronous=NORMAL, then again with FULL),
# listWebhooks (a page of 10 of one DID's webhooks), and beside them
# examples/hello (com.example.hello.greet, in memory) in the same run. Every
# request is authenticated with an API key. Prints a table and the ratios;
# it measures, it never fails.
set -eu
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir/build}" && pwd)
seconds=${2:-10}
conns=${3:-32}
command -v wrk >/dev/null 2>&1 || { echo "wrk not found (apt-get install wrk)"; exit 0; }
webhookd="$builddir/webhookd"
[ -x "$builddir/.libs/webhookd" ] && webhookd="$builddir/.libs/webhookd"
hello="$builddir/examples/hello/hello"
tmp=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
export LD_LIBRARY_PATH="$builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
. "$srcdir/bench/lib.sh"

# wrk_row NAME WRK-ARGS...: one measured run as a table row.
wrk_row() {
	name=$1
	shift
	wrk -t1 -c"$conns" -d"${seconds}s" --latency "$@" >"$tmp/wrk"
	awk -v name="$name" '
		/Requests\/sec/ { rps = $2 }
		/^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
		/Non-2xx/ { bad = $NF }
		END { printf "%-44s %12.0f %10s %10s%s\n", name, rps, p50, p99,
		      bad ? "  (" bad " non-2xx!)" : "" }' "$tmp/wrk" | tee -a "$tmp/table"
}

echo "wrk -t1 -c$conns -d${seconds}s on 127.0.0.1; $(nproc) cores shared by server and wrk"
printf '%-44s %12s %10s %10s\n' "server and method" "requests/s" p50 p99

bench_start "$tmp/hello.log" "$hello" --port 0 --threads "$(nproc)"
hello_port=$port
wrk -t1 -c"$conns" -d2s "http://127.0.0.1:$hello_port/xrpc/com.example.hello.greet?name=bench" >/dev/null
wrk_row "hello: greet (in memory)" "http://127.0.0.1:$hello_port/xrpc/com.example.hello.greet?name=bench"

for sync in normal full; do
	data="$tmp/data-$sync"
	key=$("$webhookd" key create --data-dir "$data" --did did:plc:bench 2>/dev/null)
	lkey=$("$webhookd" key create --data-dir "$data" --did did:plc:lister 2>/dev/null)
	bench_start "$tmp/webhookd-$sync.log" "$webhookd" serve --data-dir "$data" --listen 127.0.0.1:0 \
		--max-webhooks 1000000 --sync "$sync" --allow-net 127.0.0.0/8
	wpid=$!
	base="http://127.0.0.1:$port/xrpc"
	for i in $(seq 1 10); do
		curl -sf -o /dev/null -H "Authorization: Bearer $lkey" -H 'Content-Type: application/json' \
			-d "{\"url\":\"http://127.0.0.1:9/list/$i\",\"events\":[\"chat\"]}" \
			"$base/place.stream.server.createWebhook"
	done
	curl -sf -o /dev/null -H "Authorization: Bearer $lkey" "$base/place.stream.server.listWebhooks?limit=10"
	post="$srcdir/bench/webhookd-post.lua"
	wrk -t1 -c"$conns" -d2s -s "$post" "$base/place.stream.server.createWebhook" -- webhook warm-$sync "$key" >/dev/null
	if [ "$sync" = normal ]; then
		wrk -t1 -c"$conns" -d2s -H "Authorization: Bearer $lkey" "$base/place.stream.server.listWebhooks?limit=10" >/dev/null
		wrk_row "webhookd: listWebhooks (page of 10)" -H "Authorization: Bearer $lkey" \
			"$base/place.stream.server.listWebhooks?limit=10"
	fi
	wrk_row "webhookd: createWebhook (sync $sync)" -s "$post" \
		"$base/place.stream.server.createWebhook" -- webhook run-$sync "$key"
	wrk_row "webhookd: secret.create (sync $sync)" -s "$post" \
		"$base/place.wisp.v2.secret.create" -- secret run-$sync "$key"
	kill "$wpid"
	wait "$wpid" 2>/dev/null || true
done
awk '/^hello/ { h = $(NF-2) }
     /listWebhooks/ { l = $(NF-2) }
     END { if (h > 0) printf "listWebhooks / hello: %.2f (target at least 0.5)\n", l / h }' "$tmp/table"
awk '/createWebhook \(sync normal\)/ { printf "createWebhook, durable: %d/s (target at least 5000)\n", $(NF-2) }' "$tmp/table"
