# Helpers for the webhookd tests: sourced, not run. They drive
# webhookd-test (webhookd with the test hooks: WEBHOOKD_TEST_CLOCK_FILE,
# WEBHOOKD_TEST_FAIL_FILE, WEBHOOKD_TEST_RESOLVE) on a real SQLite file.
. "$LEXC_SRCDIR/tests/server_lib.sh"
WEBHOOKD="$LEXC_BUILDDIR/examples/webhookd/webhookd-test"

# need_node: node 18 or later, or fail (a skip would hide the suite).
need_node() {
	if ! command -v node >/dev/null 2>&1; then
		echo "SKIP: node is not installed (scripts/deps.sh installs it)"
		exit 77
	fi
	echo "node $(node --version)"
}

# wh_key DATA_DIR DID [--operator]: prints a new API key.
wh_key() {
	dir=$1 did=$2
	shift 2
	${LEXC_WRAPPER:-} "$WEBHOOKD" key create --data-dir "$dir" --did "$did" "$@" 2>/dev/null
}

# wh_serve LOG DATA_DIR ARGS...: starts webhookd-test serve on a free port
# of 127.0.0.1; sets $pid and $port, $base (the server's URL).
wh_serve() {
	log=$1 dir=$2
	shift 2
	serve "$log" "$WEBHOOKD" serve --data-dir "$dir" --listen 127.0.0.1:0 "$@"
	base="http://127.0.0.1:$port"
}

# wh_receiver DIR: starts tests/webhook_receiver on a free port of
# 127.0.0.1 (a thread per connection), logging each request to
# DIR/recv.log; sets $rpid and $rport, or fails the test.
wh_receiver() {
	rdir=$1
	"$LEXC_BUILDDIR/tests/webhook_receiver" --port 0 --port-file "$rdir/recv.port" \
		--log "$rdir/recv.log" --threads 0 >"$rdir/recv.out" 2>&1 &
	rpid=$!
	for _ in $(seq 1 200); do
		[ -s "$rdir/recv.port" ] && break
		sleep 0.05
	done
	if [ ! -s "$rdir/recv.port" ]; then
		echo "FAIL: the receiver did not start: $(cat "$rdir/recv.out")"
		exit 1
	fi
	rport=$(cat "$rdir/recv.port")
}
