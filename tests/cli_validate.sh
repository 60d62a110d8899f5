#!/bin/sh
# lexc validate: the interop record vectors (each invalid one for the right
# reason), the project's own lexicons, input modes and exit statuses.
set -u
lexc() { ${LEXC_WRAPPER:-} "$LEXC_BIN" "$@"; }
data="$LEXC_TEST_DATA/validate"
catalog="$LEXC_TEST_DATA/interop/lexicon/catalog"
atproto="$LEXC_TEST_DATA/lexicons-atproto"
fails=0
passes=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # check NAME WANT_STATUS GOT_STATUS EXPECTED_FILE GOT_FILE
	if [ "$3" -ne "$2" ] || ! cmp -s "$4" "$5"; then
		echo "FAIL $1: status $3 (want $2)"
		diff "$4" "$5" | head -n 20
		fails=$((fails + 1))
	else
		passes=$((passes + 1))
	fi
}

# Interop: 3 valid records.
lexc validate -L "$catalog" -L "$atproto" example.lexicon.record \
	"$data/interop-record-valid.jsonl" >"$tmp/out" 2>"$tmp/err"
st=$?
printf 'ok\nok\nok\n' >"$tmp/want"
check "interop valid records" 0 $st "$tmp/want" "$tmp/out"

# Interop: 50 invalid records, each with its expected path and rule.
lexc validate -L "$catalog" -L "$atproto" example.lexicon.record \
	"$data/interop-record-invalid.jsonl" >"$tmp/out" 2>"$tmp/err"
check "interop invalid records" 1 $? "$data/interop-record-invalid.expected" "$tmp/out"
n=$(grep -c '^invalid: ' "$tmp/out")
if [ "$n" -ne 50 ]; then
	echo "FAIL: $n of 50 invalid records rejected"
	paste "$data/interop-record-invalid.names" "$tmp/out" | grep -v 'invalid: '
	fails=$((fails + 1))
fi

# The project's lexicons: a procedure's input, line by line from stdin.
lexc validate -L "$LEXC_SRCDIR/lexicons" place.stream.server.createWebhook \
	<"$data/createWebhook-input.jsonl" >"$tmp/out" 2>"$tmp/err"
check "createWebhook input" 1 $? "$data/createWebhook-input.expected" "$tmp/out"

# One document per file (pretty-printed JSON spans lines).
printf '{\n  "url": "https://example.com/x",\n  "events": [\n    "chat"\n  ]\n}\n' >"$tmp/doc.json"
lexc validate -L "$LEXC_SRCDIR/lexicons" place.stream.server.createWebhook "$tmp/doc.json" \
	"$tmp/doc.json" >"$tmp/out" 2>"$tmp/err"
st=$?
printf 'ok\nok\n' >"$tmp/want"
check "document files" 0 $st "$tmp/want" "$tmp/out"

# --lines forces JSON Lines for any file name; blank lines are skipped.
printf '{"url":"https://a.b/","events":["chat"]}\n\n{"url":"https://a.b/","events":[]}\n' \
	>"$tmp/two.txt"
lexc validate -L "$LEXC_SRCDIR/lexicons" --lines place.stream.server.createWebhook \
	"$tmp/two.txt" >"$tmp/out" 2>"$tmp/err"
st=$?
printf 'ok\nok\n' >"$tmp/want"
check "--lines" 0 $st "$tmp/want" "$tmp/out"

# Query output and params.
printf '{"webhooks":[]}\n{"webhooks":3}\n' >"$tmp/list.jsonl"
lexc validate -L "$LEXC_SRCDIR/lexicons" --output place.stream.server.listWebhooks \
	"$tmp/list.jsonl" >"$tmp/out" 2>"$tmp/err"
st=$?
printf 'ok\ninvalid: $.webhooks: expected an array, got number\n' >"$tmp/want"
check "--output" 1 $st "$tmp/want" "$tmp/out"
printf '{"limit":50}\n{"limit":1000}\n' >"$tmp/params.jsonl"
lexc validate -L "$LEXC_SRCDIR/lexicons" --params place.stream.server.listWebhooks \
	"$tmp/params.jsonl" >"$tmp/out" 2>"$tmp/err"
st=$?
printf 'ok\ninvalid: $.limit: greater than maximum 100\n' >"$tmp/want"
check "--params" 1 $st "$tmp/want" "$tmp/out"

# Usage and lexicon errors exit 2 with a message.
usage() { # usage NAME ARGS...
	name=$1
	shift
	lexc validate "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ $st -ne 2 ] || [ ! -s "$tmp/err" ]; then
		echo "FAIL $name: status $st (want 2) or no message"
		fails=$((fails + 1))
	else
		passes=$((passes + 1))
	fi
}
usage "no -L" place.stream.server.createWebhook
usage "no REF" -L "$LEXC_SRCDIR/lexicons"
usage "unknown id" -L "$LEXC_SRCDIR/lexicons" com.example.nothing
usage "unknown def" -L "$LEXC_SRCDIR/lexicons" place.stream.server.defs#nothing
usage "query without --output" -L "$LEXC_SRCDIR/lexicons" place.stream.server.listWebhooks
usage "missing file" -L "$LEXC_SRCDIR/lexicons" place.stream.server.createWebhook /nonexistent
usage "unknown option" -L "$LEXC_SRCDIR/lexicons" --frob place.stream.server.createWebhook
mkdir -p "$tmp/bad"
printf '{"lexicon": 1, "id": "com.example.bad", "defs": {"main": {"type": "string", "format": "url"}}}' \
	>"$tmp/bad/bad.json"
usage "invalid lexicons" -L "$tmp/bad" com.example.bad

echo "cli_validate: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
