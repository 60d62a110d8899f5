# Helpers for the shell tests of lexc gen and lexc stubs: sourced, not run.
# Counts passes, failures and skips, and keeps a scratch directory in $tmp.
# A sub-check that cannot run (a tool missing) calls skip: it says SKIP and
# the test ends with status 77 (skipped) unless something failed, so a
# missing tool is never counted as a pass.
lexc() { ${LEXC_WRAPPER:-} "$LEXC_BIN" "$@"; }
corpus="$LEXC_TEST_DATA/lexicons-atproto"
fails=0
passes=0
skips=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL $*"
	fails=$((fails + 1))
}
pass() { passes=$((passes + 1)); }
skip() {
	echo "SKIP: $*"
	skips=$((skips + 1))
}

# finish NAME: the summary line, then exit 1 on any failure, 77 (skipped) on
# any skipped sub-check, 0 otherwise.
finish() {
	echo "$1: $passes passed, $fails failed, $skips skipped"
	[ "$fails" -eq 0 ] || exit 1
	[ "$skips" -eq 0 ] || exit 77
	exit 0
}

# expect NAME WANT_STATUS GOT_STATUS
expect() {
	if [ "$3" -ne "$2" ]; then fail "$1: status $3 (want $2)"; else pass; fi
}

# contains NAME FILE TEXT
contains() {
	if grep -qF -- "$3" "$2"; then pass; else
		fail "$1: no '$3' in:"
		head -n 20 "$2"
	fi
}
