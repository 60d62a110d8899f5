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

# Lowering: every constraint kind of constraints/, one valid and one invalid
# value each (string length, graphemes, format, enum, knownValues, const,
# default; integer range, enum, const, default; boolean const, default;
# bytes, blob accept/maxSize, array, required, nullable, refs to #main,
# closed and open unions by bare NSID, unknown, cid-link, the record $type).
lexc validate -L "$data/constraints" com.example.constraints \
	"$data/constraints-record.jsonl" >"$tmp/out" 2>"$tmp/err"
check "constraints" 1 $? "$data/constraints-record.expected" "$tmp/out"

# Defs that are not objects: an array def and a string def, as documents.
printf '[1,5]\n[]\n[1,2,3]\n[6]\n{}\n[1,\n' >"$tmp/list.jsonl"
lexc validate -L "$data/constraints" 'com.example.constraints#list' \
	"$tmp/list.jsonl" >"$tmp/out" 2>"$tmp/err"
st=$?
cat >"$tmp/want" <<'EOF'
ok
invalid: $: fewer than minLength 1 items
invalid: $: more than maxLength 2 items
invalid: $[0]: greater than maximum 5
invalid: $: expected an array, got object
invalid: $: invalid JSON at byte 3: unexpected end of input
EOF
check "array def" 1 $st "$tmp/want" "$tmp/out"
printf '"abc"\n"abcd"\n"a" 1\n' >"$tmp/label.jsonl"
lexc validate -L "$data/constraints" 'com.example.constraints#label' \
	"$tmp/label.jsonl" >"$tmp/out" 2>"$tmp/err"
st=$?
cat >"$tmp/want" <<'EOF'
ok
invalid: $: longer than maxLength 3
invalid: $: invalid JSON at byte 4: trailing data after the JSON value
EOF
check "string def" 1 $st "$tmp/want" "$tmp/out"

# JSON Lines: CRLF endings, and lines of only whitespace are blank lines.
printf '"a"\r\n  \r\n\t\n\r\n"abcd"\r\n' |
	lexc validate -L "$data/constraints" 'com.example.constraints#label' \
		>"$tmp/out" 2>"$tmp/err"
st=$?
printf 'ok\ninvalid: $: longer than maxLength 3\n' >"$tmp/want"
check "CRLF and blank lines" 1 $st "$tmp/want" "$tmp/out"

# Empty input: nothing to validate on stdin; an empty document is invalid.
lexc validate -L "$data/constraints" 'com.example.constraints#label' \
	</dev/null >"$tmp/out" 2>"$tmp/err"
st=$?
: >"$tmp/want"
check "empty stdin" 0 $st "$tmp/want" "$tmp/out"
: >"$tmp/empty.json"
lexc validate -L "$data/constraints" 'com.example.constraints#label' \
	"$tmp/empty.json" >"$tmp/out" 2>"$tmp/err"
st=$?
printf 'invalid: $: invalid JSON at byte 0: unexpected end of input\n' >"$tmp/want"
check "empty document" 1 $st "$tmp/want" "$tmp/out"

# A huge line (8 MB string) is one value like any other.
awk 'BEGIN { s = "x"; while (length(s) < 8388608) s = s s; printf "\"%s\"\n\"ab\"\n", s }' \
	>"$tmp/huge.jsonl"
lexc validate -L "$data/constraints" 'com.example.constraints#label' \
	"$tmp/huge.jsonl" >"$tmp/out" 2>"$tmp/err"
st=$?
printf 'invalid: $: longer than maxLength 3\nok\n' >"$tmp/want"
check "huge line" 1 $st "$tmp/want" "$tmp/out"

# Unreadable inputs and outputs: exit 2, a message naming the file and why.
io_error() { # io_error NAME WANT_STDERR_PATTERN ARGS...
	name=$1
	pattern=$2
	shift 2
	lexc validate -L "$data/constraints" 'com.example.constraints#label' "$@" \
		>"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ $st -ne 2 ] || ! grep -q "$pattern" "$tmp/err"; then
		echo "FAIL $name: status $st (want 2), stderr:"
		cat "$tmp/err"
		fails=$((fails + 1))
	else
		passes=$((passes + 1))
	fi
}
io_error "missing file" '^lexc validate: cannot open /nonexistent: No such file' /nonexistent
io_error "directory as file" "^lexc validate: cannot read $data: Is a directory" "$data"
io_error "directory on stdin" '^lexc validate: cannot read standard input: Is a directory' <"$data"
if [ -w /dev/full ]; then
	printf '"a"\n' | lexc validate -L "$data/constraints" 'com.example.constraints#label' \
		>/dev/full 2>"$tmp/err"
	st=$?
	if [ $st -ne 2 ] || ! grep -q '^lexc validate: standard output: No space' "$tmp/err"; then
		echo "FAIL write error: status $st (want 2)"
		cat "$tmp/err"
		fails=$((fails + 1))
	else
		passes=$((passes + 1))
	fi
fi

# --allow-unresolved (Lexicon Garden's "treat unresolved references as
# valid"): without it the missing lexicon is an error; with it each
# unresolved ref is a warning, accepts any value (a string, a number, an
# object), opens the closed union it is a variant of, and every other rule
# still holds.
unres="$data/unresolved"
lexc validate -L "$unres" com.example.unres </dev/null >"$tmp/out" 2>"$tmp/err"
st=$?
if [ $st -ne 2 ] || ! grep -q 'unres.json: \$.defs.main.record.properties.ext: unresolved ref "com.example.missing#thing": no lexicon with id "com.example.missing"' "$tmp/err"; then
	echo "FAIL unresolved without the option: status $st (want 2)"
	cat "$tmp/err"
	fails=$((fails + 1))
else
	passes=$((passes + 1))
fi
cat >"$tmp/unres.jsonl" <<'EOF2'
{"$type":"com.example.unres","text":"hi","ext":"a string"}
{"$type":"com.example.unres","text":"hi","ext":{"any":["thing"]},"u":{"$type":"com.example.missing#a","z":1}}
{"$type":"com.example.unres","text":"hi","ext":1,"u":{"$type":"com.example.unres#other","n":2}}
{"$type":"com.example.unres","text":"toolong","ext":{}}
{"$type":"com.example.unres","text":"hi","ext":null}
{"$type":"com.example.unres","text":"hi"}
{"$type":"com.example.unres","text":"hi","ext":1,"u":{"$type":"com.example.unres#other","n":"two"}}
EOF2
printf '%s\n' ok ok ok 'invalid: $.text: longer than maxLength 5' 'invalid: $.ext: expected a value, got null' \
	'invalid: $: missing required property "ext"' 'invalid: $.u.n: expected an integer, got string' \
	>"$tmp/unres.expected"
lexc validate --allow-unresolved -L "$unres" com.example.unres "$tmp/unres.jsonl" >"$tmp/out" 2>"$tmp/err"
st=$?
if [ $st -ne 1 ] || ! diff -u "$tmp/unres.expected" "$tmp/out" ||
	[ "$(grep -c 'warning: unresolved ref .*; any value is accepted' "$tmp/err")" -ne 2 ]; then
	echo "FAIL --allow-unresolved: status $st (want 1)"
	cat "$tmp/err"
	fails=$((fails + 1))
else
	passes=$((passes + 1))
fi

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
