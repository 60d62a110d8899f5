# Helpers for the hostile-input suite (tests/hostile.sh, tests/hostile_rss.sh,
# bench/hostile.sh): sourced, not run. The caller sets srcdir (the source
# tree) and builddir (the build tree).
#
# tests/data/hostile/expected.txt has one line per shape:
#   SHAPE NSID SIZES ok
#   SHAPE NSID SIZES invalid PATH MESSAGE...
# SIZES is a comma-separated subset of 0 (the smallest body), 64k, 256k and
# 1m that make check runs (the benchmark runs 64k, 256k and 1m for every
# shape). PATH is the exact JSON path, or a prefix when it ends in '*';
# MESSAGE is a substring of the message (case-insensitive).

hostile_table="$srcdir/tests/data/hostile/expected.txt"
createwebhook=place.stream.server.createWebhook

# hostile_shapes: the table without comments and blank lines; only the shapes
# named in $HOSTILE_SHAPES (space-separated) when that is set.
hostile_shapes() {
	grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$hostile_table" |
		awk -v only="${HOSTILE_SHAPES:-}" '
			BEGIN { n = split(only, o, " "); for (i = 1; i <= n; i++) want[o[i]] = 1 }
			n == 0 || ($1 in want)'
}

# hostile_bytes SIZE: the byte budget of a size name. 1m is 1 KiB under the
# server's 1 MiB body limit.
hostile_bytes() {
	case $1 in
	0) echo 0 ;;
	64k) echo 65536 ;;
	256k) echo 262144 ;;
	1m) echo 1047552 ;;
	*)
		echo "hostile: unknown size $1" >&2
		return 1
		;;
	esac
}

# hostile_lexicons NSID: the lexicon directory that has NSID.
hostile_lexicons() {
	case $1 in
	app.bsky.*) echo "$srcdir/tests/data/lexicons-atproto" ;;
	*) echo "$srcdir/lexicons" ;;
	esac
}

# hostile_gen SHAPE SIZE FILE: writes the body.
hostile_gen() {
	"$builddir/tests/hostile_gen" "$1" "$(hostile_bytes "$2")" >"$3"
}

# hostile_match VERDICT PATH MESSAGE TEXT: whether TEXT (a message "PATH:
# MSG", possibly after a prefix ending in a space, as the server's "Input: ")
# is the expected one. VERDICT is ok or invalid.
hostile_match() {
	_path=$2
	_msg=$(printf '%s' "$3" | tr '[:upper:]' '[:lower:]')
	_text=$4
	case $_path in
	*\*)
		_path=${_path%\*}
		case $_text in
		"$_path"* | *" $_path"*) ;;
		*) return 1 ;;
		esac
		;;
	*)
		case $_text in
		"$_path: "* | *" $_path: "*) ;;
		*) return 1 ;;
		esac
		;;
	esac
	_text=$(printf '%s' "$_text" | tr '[:upper:]' '[:lower:]')
	case $_text in
	*"$_msg"*) return 0 ;;
	*) return 1 ;;
	esac
}

# fixture_start OUT: starts tests/xrpc_fixture (under $LEXC_WRAPPER) on a
# free port, sets $fixture_pid and $fixture_url (the createWebhook URL).
fixture_start() {
	: >"$1"
	${LEXC_WRAPPER:-} "$builddir/tests/xrpc_fixture" --port 0 >"$1" 2>"$1.err" &
	fixture_pid=$!
	_port=
	for _ in $(seq 1 600); do
		_port=$(sed -n 's/^port //p' "$1")
		[ -n "$_port" ] && break
		kill -0 "$fixture_pid" 2>/dev/null || {
			echo "FAIL: the fixture server exited:"
			cat "$1.err"
			return 1
		}
		sleep 0.05
	done
	[ -n "$_port" ] || {
		echo "FAIL: the fixture server did not report its port"
		return 1
	}
	fixture_url="http://127.0.0.1:$_port/xrpc/$createwebhook"
}

# fixture_stop: SIGTERM; the exit status must be 0 (a graceful stop).
fixture_stop() {
	[ -n "${fixture_pid:-}" ] || return 0
	kill -TERM "$fixture_pid" 2>/dev/null || true
	_st=0
	wait "$fixture_pid" || _st=$?
	fixture_pid=
	[ "$_st" = 0 ] || {
		echo "FAIL: the fixture server exited with status $_st after SIGTERM"
		return 1
	}
}

# fixture_hwm: the fixture's peak RSS in KiB (VmHWM). Under a wrapper the
# pid is the wrapper's: meaningful only without one.
fixture_hwm() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$fixture_pid/status"
}

# instrumented: prints why RSS figures mean nothing in this build (valgrind
# or a sanitizer) and succeeds, or fails when they are meaningful.
instrumented() {
	if [ -n "${LEXC_WRAPPER:-}" ]; then
		echo "the tests run under a wrapper (valgrind): $LEXC_WRAPPER"
		return 0
	fi
	_flags="${LEXC_CFLAGS:-} ${LEXC_LDFLAGS:-}"
	if [ -z "${LEXC_CFLAGS+set}" ] && [ -f "$builddir/Makefile" ]; then
		_flags=$(sed -n -e 's/^CFLAGS = //p' -e 's/^LDFLAGS = //p' "$builddir/Makefile")
	fi
	case $_flags in
	*-fsanitize*)
		echo "the build is instrumented with sanitizers (-fsanitize)"
		return 0
		;;
	esac
	return 1
}
