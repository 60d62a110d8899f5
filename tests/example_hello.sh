#!/bin/sh
# examples/hello over real HTTP: the filled handler, its declared error, the
# server's param checks, the access log and a graceful stop on SIGTERM.
set -eu
. "$LEXC_SRCDIR/tests/server_lib.sh"
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
serve "$tmp/hello" "$LEXC_BUILDDIR/examples/hello/hello" --port 0 --threads 2
url="http://127.0.0.1:$port/xrpc/com.example.hello.greet"
expect "default params" 200 '{"message":"Hello, world!"}' "$url"
expect "params" 200 '{"message":"Hello, Ada! Hello, Ada!"}' "$url?name=Ada&times=2"
expect "percent-encoded UTF-8" 200 '{"message":"Hello, Zoë!"}' "$url?name=Zo%C3%AB"
expect "declared error" 400 '{"error":"NameNotAllowed","message":"nobody gets no greeting"}' \
	"$url?name=nobody"
expect "integer out of range" 400 '"error":"InvalidRequest"' "$url?times=4"
expect "not an integer" 400 'times' "$url?times=2abc"
expect "empty name" 400 'name' "$url?name="
expect "wrong verb" 405 '"error":"InvalidRequest"' -X POST "$url"
expect "unknown method" 501 '"error":"MethodNotImplemented"' \
	"http://127.0.0.1:$port/xrpc/com.example.hello.nope"
expect "health" 200 '"version"' "http://127.0.0.1:$port/xrpc/_health"
stop_server
lines=$(grep -c 'com.example.hello.greet' "$tmp/hello.log" || true)
if [ "$lines" -lt 8 ]; then
	echo "FAIL: access log has $lines greet lines, want at least 8:"
	cat "$tmp/hello.log"
	fails=$((fails + 1))
else
	echo "ok   access log ($lines greet lines)"
fi
[ "$fails" = 0 ]
