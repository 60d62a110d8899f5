#!/bin/sh
# Peak memory on hostile bodies: for every shape of
# tests/data/hostile/expected.txt at 1 MiB (1 KiB under the server's body
# limit), `lexc validate` (ru_maxrss, through tests/peak_rss) and the server
# (tests/xrpc_fixture's VmHWM after the request, one fresh server per shape)
# must each peak under 64 MiB. Verdicts are tests/hostile.sh's. Skipped
# where RSS means nothing: under valgrind or a sanitizer.
set -u
srcdir=$LEXC_SRCDIR
builddir=$LEXC_BUILDDIR
. "$srcdir/tests/hostile_lib.sh"
if why=$(instrumented); then
	echo "SKIP: peak RSS is not the program's own here: $why"
	exit 77
fi
limit_kib=65536
tmp=$(mktemp -d)
fixture_pid=
trap 'fixture_stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
# Far above the limit, far below the machine: a quadratic regression fails
# rather than swapping.
ulimit -v 2000000 2>/dev/null || true
# The program itself, not libtool's wrapper script around it.
lexc=$builddir/.libs/lexc
if [ -x "$lexc" ]; then
	LD_LIBRARY_PATH="$builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export LD_LIBRARY_PATH
else
	lexc=$LEXC_BIN
fi
fails=0
passes=0
# peak_within WHO KIB: one check of a peak against the limit.
peak_within() {
	if [ "$2" -ge $limit_kib ]; then
		echo "FAIL $shape: $1 peaked at $2 KiB on $bytes bytes (limit $limit_kib KiB)"
		fails=$((fails + 1))
	else
		echo "ok   $shape: $1 peaked at $2 KiB on $bytes bytes"
		passes=$((passes + 1))
	fi
}

while read -r shape nsid _ verdict _; do
	body="$tmp/$shape.json"
	hostile_gen "$shape" 1m "$body" || {
		echo "FAIL $shape: hostile_gen failed"
		fails=$((fails + 1))
		continue
	}
	bytes=$(wc -c <"$body")
	want=0
	[ "$verdict" = ok ] || want=1
	"$builddir/tests/peak_rss" "$tmp/rss" "$lexc" validate -L "$(hostile_lexicons "$nsid")" \
		"$nsid" "$body" </dev/null >"$tmp/out" 2>"$tmp/err"
	st=$?
	read -r rss _ <"$tmp/rss" || rss=
	if [ $st -ne "$want" ] || [ -z "$rss" ]; then
		echo "FAIL $shape: lexc validate: status $st (want $want): $(cut -c1-200 "$tmp/out")"
		fails=$((fails + 1))
	else
		peak_within "lexc validate" "$rss"
	fi

	[ "$nsid" = "$createwebhook" ] || continue
	fixture_start "$tmp/fixture" || exit 1
	code=$(curl -s -o "$tmp/resp" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary @"$body" "$fixture_url" </dev/null) || code="curl failed"
	hwm=$(fixture_hwm)
	fixture_stop || fails=$((fails + 1))
	case "$verdict $code" in
	"ok 200" | "invalid 400") ;;
	*)
		echo "FAIL $shape: server: $code $(cut -c1-200 "$tmp/resp")"
		fails=$((fails + 1))
		continue
		;;
	esac
	peak_within "the server" "$hwm"
	rm -f "$body"
done <<EOF
$(hostile_shapes)
EOF

echo "hostile_rss: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
