# Helpers for shell tests that run a server program: sourced, not run.
# serve OUT PROGRAM ARGS...: starts PROGRAM (under $LEXC_WRAPPER) with its
# stderr in OUT, waits for its "listening on" line, sets $pid and $port.
serve() {
	out=$1
	shift
	# Made here, not by the background job's redirections, which may run
	# after the first sed below (set -e then ends the test).
	: >"$out.log"
	: >"$out"
	${LEXC_WRAPPER:-} "$@" >"$out.log" 2>"$out" &
	pid=$!
	port=
	for _ in $(seq 1 600); do
		port=$(sed -n 's|^lexc: listening on http://[^ ]*:\([0-9]*\)/xrpc/$|\1|p' "$out")
		[ -n "$port" ] && return 0
		kill -0 "$pid" 2>/dev/null || { echo "FAIL: $1 exited:"; cat "$out"; exit 1; }
		sleep 0.05
	done
	echo "FAIL: $1 did not report its port"
	exit 1
}

# stop_server: SIGTERM, then the exit status must be 0 (graceful stop).
stop_server() {
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	pid=
	[ "$st" = 0 ] || { echo "FAIL: server exited with status $st after SIGTERM"; exit 1; }
}

fails=0
# expect NAME WANT_STATUS WANT_BODY_SUBSTRING CURL_ARGS...
expect() {
	name=$1 want_status=$2 want_body=$3
	shift 3
	body=$(curl -s -w '\n%{http_code}' "$@") || { echo "FAIL $name: curl failed"; fails=$((fails + 1)); return; }
	status=$(printf '%s' "$body" | tail -n 1)
	body=$(printf '%s' "$body" | sed '$d')
	case "$body" in
	*"$want_body"*) ok=1 ;;
	*) ok=0 ;;
	esac
	if [ "$status" = "$want_status" ] && [ "$ok" = 1 ]; then
		echo "ok   $name"
	else
		echo "FAIL $name: got $status $body; want $want_status ...$want_body..."
		fails=$((fails + 1))
	fi
}
