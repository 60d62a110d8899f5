#!/bin/sh
# bench/auth.sh [BUILDDIR] [SECONDS] [CONNECTIONS]: authenticated requests
# per second with wrk on loopback against webhookd (listWebhooks, an empty
# page), one credential at a time in the same run: an API key, a service
# JWT on secp256k1 (ES256K) and one on P-256 (ES256), the issuers' keys in
# the warm cache (a PLC directory on 127.0.0.1 answered the first request).
# The tokens carry no jti, so one token serves the whole run. Then
# bench/auth: verifications per second in process, per curve. It measures,
# it never fails.
set -eu
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir/build}" && pwd)
seconds=${2:-10}
conns=${3:-32}
command -v wrk >/dev/null 2>&1 || { echo "wrk not found (apt-get install wrk)"; exit 0; }
command -v node >/dev/null 2>&1 || { echo "node not found"; exit 0; }
command -v openssl >/dev/null 2>&1 || { echo "openssl not found"; exit 0; }
webhookd="$builddir/webhookd"
[ -x "$builddir/.libs/webhookd" ] && webhookd="$builddir/.libs/webhookd"
mint="$builddir/tests/jwt_mint"
tmp=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
export LD_LIBRARY_PATH="$builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
. "$srcdir/bench/lib.sh"

service=did:web:bench.test
lxm=place.stream.server.listWebhooks
k256_did=did:plc:aaaaaaaaaaaaaaaaaaaaaaaa
p256_did=did:plc:bbbbbbbbbbbbbbbbbbbbbbbb
now=$(date +%s)
"$mint" k256 "$(openssl rand -hex 32)" $k256_did $service $lxm "" "$now" $((now + 3000)) >"$tmp/k256"
"$mint" p256 "$(openssl rand -hex 32)" $p256_did $service $lxm "" "$now" $((now + 3000)) >"$tmp/p256"
doc() { # doc DID DID-KEY
	printf '"%s":{"id":"%s","verificationMethod":[{"id":"%s#atproto","type":"Multikey","controller":"%s","publicKeyMultibase":"%s"}]}' \
		"$1" "$1" "$1" "$1" "${2#did:key:}"
}
printf '{%s,%s}' "$(doc $k256_did "$(sed -n 2p "$tmp/k256")")" \
	"$(doc $p256_did "$(sed -n 2p "$tmp/p256")")" >"$tmp/docs.json"
node "$srcdir/bench/auth-plc.mjs" "$tmp/docs.json" "$tmp/plc.port" &
pids="$pids $!"
for _ in $(seq 1 200); do
	[ -s "$tmp/plc.port" ] && break
	sleep 0.05
done

key=$("$webhookd" key create --data-dir "$tmp/data" --did $k256_did 2>/dev/null)
bench_start "$tmp/webhookd.log" "$webhookd" serve --data-dir "$tmp/data" --listen 127.0.0.1:0 \
	--service-did $service --plc-url "http://127.0.0.1:$(cat "$tmp/plc.port")"
url="http://127.0.0.1:$port/xrpc/$lxm"

echo "wrk -t1 -c$conns -d${seconds}s on 127.0.0.1; $(nproc) cores shared by webhookd and wrk"
printf '%-40s %12s %10s %10s\n' "credential (listWebhooks)" "requests/s" p50 p99
row() { # row NAME TOKEN
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $2" "$url")
	[ "$code" = 200 ] || echo "  ($1: the warm-up request answered $code)"
	wrk -t1 -c"$conns" -d"${seconds}s" --latency -H "Authorization: Bearer $2" "$url" >"$tmp/wrk"
	awk -v name="$1" '
		/Requests\/sec/ { rps = $2 }
		/^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
		/Non-2xx/ { bad = $NF }
		END { printf "%-40s %12.0f %10s %10s%s\n", name, rps, p50, p99,
		      bad ? "  (" bad " non-2xx!)" : ""; print rps > "/dev/stderr" }' "$tmp/wrk" 2>"$tmp/$3.rps"
}
row "API key" "$key" key
row "service JWT, ES256K (secp256k1)" "$(sed -n 1p "$tmp/k256")" k256
row "service JWT, ES256 (P-256)" "$(sed -n 1p "$tmp/p256")" p256
awk -v a="$(cat "$tmp/k256.rps")" -v b="$(cat "$tmp/p256.rps")" -v k="$(cat "$tmp/key.rps")" \
	'BEGIN { printf "ratios to the API key: ES256K %.2fx, ES256 %.2fx\n", a / k, b / k }'
echo
echo "in process (bench/auth: parse, claims and signature; the signature alone):"
"$builddir/bench/auth" 2
