#!/bin/sh
# lexc doc: the pages of the project's lexicons, of the golden fixtures
# (every type and constraint) and of the 402 official lexicons, checked by
# tests/doc_check.py against the lexicon JSON (every property, type,
# required flag, description, constraint, error, raw schema; every link and
# anchor), validated by HTML Tidy, byte-compared with the golden pages of
# place.stream.server.createWebhook and place.wisp.v2.secret.create, and
# written the same twice. Then the checker itself is shown to fail on a
# damaged page, and the command line's errors.
set -u
. "$LEXC_SRCDIR/tests/cli_lib.sh"
src=$LEXC_SRCDIR
golden="$src/tests/golden/doc"

for tool in python3 tidy; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "FAIL $tool is missing (scripts/deps.sh installs it)"
		exit 1
	}
done

# doc NAME DIR ARGS...: lexc doc ARGS -o DIR, which must succeed silently.
doc() {
	name=$1 dir=$2
	shift 2
	if lexc doc -o "$dir" "$@" >"$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/err" ] &&
		[ ! -s "$tmp/out" ]; then
		pass
	else
		fail "$name: lexc doc failed or printed something"
		cat "$tmp/out" "$tmp/err"
	fi
}
# check NAME DIR LEXICONS...: doc_check.py and tidy over every page.
check() {
	name=$1 dir=$2
	shift 2
	if python3 "$src/tests/doc_check.py" "$dir" "$@" >"$tmp/check" 2>&1; then
		pass
	else
		fail "$name: doc_check.py"
		head -n 40 "$tmp/check"
	fi
	: >"$tmp/tidy"
	for page in "$dir"/*.html; do
		tidy -q -errors --show-warnings yes "$page" >>"$tmp/tidy" 2>&1 ||
			echo "$page: tidy exit status $?" >>"$tmp/tidy"
	done
	if [ -s "$tmp/tidy" ]; then
		fail "$name: HTML Tidy"
		head -n 40 "$tmp/tidy"
	else
		pass
	fi
}

doc "project lexicons" "$tmp/project" "$src/lexicons"
check "project lexicons" "$tmp/project" "$src/lexicons"
doc "golden fixtures" "$tmp/fixtures" "$src/tests/golden/lexicons"
check "golden fixtures" "$tmp/fixtures" "$src/tests/golden/lexicons"
doc "official corpus" "$tmp/corpus" "$LEXC_TEST_DATA/lexicons-atproto"
check "official corpus" "$tmp/corpus" "$LEXC_TEST_DATA/lexicons-atproto"
n=$(find "$tmp/corpus" -name '*.html' | wc -l)
if [ "$n" -eq 403 ]; then pass; else fail "official corpus: $n pages, want 402 and the index"; fi
grep -q '402 lexicon documents' "$tmp/corpus/index.html" && pass || fail "corpus index: count"

# The golden pages, both formats: what the seed pages carry, reviewed once.
doc "project lexicons, Markdown" "$tmp/project-md" --format md "$src/lexicons"
for page in place.stream.server.createWebhook place.wisp.v2.secret.create; do
	for ext in html md; do
		out="$tmp/project/$page.$ext"
		[ "$ext" = md ] && out="$tmp/project-md/$page.$ext"
		if cmp -s "$golden/$page.$ext" "$out"; then
			pass
		else
			fail "$page.$ext differs from tests/golden/doc (make update-golden after a deliberate change)"
			diff -u "$golden/$page.$ext" "$out" | head -n 40
		fi
	done
done
# Facts of the seed pages, spelled out (doc_check.py checks them all; these
# are the ones a reader looks for first).
cw="$tmp/project/place.stream.server.createWebhook.html"
for fact in \
	'<dt>Lexicon version</dt><dd>1</dd>' \
	'<dt>Type</dt><dd>procedure</dd>' \
	'<dt>HTTP</dt><dd><code>POST /xrpc/place.stream.server.createWebhook</code></dd>' \
	'<tr><td><code>url</code></td><td>string</td><td>yes</td><td>The webhook URL where events will be sent.</td><td>format: <code>uri</code> (a URI, RFC 3986)</td></tr>' \
	'<td>items enum: <code>chat</code>, <code>livestream</code>, <code>follow</code>, <code>mention</code></td>' \
	'<tr><td><code>InvalidUrl</code></td><td>The provided webhook URL is invalid or unreachable.</td></tr>' \
	'<tr><td><code>TooManyWebhooks</code></td>' \
	'<a href="place.stream.server.defs.html#rewriteRule"><code>place.stream.server.defs#rewriteRule</code></a>'; do
	if grep -qF -- "$fact" "$cw"; then pass; else fail "createWebhook page lacks: $fact"; fi
done
sc="$tmp/project/place.wisp.v2.secret.create.html"
for fact in '<td>format: <code>record-key</code> (a record key)' \
	'<span class="none">No description available</span>' '<summary>Raw schema</summary>'; do
	if grep -qF -- "$fact" "$sc"; then pass; else fail "secret.create page lacks: $fact"; fi
done

# Deterministic, and unchanged files are not rewritten.
doc "second run" "$tmp/project2" "$src/lexicons"
if diff -r "$tmp/project" "$tmp/project2" >/dev/null; then pass; else fail "two runs differ"; fi
lexc doc -v -o "$tmp/project" "$src/lexicons" >"$tmp/out" 2>&1
grep -q '^0 files written, 26 unchanged' "$tmp/out" && pass || {
	fail "rerun rewrote files"
	cat "$tmp/out"
}

# The checker fails on a damaged page: a required flag flipped, a link to a
# missing anchor, a dropped constraint, a changed raw schema.
mutate() { # mutate NAME SED_EXPR
	rm -rf "$tmp/m" && cp -r "$tmp/project" "$tmp/m"
	sed -i "$2" "$tmp/m/place.stream.server.createWebhook.html"
	if cmp -s "$tmp/m/place.stream.server.createWebhook.html" "$cw"; then
		fail "mutation $1 changed nothing"
	elif python3 "$src/tests/doc_check.py" "$tmp/m" "$src/lexicons" >/dev/null 2>&1; then
		fail "doc_check.py passed a page with $1"
	else
		pass
	fi
}
mutate "a required flag flipped" 's|<td><code>url</code></td><td>string</td><td>yes</td>|<td><code>url</code></td><td>string</td><td>no</td>|'
mutate "a broken link" 's|defs.html#rewriteRule|defs.html#rewriteRules|'
mutate "a dropped constraint" 's|format: <code>uri</code> (a URI, RFC 3986)||'
mutate "a changed raw schema" 's|&quot;maxLength&quot;: 100|\&quot;maxLength\&quot;: 101|'
mutate "a changed description" 's|The webhook URL where events|The URL where events|'
cp "$cw" "$tmp/dup.html"
sed -i 's|<h2 id="main">|<h2 id="main"><span id="main"></span>|' "$tmp/dup.html"
if tidy -q -errors --show-warnings yes "$tmp/dup.html" >/dev/null 2>&1; then
	fail "tidy accepted a duplicate id"
else
	pass
fi

# Command-line errors.
lexc doc --format pdf -o "$tmp/x" "$src/lexicons" >"$tmp/out" 2>&1
st=$?
if [ $st -eq 2 ] && grep -q "format 'pdf': expected html or md" "$tmp/out"; then pass; else
	fail "--format pdf: status $st"
	cat "$tmp/out"
fi
mkdir -p "$tmp/badlex"
printf '{"lexicon": 1, "id": "com.example.bad", "defs": {"main": {"type": "object", "properties": {"a": {"type": "ref", "ref": "com.example.gone"}}}}}' \
	>"$tmp/badlex/bad.json"
lexc doc -o "$tmp/badout" "$tmp/badlex" >"$tmp/out" 2>&1
st=$?
if [ $st -eq 1 ] && grep -q 'unresolved ref "com.example.gone"' "$tmp/out" && [ ! -e "$tmp/badout" ]; then
	pass
else
	fail "invalid lexicon: status $st, or something was written"
	cat "$tmp/out"
fi
# With the missing document given as an external, the ref is named, not linked.
mkdir -p "$tmp/ext"
printf '{"lexicon": 1, "id": "com.example.gone", "defs": {"main": {"type": "object", "properties": {}}}}' \
	>"$tmp/ext/gone.json"
doc "with -L" "$tmp/withext" -L "$tmp/ext" "$tmp/badlex"
if [ ! -e "$tmp/withext/com.example.gone.html" ] &&
	grep -qF '<td><code>com.example.gone</code></td>' "$tmp/withext/com.example.bad.html"; then
	pass
else
	fail "-L: the external got a page or its ref a link"
fi

finish cli_doc
