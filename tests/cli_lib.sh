# Helpers for the shell tests of lexc gen and lexc stubs: sourced, not run.
# Counts passes and failures, and keeps a scratch directory in $tmp.
lexc() { ${LEXC_WRAPPER:-} "$LEXC_BIN" "$@"; }
corpus="$LEXC_TEST_DATA/lexicons-atproto"
fails=0
passes=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL $*"
	fails=$((fails + 1))
}
pass() { passes=$((passes + 1)); }

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
