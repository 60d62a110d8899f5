# Helpers for the benches: sourced, not run.

# bench_start LOG PROGRAM ARGS...: starts a lexc server in the background,
# adds its pid to $pids and sets $port from its "listening on" line in LOG;
# exits if it does not start.
bench_start() {
	log=$1
	shift
	"$@" >/dev/null 2>"$log" &
	pids="$pids $!"
	port=
	for _ in $(seq 1 200); do
		port=$(sed -n 's|^lexc: listening on http://[^ ]*:\([0-9]*\)/xrpc/$|\1|p' "$log")
		[ -n "$port" ] && return 0
		sleep 0.05
	done
	echo "$* did not start: $(cat "$log")" >&2
	exit 1
}
