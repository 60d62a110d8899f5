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

# bench_tmpdir: a new temporary directory, in memory (/dev/shm) when
# possible (BENCH_TMPDIR overrides): on a disk, creating hundreds of files
# right after deleting as many makes ext4 scan for recently deleted inodes,
# which times the file system rather than lexc.
bench_tmpdir() {
	base=${BENCH_TMPDIR:-}
	if [ -z "$base" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then base=/dev/shm; fi
	mktemp -d ${base:+-p "$base"}
}

# bench_real_binary PROGRAM: sets $bench_bin to the program itself when
# PROGRAM is a libtool wrapper script (whose shell start-up would be timed
# with every run), exporting LD_LIBRARY_PATH to find its libraries; else
# to PROGRAM.
bench_real_binary() {
	bench_bin=$1
	dir=$(dirname "$1")
	name=$(basename "$1")
	if [ -x "$dir/.libs/$name" ] && head -c 2 "$1" | grep -q '#!'; then
		LD_LIBRARY_PATH="$dir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
		export LD_LIBRARY_PATH
		bench_bin="$dir/.libs/$name"
	fi
}
