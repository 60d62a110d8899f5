#!/bin/sh
# Each shared library exports exactly the functions its public headers
# declare, and its .sym list names exactly those: liblexc
# (runtime/liblexc.sym, <lexc/lexc.h>) and liblexc-auth
# (auth/liblexc-auth.sym, <lexc/keys.h> <lexc/jwt.h> <lexc/net.h>
# <lexc/service_auth.h>, less what liblexc declares).
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# declared OUT HEADER...: the non-static functions the headers declare.
declared() {
	out=$1
	shift
	: >"$tmp/all.c"
	for h in "$@"; do printf '#include <%s>\n' "$h" >>"$tmp/all.c"; done
	${CC:-cc} -E -P -I"$LEXC_BUILDDIR/runtime" -I"$LEXC_SRCDIR/runtime" -I"$LEXC_SRCDIR/auth" \
		"$tmp/all.c" |
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
		grep -o 'lexc_[a-z0-9_]*[[:space:]]*(' | sed 's/[[:space:]]*($//' | sort -u >"$out"
}

status=0
total=0
# check NAME SYMFILE DECLARED: the library's exports against its list and headers.
check() {
	so=$(ls "$LEXC_BUILDDIR"/.libs/"$1".so.* 2>/dev/null | head -n 1 || true)
	if [ -z "$so" ]; then
		echo "SKIP: no shared $1 in $LEXC_BUILDDIR/.libs (static-only build)"
		exit 77
	fi
	nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' | sed 's/@.*//' | sort -u >"$tmp/exported"
	sed -n 's/^[[:space:]]*\(lexc_[a-z0-9_]*\);.*/\1/p' "$LEXC_SRCDIR/$2" | sort -u >"$tmp/listed"
	if ! diff -u "$tmp/listed" "$tmp/exported"; then
		echo "FAIL: $2 (-) and $1's exports (+) differ"
		status=1
	fi
	if ! diff -u "$3" "$tmp/listed"; then
		echo "FAIL: $1's public header declarations (-) and $2 (+) differ"
		status=1
	fi
	total=$((total + $(wc -l <"$tmp/exported")))
}

declared "$tmp/lexc.decl" lexc/lexc.h
check liblexc runtime/liblexc.sym "$tmp/lexc.decl"
declared "$tmp/auth.all" lexc/keys.h lexc/jwt.h lexc/net.h lexc/service_auth.h
comm -23 "$tmp/auth.all" "$tmp/lexc.decl" >"$tmp/auth.decl"
check liblexc-auth auth/liblexc-auth.sym "$tmp/auth.decl"
echo "$total exported symbols checked"
exit $status
