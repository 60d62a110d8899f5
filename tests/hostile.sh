#!/bin/sh
# Hostile bodies up to the server's 1 MiB body limit (tests/hostile_gen:
# many undeclared keys, long arrays of objects, nesting at the depth limit
# and one past it, unions with a late $type, non-ASCII strings, every
# data-model violation padded with valid values): `lexc validate` and a
# real server (tests/xrpc_fixture) must each give the verdict of
# tests/data/hostile/expected.txt, with the path and rule of the violation.
# Time is not asserted here (bench/hostile.sh measures it); peak memory is
# tests/hostile_rss.sh.
set -u
srcdir=$LEXC_SRCDIR
builddir=$LEXC_BUILDDIR
. "$srcdir/tests/hostile_lib.sh"
tmp=$(mktemp -d)
fixture_pid=
trap 'fixture_stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
# A regression to memory quadratic in the body fails here rather than
# exhausting the machine (sanitizers and valgrind reserve more address space).
instrumented >/dev/null || ulimit -v 4000000 2>/dev/null || true
fails=0
passes=0

fail() {
	echo "FAIL $*"
	fails=$((fails + 1))
}

fixture_start "$tmp/fixture" || exit 1

while read -r shape nsid sizes verdict path msg; do
	for size in $(echo "$sizes" | tr ',' ' '); do
		name="$shape/$size"
		body="$tmp/$shape-$size.json"
		hostile_gen "$shape" "$size" "$body" || {
			fail "$name: hostile_gen failed"
			continue
		}
		${LEXC_WRAPPER:-} "$LEXC_BIN" validate -L "$(hostile_lexicons "$nsid")" "$nsid" \
			"$body" </dev/null >"$tmp/out" 2>"$tmp/err"
		st=$?
		got=$(cat "$tmp/out")
		if [ "$verdict" = ok ]; then
			if [ $st -eq 0 ] && [ "$got" = ok ]; then
				passes=$((passes + 1))
			else
				fail "$name: lexc validate: status $st, got $(echo "$got" | cut -c1-300); want ok"
				head -n 5 "$tmp/err"
			fi
		elif [ $st -eq 1 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
			hostile_match "$verdict" "$path" "$msg" "${got#invalid: }" &&
			[ "${got#invalid: }" != "$got" ]; then
			passes=$((passes + 1))
		else
			fail "$name: lexc validate: status $st, got $(echo "$got" | cut -c1-300);" \
				"want invalid: $path: ...$msg..."
			head -n 5 "$tmp/err"
		fi

		if [ "$nsid" = "$createwebhook" ]; then
			code=$(curl -s -o "$tmp/resp" -w '%{http_code}' -H 'Content-Type: application/json' \
				--data-binary @"$body" "$fixture_url" </dev/null) || code="curl failed"
			resp=$(cut -c1-300 "$tmp/resp" 2>/dev/null)
			message=$(sed -n 's/.*"message":"\(.*\)"}$/\1/p' "$tmp/resp" 2>/dev/null)
			if [ "$verdict" = ok ]; then
				case "$code $resp" in
				'200 {"webhook":'*'"id":"wh-new"'*) passes=$((passes + 1)) ;;
				*) fail "$name: server: $code $resp; want 200 and the webhook" ;;
				esac
			elif [ "$code" = 400 ] && grep -q '"error":"InvalidRequest"' "$tmp/resp" &&
				hostile_match "$verdict" "$path" "$msg" "$message"; then
				passes=$((passes + 1))
			else
				fail "$name: server: $code $resp; want 400 InvalidRequest $path: ...$msg..."
			fi
		fi
		rm -f "$body"
	done
done <<EOF
$(hostile_shapes)
EOF

# One KiB past the limit: refused as too large, whatever the shape.
hostile_gen keys 0 "$tmp/small.json"
"$builddir/tests/hostile_gen" keys $((1048576 + 1024)) >"$tmp/big.json"
code=$(curl -s -o "$tmp/resp" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary @"$tmp/big.json" "$fixture_url") || code="curl failed"
if [ "$code" = 413 ]; then
	passes=$((passes + 1))
else
	fail "keys/1m+1k: server: $code $(cut -c1-300 "$tmp/resp"); want 413"
fi

# The server still serves after all that, and stops cleanly.
code=$(curl -s -o "$tmp/resp" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary @"$tmp/small.json" "$fixture_url") || code="curl failed"
if [ "$code" = 200 ]; then
	passes=$((passes + 1))
else
	fail "after the hostile bodies: server: $code"
fi
fixture_stop || fails=$((fails + 1))

echo "hostile: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
