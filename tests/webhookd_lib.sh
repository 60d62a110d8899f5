# Helpers for the webhookd tests: sourced, not run. They drive
# webhookd-test (webhookd with the test hooks: WEBHOOKD_TEST_CLOCK_FILE,
# WEBHOOKD_TEST_FAIL_FILE, WEBHOOKD_TEST_RESOLVE) on a real store: the
# SQLite file in the data directory, or, with WEBHOOKD_TEST_STORE=postgres
# (tests/webhookd_*_pg.sh), a real PostgreSQL server that this file starts
# for the test (tests/pg_lib.sh: a throwaway cluster on a Unix socket) with
# a fresh database. One suite, two stores: every webhookd the helpers and
# the suites run goes through wh_run (wh_key and wh_serve use it), which
# adds --store URL on PostgreSQL and nothing on SQLite.
#   $wh_store       sqlite or postgres
#   $wh_store_url   the test's database (a libpq URI); empty on SQLite
#   $wh_lease_args  for suites that SIGKILL a server with deliveries in
#                   flight: --lease 2s on PostgreSQL (a killed process's
#                   claims return to the queue when their lease lapses; the
#                   default 60 s would stall the test), 10 s under
#                   $LEXC_WRAPPER (valgrind starts slowly); empty on SQLite
#   wh_store_newdb NAME  a second database for a second data directory
#   wh_cleanup      stops and removes the cluster: a suite's EXIT trap
#                   calls it beside its own cleanup (a no-op on SQLite)
. "$LEXC_SRCDIR/tests/server_lib.sh"
WEBHOOKD="$LEXC_BUILDDIR/examples/webhookd/webhookd-test"

wh_store=${WEBHOOKD_TEST_STORE:-sqlite}
wh_store_url=
wh_lease_args=
case $wh_store in
sqlite)
	wh_cleanup() { :; }
	wh_store_newdb() { :; }
	;;
postgres)
	. "$LEXC_SRCDIR/tests/pg_lib.sh"
	wh_cleanup() { pg_stop; }
	wh_store_newdb() {
		wh_store_url=$(pg_newdb "$1") || exit 1
		echo "store: PostgreSQL database $1"
	}
	# Never under $LEXC_WRAPPER: only webhookd runs in valgrind.
	pg_start "$(mktemp -d)"
	# Until the suite sets its own trap (which calls wh_cleanup too).
	trap wh_cleanup EXIT
	wh_store_newdb webhookd
	# shellcheck disable=SC2034 # the suites use it
	if [ -n "${LEXC_WRAPPER:-}" ]; then
		wh_lease_args="--lease 10s"
	else
		wh_lease_args="--lease 2s"
	fi
	;;
*)
	echo "FAIL: WEBHOOKD_TEST_STORE is '$wh_store': sqlite (the default) or postgres"
	exit 1
	;;
esac

# wh_run ARGS...: webhookd-test ARGS (under $LEXC_WRAPPER) on the test's
# store.
wh_run() {
	${LEXC_WRAPPER:-} "$WEBHOOKD" "$@" ${wh_store_url:+--store "$wh_store_url"}
}

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
	wh_run key create --data-dir "$dir" --did "$did" "$@" 2>/dev/null
}

# wh_serve LOG DATA_DIR ARGS...: starts webhookd-test serve on a free port
# of 127.0.0.1 on the test's store; sets $pid and $port, $base (the
# server's URL).
wh_serve() {
	log=$1 dir=$2
	shift 2
	serve "$log" "$WEBHOOKD" serve --data-dir "$dir" --listen 127.0.0.1:0 "$@" \
		${wh_store_url:+--store "$wh_store_url"}
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
