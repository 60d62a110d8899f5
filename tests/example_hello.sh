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
# The documentation lexc gen --docs made (tests/docs_browser.sh uses it in
# a browser): pages, the redirect, and /xrpc/_validate's verdicts.
base="http://127.0.0.1:$port"
expect "docs index" 200 '<a href="com.example.hello.greet"><code>com.example.hello.greet</code></a>' "$base/docs/"
expect "docs page" 200 '<h1>com.example.hello.greet</h1>' "$base/docs/com.example.hello.greet"
expect "docs page has Try it" 200 '<form class="try" data-nsid="com.example.hello.greet" data-verb="GET">' \
	"$base/docs/com.example.hello.greet"
expect "docs record page has Validate" 200 '<form class="validate" data-type="com.example.hello.greeting">' \
	"$base/docs/com.example.hello.greeting"
expect "docs redirect" 308 '' "$base/docs"
expect "docs unknown page" 404 '"error":"XRPCNotSupported"' "$base/docs/com.example.nothing"
expect "docs wrong verb" 405 '' -X POST "$base/docs/"
csp=$(curl -s -D - -o /dev/null "$base/docs/" | tr -d '\r' | sed -n 's/^Content-Security-Policy: //p')
case "$csp" in
*"connect-src 'self'"*"frame-ancestors 'none'"*) echo "ok   docs Content-Security-Policy" ;;
*) echo "FAIL docs Content-Security-Policy: '$csp'"; fails=$((fails + 1)) ;;
esac
v="$base/xrpc/_validate?type=com.example.hello.greeting"
json='Content-Type: application/json'
expect "validate valid" 200 '{"type":"com.example.hello.greeting","valid":true,"allowUnresolved":false}' \
	-H "$json" -d '{"$type":"com.example.hello.greeting","text":"hi","createdAt":"2026-01-01T00:00:00Z"}' "$v"
expect "validate invalid" 200 '"valid":false,"path":"$.createdAt","message":"' \
	-H "$json" -d '{"$type":"com.example.hello.greeting","text":"hi","createdAt":"yesterday"}' "$v"
expect "validate missing property" 200 '"valid":false,"path":"$","message":"missing required property \"createdAt\""' \
	-H "$json" -d '{"$type":"com.example.hello.greeting","text":"hi"}' "$v"
expect "validate wrong \$type" 200 '"valid":false' \
	-H "$json" -d '{"$type":"com.example.other","text":"hi","createdAt":"2026-01-01T00:00:00Z"}' "$v"
expect "validate malformed JSON" 200 '"valid":false' -H "$json" -d '{"text":' "$v"
expect "validate allowUnresolved" 200 '"valid":true,"allowUnresolved":true' \
	-H "$json" -d '{"$type":"com.example.hello.greeting","text":"hi","createdAt":"2026-01-01T00:00:00Z"}' \
	"$v&allowUnresolved=true"
expect "validate unknown type" 400 '"error":"InvalidRequest","message":"type: no record or object' \
	-H "$json" -d '{}' "$base/xrpc/_validate?type=com.example.nothing"
expect "validate without type" 400 'type: required' -H "$json" -d '{}' "$base/xrpc/_validate"
expect "validate not JSON" 400 'expected application/json' -H 'Content-Type: text/plain' -d '{}' "$v"
expect "validate no body" 400 'Request body required' -H "$json" -X POST "$v"
expect "validate GET" 405 '' "$v"
head -c 2000000 /dev/zero | tr '\0' ' ' >"$tmp/big.json"
expect "validate body limit" 413 '"error":"PayloadTooLarge"' -H "$json" --data-binary @"$tmp/big.json" "$v"
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
