#!/bin/sh
# The shared library exports exactly the functions the public headers
# declare, and runtime/liblexc.sym lists exactly those.
set -eu
so=$(ls "$LEXC_BUILDDIR"/.libs/liblexc.so.* 2>/dev/null | head -n 1 || true)
if [ -z "$so" ]; then
	echo "SKIP: no shared liblexc in $LEXC_BUILDDIR/.libs (static-only build)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' | sed 's/@.*//' | sort -u >"$tmp/exported"
sed -n 's/^[[:space:]]*\(lexc_[a-z0-9_]*\);.*/\1/p' "$LEXC_SRCDIR/runtime/liblexc.sym" | sort -u >"$tmp/listed"
# Preprocess the umbrella header and keep non-static function declarations.
printf '#include <lexc/lexc.h>\n' >"$tmp/all.c"
${CC:-cc} -E -P -I"$LEXC_BUILDDIR/runtime" -I"$LEXC_SRCDIR/runtime" "$tmp/all.c" |
	awk 'BEGIN { RS = "\001" } {
		# Keep only text outside braces: bodies of inline functions and
		# struct members are not declarations of exported functions.
		depth = 0; out = ""
		for (i = 1; i <= length($0); i++) {
			c = substr($0, i, 1)
			if (c == "{") { depth++; out = out ";"; continue }
			if (c == "}") { depth--; continue }
			if (depth == 0) out = out c
		}
		print out
	}' | tr '\n' ' ' | tr ';' '\n' | grep -v 'static' | grep -v 'typedef' |
	grep -o 'lexc_[a-z0-9_]*[[:space:]]*(' | sed 's/[[:space:]]*($//' | sort -u >"$tmp/declared"

status=0
if ! diff -u "$tmp/listed" "$tmp/exported"; then
	echo "FAIL: runtime/liblexc.sym (-) and the library's exports (+) differ"
	status=1
fi
if ! diff -u "$tmp/declared" "$tmp/listed"; then
	echo "FAIL: public header declarations (-) and runtime/liblexc.sym (+) differ"
	status=1
fi
n=$(wc -l <"$tmp/exported")
echo "$n exported symbols checked"
exit $status
