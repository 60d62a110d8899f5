#!/bin/sh
# lexc lint: the interop lexicon vectors, the 402 official lexicons, the
# project's own lexicons, the bad lexicons of tests/data/lint (exact
# expected diagnostics), --external, and the command line itself.
set -u
lexc() { ${LEXC_WRAPPER:-} "$LEXC_BIN" "$@"; }
fails=0
passes=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { passes=$((passes + 1)); }
fail() { # fail NAME: the last run's stdout and stderr follow
	echo "FAIL $1"
	sed 's/^/  stdout: /' "$tmp/out"
	sed 's/^/  stderr: /' "$tmp/err"
	fails=$((fails + 1))
}

# run COMMAND...: runs it with stdout and stderr in $tmp/out and $tmp/err.
run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
}

# expect NAME WANT_STATUS WANT_STDERR_PATTERN -- COMMAND...: the status, an
# empty stdout, and a stderr line matching the pattern ("" = empty stderr).
expect() {
	name=$1 want_status=$2 pattern=$3
	shift 4
	run "$@"
	ok=true
	[ "$status" -eq "$want_status" ] || ok=false
	[ -s "$tmp/out" ] && ok=false
	if [ -z "$pattern" ]; then
		[ -s "$tmp/err" ] && ok=false
	else
		grep -q -- "$pattern" "$tmp/err" || ok=false
	fi
	if $ok; then pass; else fail "$name (status $status, want $want_status)"; fi
}

# ---- (a) interop vectors: each case's "lexicon" member to its own file ----
# The vector files are pretty-printed JSON; this cuts out each value of a
# "lexicon" key by counting braces (their strings hold no braces).
split_vectors() { # split_vectors FILE PREFIX: writes PREFIX-N.json, prints N
	awk -v prefix="$2" '
	function count(s, c,   t) { t = s; return gsub(c, "", t) }
	depth == 0 && /^    "lexicon": \{/ {
		n++
		out = prefix "-" n ".json"
		sub(/^    "lexicon": /, "")
		depth = count($0, "{") - count($0, "}")
		print > out
		next
	}
	depth > 0 {
		depth += count($0, "{") - count($0, "}")
		if (depth == 0) sub(/,[ \t]*$/, "")
		print > out
		if (depth == 0) close(out)
	}
	END { print n + 0 }' "$1"
}
interop="$LEXC_TEST_DATA/interop/lexicon"
n_valid=$(split_vectors "$interop/lexicon-valid.json" "$tmp/valid")
n_invalid=$(split_vectors "$interop/lexicon-invalid.json" "$tmp/invalid")
if [ "$n_valid" -ne 3 ] || [ "$n_invalid" -ne 7 ]; then
	echo "FAIL: found $n_valid valid and $n_invalid invalid interop lexicons, want 3 and 7"
	fails=$((fails + 1))
fi
i=1
while [ "$i" -le "$n_valid" ]; do
	expect "interop valid $i" 0 "" -- lexc lint "$tmp/valid-$i.json"
	i=$((i + 1))
done
i=1
while [ "$i" -le "$n_invalid" ]; do
	# Each rejection must name the file and a JSON path.
	expect "interop invalid $i" 1 "^$tmp/invalid-$i.json: "'[$][^:]*: ' -- \
		lexc lint "$tmp/invalid-$i.json"
	echo "interop invalid $i: $(grep -v '^lexc lint:' "$tmp/err" | sed "s|^$tmp/||" |
		tr '\n' ';')"
	i=$((i + 1))
done

# ---- (b) the 402 official lexicons in one run; (c) the project's own ------
corpus="$LEXC_TEST_DATA/lexicons-atproto"
n=$(find "$corpus" -name '*.json' | wc -l)
if [ "$n" -ne 402 ]; then
	echo "FAIL: $n official lexicons, want 402"
	fails=$((fails + 1))
fi
expect "official corpus" 0 "" -- lexc lint "$corpus"
run lexc lint -v "$corpus"
case "$(cat "$tmp/out")" in
"402 documents, "*" 0 errors, 0 warnings") pass ;;
*) fail "official corpus -v summary" ;;
esac
expect "project lexicons" 0 "" -- lexc lint "$LEXC_SRCDIR/lexicons"

# The interop catalog refers to app.bsky: clean with the corpus as external.
catalog="$interop/catalog"
expect "catalog alone" 1 'unresolved ref "app.bsky.actor.defs#preferences"' -- \
	lexc lint "$catalog"
expect "catalog with --external" 0 "" -- lexc lint --external "$corpus" "$catalog"

# One document of the corpus: its refs need the rest.
post="$corpus/app/bsky/feed/post.json"
expect "post.json --external" 0 "" -- lexc lint "$post" --external "$corpus"
expect "post.json --external=" 0 "" -- lexc lint --external="$corpus" "$post"
expect "post.json alone" 1 \
	'properties.facets.items: unresolved ref "app.bsky.richtext.facet": no lexicon' -- \
	lexc lint "$post"
if [ "$(grep -c 'unresolved ref' "$tmp/err")" -ne 10 ]; then
	fail "post.json alone: want 10 unresolved refs"
else
	pass
fi

# ---- (d) tests/data/lint: exact diagnostics, run from that folder --------
lintdir="$LEXC_TEST_DATA/lint"
cases=0
for expected in "$lintdir"/*.expected; do
	name=$(basename "$expected" .expected)
	target="$name.json"
	[ -d "$lintdir/$name" ] && target=$name
	cases=$((cases + 1))
	(cd "$lintdir" && lexc lint "$target") >"$tmp/out" 2>"$tmp/err"
	status=$?
	want_status=0
	grep -q '^lexc lint: [1-9][0-9]* error' "$expected" && want_status=1
	if [ "$status" -eq "$want_status" ] && [ ! -s "$tmp/out" ] &&
		cmp -s "$expected" "$tmp/err"; then
		pass
	else
		echo "FAIL lint case $name: status $status (want $want_status)"
		diff "$expected" "$tmp/err" | sed 's/^/  /'
		fails=$((fails + 1))
	fi
done
if [ "$cases" -lt 40 ]; then
	echo "FAIL: only $cases lint cases"
	fails=$((fails + 1))
fi

# ---- --external: only referenced external documents must be valid -------
mkdir -p "$tmp/ext/good" "$tmp/ext/bad" "$tmp/own"
cat >"$tmp/ext/good/defs.json" <<'EOF'
{ "lexicon": 1, "id": "com.example.ext.defs",
  "defs": { "thing": { "type": "object", "properties": { "n": { "type": "integer" } } } } }
EOF
cat >"$tmp/ext/bad/broken.json" <<'EOF'
{ "lexicon": 1, "id": "com.example.ext.broken",
  "defs": { "main": { "type": "object", "properties": { "u": { "type": "string", "format": "url" } } } } }
EOF
printf '{ "lexicon": 1, ' >"$tmp/ext/bad/syntax.json"
cat >"$tmp/own/use.json" <<'EOF'
{ "lexicon": 1, "id": "com.example.own.use",
  "defs": { "main": { "type": "object", "properties": {
    "t": { "type": "ref", "ref": "com.example.ext.defs#thing" } } } } }
EOF
cat >"$tmp/own/usebroken.json" <<'EOF'
{ "lexicon": 1, "id": "com.example.own.useBroken",
  "defs": { "main": { "type": "object", "properties": {
    "b": { "type": "ref", "ref": "com.example.ext.broken" } } } } }
EOF
expect "external: unreferenced errors ignored, bad JSON a warning" 0 \
	"syntax.json:1:16: warning: invalid JSON" -- \
	lexc lint "$tmp/own/use.json" --external "$tmp/ext"
if grep -q 'format' "$tmp/err"; then fail "external: unreferenced error reported"; else pass; fi
expect "external: referenced errors count" 1 \
	"ext/bad/broken.json: \\$.defs.main.properties.u: unknown format \"url\"" -- \
	lexc lint "$tmp/own" --external "$tmp/ext"
expect "external: missing without it" 1 \
	'unresolved ref "com.example.ext.defs#thing": no lexicon' -- lexc lint "$tmp/own/use.json"
# A project document wins over an external one with the same id.
cp "$tmp/ext/good/defs.json" "$tmp/own/defs.json"
expect "external: own document shadows external" 0 "" -- \
	lexc lint "$tmp/own/defs.json" --external "$tmp/ext/good"
# The same file given twice is loaded once.
expect "same file twice" 0 "" -- lexc lint "$tmp/own/defs.json" "$tmp/own/defs.json"

# ---- the command line ------------------------------------------------------
expect "no arguments" 2 "no lexicon files" -- lexc lint
expect "unknown option" 2 "unknown option '--frob'" -- lexc lint --frob "$tmp/own"
expect "external without dir" 2 "missing directory after '--external'" -- \
	lexc lint "$tmp/own" --external
expect "unreadable path" 2 "^$tmp/nonexistent: cannot read: " -- \
	lexc lint "$tmp/nonexistent" "$tmp/own/defs.json"
expect "unreadable external" 2 "cannot read" -- \
	lexc lint "$tmp/own/defs.json" --external "$tmp/nonexistent"
run lexc lint --help
if [ "$status" -eq 0 ] && grep -q '^usage: lexc lint' "$tmp/out" && [ ! -s "$tmp/err" ]; then
	pass
else
	fail "--help"
fi
run lexc lint -v "$tmp/own/defs.json"
if [ "$status" -eq 0 ] && grep -q '^1 documents, 1 defs checked;' "$tmp/out"; then
	pass
else
	fail "-v summary"
fi
run lexc --help
if grep -q '^  lint ' "$tmp/out"; then pass; else fail "lint listed in lexc --help"; fi
# Directories: only *.json, recursively, hidden entries skipped.
mkdir -p "$tmp/tree/a/b" "$tmp/tree/.hidden"
cp "$tmp/own/defs.json" "$tmp/tree/a/b/defs.json"
echo 'not json' >"$tmp/tree/a/notes.txt"
echo 'not json' >"$tmp/tree/.hidden/x.json"
run lexc lint -v "$tmp/tree"
if [ "$status" -eq 0 ] && grep -q '^1 documents' "$tmp/out"; then pass; else fail "tree walk"; fi
# A dangling symlink is no lexicon unless it is named *.json.
ln -s "$tmp/nowhere" "$tmp/tree/a/stale-link"
run lexc lint -v "$tmp/tree"
if [ "$status" -eq 0 ] && grep -q '^1 documents' "$tmp/out"; then
	pass
else
	fail "dangling link"
fi
ln -s "$tmp/nowhere" "$tmp/tree/a/gone.json"
expect "dangling *.json link" 2 "a/gone.json: cannot stat: No such file" -- lexc lint "$tmp/tree"
rm "$tmp/tree/a/stale-link" "$tmp/tree/a/gone.json"
mkdir -p "$tmp/empty"
expect "empty directory" 0 "empty: warning: no \*.json files in this directory" -- \
	lexc lint "$tmp/empty"

echo "cli_lint: $cases lint cases; $passes passed, $fails failed"
[ "$fails" -eq 0 ]
