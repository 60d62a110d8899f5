#!/bin/sh
# Quick start, command 1: install what is missing, build everything, and run
# the main job. Until webhookd exists, the main job is lexc on the project's
# lexicons (lint them, check every NSID against its path, generate C for them
# into build/generated/) and the hello example: start examples/hello, call
# it over HTTP, stop it with SIGTERM.
set -eu
. "$(dirname "$0")/deps.sh"
. "$(dirname "$0")/build.sh"
deps_ensure build
lexc_build
cd "$top"
lexc=build/lexc
$lexc --version
status=0
for f in $(find lexicons -name '*.json' | sort); do
	id=$(sed -n 's/^[[:space:]]*"id"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | head -n 1)
	verdict=$($lexc syntax nsid "$id") || status=1
	want=$(echo "${f#lexicons/}" | sed 's/\.json$//' | tr / .)
	if [ "$id" != "$want" ]; then
		verdict="$verdict; path says $want"
		status=1
	fi
	printf '%-50s %-36s %s\n' "$f" "$id" "$verdict"
done
$lexc lint -v lexicons || status=1
$lexc gen -v -o build/generated lexicons || status=1

echo
echo "examples/hello (the smallest lexc service):"
log=$(mktemp)
build/examples/hello/hello --port 0 2>"$log" &
pid=$!
port=
for _ in $(seq 1 100); do
	port=$(sed -n 's|^lexc: listening on http://[^ ]*:\([0-9]*\)/xrpc/$|\1|p' "$log")
	[ -n "$port" ] && break
	sleep 0.05
done
if [ -z "$port" ]; then
	cat "$log"
	status=1
else
	for q in "" "?name=Ada&times=2" "?name=nobody" "?times=9"; do
		url="http://127.0.0.1:$port/xrpc/com.example.hello.greet$q"
		echo "GET $url"
		echo "  $(curl -s -w ' (HTTP %{http_code})' "$url")"
	done
fi
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" || status=1
rm -f "$log"
exit $status
