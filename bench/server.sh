#!/bin/sh
# bench/server.sh [BUILDDIR] [SECONDS] [CONNECTIONS]: requests per second and
# p50/p99 latency with wrk on loopback, for a query (listWebhooks?limit=5)
# and a JSON procedure with validation (createWebhook), against
# BUILDDIR/bench/server (lexc) and, when node is present, the reference
# @atproto/xrpc-server 0.13.2 (Express, installed from npm into
# BUILDDIR/bench-node) serving the same methods with the same answers, in
# the same run, each after a 2 s warm-up. Prints a table; it measures, it
# never fails.
set -eu
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir/build}" && pwd)
seconds=${2:-10}
conns=${3:-64}
command -v wrk >/dev/null 2>&1 || { echo "wrk not found (apt-get install wrk)"; exit 0; }
port_c=${LEXC_BENCH_PORT:-18180}
port_t=$((port_c + 1))
query="/xrpc/place.stream.server.listWebhooks?limit=5"
proc="/xrpc/place.stream.server.createWebhook"
out=$(mktemp)
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -f "$out"' EXIT

wait_up() { # wait_up PORT: until the server answers
	for _ in $(seq 1 100); do
		curl -s -o /dev/null "http://127.0.0.1:$1/xrpc/_health" && return 0
		curl -s -o /dev/null "http://127.0.0.1:$1$query" && return 0
		sleep 0.1
	done
	echo "server on port $1 did not come up" >&2
	return 1
}

# One wrk run: prints "NAME METHOD req/s p50 p99".
measure() { # measure NAME PORT
	# Warm up first (JIT, caches, connection pools), unmeasured.
	wrk -t1 -c"$conns" -d2s "http://127.0.0.1:$2$query" >/dev/null
	wrk -t1 -c"$conns" -d2s -s "$srcdir/bench/server-post.lua" "http://127.0.0.1:$2$proc" >/dev/null
	for m in query procedure; do
		if [ "$m" = query ]; then
			wrk -t1 -c"$conns" -d"${seconds}s" --latency "http://127.0.0.1:$2$query" >"$out"
		else
			wrk -t1 -c"$conns" -d"${seconds}s" --latency -s "$srcdir/bench/server-post.lua" \
				"http://127.0.0.1:$2$proc" >"$out"
		fi
		awk -v name="$1" -v m="$m" '
			/Requests\/sec/ { rps = $2 }
			/^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
			/Non-2xx/ { bad = $NF }
			END { printf "%-28s %-10s %12.0f %10s %10s%s\n", name, m, rps, p50, p99,
			      bad ? "  (" bad " non-2xx!)" : "" }' "$out"
	done
}

echo "wrk -t1 -c$conns -d${seconds}s on 127.0.0.1; $(nproc) cores shared by server and wrk"
printf '%-28s %-10s %12s %10s %10s\n' server method "requests/s" p50 p99

"$builddir/bench/server" --port "$port_c" --threads "$(nproc)" 2>/dev/null &
pids="$pids $!"
wait_up "$port_c"
# Check the answers before timing them.
curl -sf "http://127.0.0.1:$port_c$query" >/dev/null
measure "lexc (liblexc, $(nproc) threads)" "$port_c" | tee -a "$out.table"

if command -v node >/dev/null 2>&1; then
	node_dir="$builddir/bench-node"
	if [ ! -d "$node_dir/node_modules/@atproto/xrpc-server" ]; then
		mkdir -p "$node_dir"
		(cd "$node_dir" && npm install --silent --no-audit --no-fund \
			@atproto/xrpc-server@0.13.2 >/dev/null 2>&1) ||
			echo "(npm install of @atproto/xrpc-server failed: no reference figure)"
	fi
	if [ -d "$node_dir/node_modules/@atproto/xrpc-server" ]; then
		NODE_PATH="$node_dir/node_modules" node "$srcdir/bench/server-ts.js" \
			"$srcdir/lexicons" "$port_t" >/dev/null &
		pids="$pids $!"
		wait_up "$port_t"
		measure "@atproto/xrpc-server 0.13.2" "$port_t" | tee -a "$out.table"
		awk '/^lexc/ { c[$(NF-3)] = $(NF-2) } /^@atproto/ { t[$(NF-3)] = $(NF-2) }
		     END { for (m in c) if (t[m] > 0) printf "lexc / reference, %s: %.1fx\n", m, c[m] / t[m] }' \
			"$out.table"
	fi
else
	echo "(node not found: no reference figure)"
fi
rm -f "$out.table"
