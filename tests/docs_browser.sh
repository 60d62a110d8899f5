#!/bin/sh
# examples/hello's documentation pages in a real browser: headless Chromium
# (Debian's chromium, which scripts/deps.sh installs) driven by puppeteer-core
# (pinned in tests/ts_client.package-lock.json) through tests/docs_browser.mjs.
# Screenshots of each step go to $LEXC_BUILDDIR/docs-screenshots. The
# Authorization value typed into "Try it" must not reach the access log.
set -eu
. "$LEXC_SRCDIR/tests/node_client_lib.sh"
chromium=$(command -v chromium || true)
[ -n "$chromium" ] || { echo "FAIL: chromium is not installed (scripts/deps.sh installs it)"; exit 1; }
node_client_install
. "$LEXC_SRCDIR/tests/server_lib.sh"
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
serve "$tmp/hello" "$LEXC_BUILDDIR/examples/hello/hello" --port 0 --threads 2
shots="$LEXC_BUILDDIR/docs-screenshots"
rm -rf "$shots"
mkdir -p "$shots"
cp "$LEXC_SRCDIR/tests/docs_browser.mjs" "$node_dir/docs_browser.mjs"
rc=0
HOME="$tmp" node "$node_dir/docs_browser.mjs" "http://127.0.0.1:$port" "$shots" "$chromium" || rc=$?
stop_server
for f in index try-it validate-valid validate-invalid dark; do
	if [ -s "$shots/$f.png" ]; then echo "ok   screenshot $f.png"; else
		echo "FAIL no screenshot $f.png"
		rc=1
	fi
done
if grep -q 'not-a-real-token' "$tmp/hello.log"; then
	echo "FAIL the Authorization value reached the access log"
	rc=1
else
	echo "ok   the Authorization value is not in the access log"
fi
exit "$rc"
