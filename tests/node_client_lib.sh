# The reference TypeScript client (@atproto/xrpc from npm), installed once
# into the build tree at the versions tests/ts_client.package-lock.json
# pins: sourced by the tests that drive a server with it. Sets $node_dir.
# Tests run in parallel: the install holds a lock, and a failed install
# fails the test.
node_client_install() {
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		echo "SKIP: node and npm are not installed (scripts/deps.sh installs them)"
		exit 77
	fi
	echo "node $(node --version), npm $(npm --version)"
	node_dir="$LEXC_BUILDDIR/node-client"
	lock="$LEXC_SRCDIR/tests/ts_client.package-lock.json"
	exec 9>"$LEXC_BUILDDIR/node-client.lock"
	flock 9
	if [ ! -d "$node_dir/node_modules/@atproto/xrpc" ] || ! cmp -s "$lock" "$node_dir/package-lock.json"; then
		rm -rf "$node_dir"
		mkdir -p "$node_dir"
		cp "$LEXC_SRCDIR/tests/ts_client.package.json" "$node_dir/package.json"
		cp "$lock" "$node_dir/package-lock.json"
		for attempt in 1 2 3; do
			(cd "$node_dir" && npm ci --silent --no-audit --no-fund) && break
			[ "$attempt" = 3 ] && { echo "FAIL: npm ci (tests/ts_client.package-lock.json) failed"; exit 1; }
			sleep 5
		done
	fi
	# The helpers the client tests import (ESM resolves them beside the script).
	cp "$LEXC_SRCDIR/tests/xrpc_client_lib.mjs" "$node_dir/xrpc_client_lib.mjs"
	flock -u 9
}
