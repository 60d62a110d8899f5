#!/bin/sh
# lexc syntax: exit statuses, output lines, argument and stdin modes, and
# every interop syntax vector run through the command line.
set -u
lexc() { ${LEXC_WRAPPER:-} "$LEXC_BIN" "$@"; }
fails=0
passes=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect() { # expect NAME WANT_STATUS WANT_STDOUT -- COMMAND...
	name=$1 want_status=$2 want_out=$3
	shift 4
	out=$("$@" 2>"$tmp/err")
	status=$?
	if [ "$status" -ne "$want_status" ] || [ "$out" != "$want_out" ]; then
		echo "FAIL $name: status $status (want $want_status), stdout:"
		printf '%s\n' "$out"
		echo "want:"
		printf '%s\n' "$want_out"
		sed 's/^/  stderr: /' "$tmp/err"
		fails=$((fails + 1))
	else
		passes=$((passes + 1))
	fi
}

expect "one valid did" 0 "valid" -- lexc syntax did did:plc:z72i7hdynmk6r22z27h6tvur
expect "one invalid did" 1 "invalid: $(lexc syntax did DID:plc:x | sed 's/^invalid: //')" \
	-- lexc syntax did DID:plc:x
expect "mixed args" 1 "valid
$(lexc syntax nsid 'com.example' | head -n 1)
valid" -- lexc syntax nsid com.example.foo com.example app.bsky.feed.post
expect "unknown format" 2 "" -- lexc syntax nosuchformat x
expect "no format" 2 "" -- lexc syntax
expect "no command" 2 "" -- lexc
expect "unknown command" 2 "" -- lexc frobnicate
expect "help" 0 "$(lexc --help)" -- lexc -h

# Reasons are non-empty and say something.
case "$(lexc syntax tid x)" in
"invalid: "?*) passes=$((passes + 1)) ;;
*) echo "FAIL: rejection without a reason"; fails=$((fails + 1)) ;;
esac

# Standard input: only the newline is stripped, so a trailing space counts.
printf 'alice.test\nalice.test \nbob.example.com' >"$tmp/in"
expect "stdin lines" 1 "valid
$(lexc syntax handle 'alice.test ')
valid" -- sh -c '"$0" syntax handle <"$1"' "$LEXC_BIN" "$tmp/in"
expect "empty stdin" 0 "" -- sh -c '"$0" syntax handle </dev/null' "$LEXC_BIN"

# Every interop vector through the command line.
syntax_dir="$LEXC_TEST_DATA/interop/syntax"
vectors=0
for file in "$syntax_dir"/*.txt; do
	base=$(basename "$file" .txt)
	case "$base" in
	atidentifier_*) fmt=at-identifier ;;
	aturi_*) fmt=at-uri ;;
	recordkey_*) fmt=record-key ;;
	*) fmt=${base%%_*} ;;
	esac
	grep -v '^#' "$file" | grep -v '^$' >"$tmp/vec"
	n=$(wc -l <"$tmp/vec")
	vectors=$((vectors + n))
	lexc syntax "$fmt" <"$tmp/vec" >"$tmp/out"
	status=$?
	case "$base" in
	*_valid)
		bad=$(grep -vc '^valid$' "$tmp/out")
		want_status=0
		;;
	*)
		bad=$(grep -vc '^invalid: ..*' "$tmp/out")
		want_status=1
		;;
	esac
	got=$(wc -l <"$tmp/out")
	if [ "$bad" -ne 0 ] || [ "$status" -ne "$want_status" ] || [ "$got" -ne "$n" ]; then
		echo "FAIL $base: $bad wrong verdicts, status $status, $got of $n lines"
		paste -d '|' "$tmp/vec" "$tmp/out" | head -n 20
		fails=$((fails + 1))
	else
		passes=$((passes + 1))
	fi
done
if [ "$vectors" -ne 536 ]; then
	echo "FAIL: ran $vectors syntax vectors, expected 536"
	fails=$((fails + 1))
fi
echo "cli_syntax: $vectors vectors; $passes passed, $fails failed"
[ "$fails" -eq 0 ]
