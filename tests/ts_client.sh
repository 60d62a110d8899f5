#!/bin/sh
# The reference TypeScript client (@atproto/xrpc from npm) against a real
# lexc server (tests/xrpc_fixture): successful calls, and error names as that
# client reports them. Skipped only where node is missing. The npm package is
# installed once into the build tree, at the versions
# tests/ts_client.package-lock.json pins; a failed install fails the test.
set -eu
# @atproto/xrpc 0.8.18 declares node >=22 and runs on Debian 12's node 18
# (doc/testing.md): the log says which node ran it.
. "$LEXC_SRCDIR/tests/node_client_lib.sh"
node_client_install
dir=$node_dir
out=$(mktemp)
${LEXC_WRAPPER:-} "$LEXC_BUILDDIR/tests/xrpc_fixture" --port 0 >"$out" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 1 600); do
	grep -q '^port ' "$out" && break
	kill -0 "$pid" 2>/dev/null || { echo "FAIL: the fixture server exited"; exit 1; }
	sleep 0.05
done
port=$(sed -n 's/^port //p' "$out")
[ -n "$port" ] || { echo "FAIL: the fixture server did not report its port"; exit 1; }
# ESM resolves packages from the script's directory: run a copy there.
cp "$LEXC_SRCDIR/tests/ts_client.mjs" "$dir/ts_client.mjs"
node "$dir/ts_client.mjs" "$LEXC_SRCDIR/lexicons" "http://127.0.0.1:$port"
