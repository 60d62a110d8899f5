#!/bin/sh
# scripts/rename-namespace.sh on a copy of the source tree: afterwards no
# trace of dev.lexc.webhookd is left in lexicons, C or build rules, the
# renamed lexicons lint, and lexc stubs names exactly the renamed handler
# files (so a fork's tree is consistent).
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src="$LEXC_SRCDIR"
mkdir "$tmp/src"
# The files a release has, without build trees or git.
(cd "$src" && find . -type f ! -path './build*' ! -path './.git/*' ! -path './autom4te.cache/*' |
	tar -cf - -T -) | (cd "$tmp/src" && tar -xf -)
sh "$tmp/src/scripts/rename-namespace.sh" com.example.hooks >/dev/null
cd "$tmp/src"
fails=0
left=$(grep -rl -e 'dev\.lexc\.webhookd' -e 'dev_lexc_webhookd' -e 'dev/lexc/webhookd' \
	lexicons examples Makefile.am tests scripts 2>/dev/null | grep -v 'scripts/rename-namespace.sh' |
	grep -v 'tests/check_namespace.sh' || true)
if [ -n "$left" ]; then
	echo "FAIL: the old namespace is still in: $left"
	fails=$((fails + 1))
else
	echo "ok   no trace of dev.lexc.webhookd left"
fi
if [ -f lexicons/com/example/hooks/rotateSecret.json ] &&
	grep -q '"id": "com.example.hooks.rotateSecret"' lexicons/com/example/hooks/rotateSecret.json; then
	echo "ok   lexicons moved to lexicons/com/example/hooks"
else
	echo "FAIL: lexicons/com/example/hooks/rotateSecret.json missing or not renamed"
	fails=$((fails + 1))
fi
if ${LEXC_WRAPPER:-} "$LEXC_BIN" lint lexicons >"$tmp/lint.out" 2>&1; then
	echo "ok   renamed lexicons lint"
else
	echo "FAIL: lexc lint on the renamed lexicons:"
	cat "$tmp/lint.out"
	fails=$((fails + 1))
fi
${LEXC_WRAPPER:-} "$LEXC_BIN" stubs -o "$tmp/stubs" lexicons >/dev/null
want=$(cd "$tmp/stubs/handlers" && ls | sort)
have=$(cd examples/webhookd/handlers && ls | sort)
if [ "$want" = "$have" ] && cmp -s "$tmp/stubs/handlers.h" examples/webhookd/handlers.h; then
	echo "ok   lexc stubs names the renamed handler files and handlers.h"
else
	echo "FAIL: renamed handlers differ from what lexc stubs makes:"
	diff "$tmp/stubs/handlers.h" examples/webhookd/handlers.h | head -20 || true
	printf 'want:\n%s\nhave:\n%s\n' "$want" "$have"
	fails=$((fails + 1))
fi
[ "$fails" = 0 ]
