#!/bin/sh
# bench/hostile.sh [BUILDDIR] [REPS]: peak RSS and time per KB on hostile
# bodies (every shape of tests/data/hostile/expected.txt, made by
# tests/hostile_gen, at 64 KiB, 256 KiB and 1 MiB), for `lexc validate` and
# for the server (tests/xrpc_fixture over curl, createWebhook shapes only),
# beside ordinary inputs: app.bsky.feed.post records from `bench/validate
# generate` and the ordinary createWebhook bodies of tests/data/validate.
# The targets: under 64 MiB peak for a 1 MiB body, at most 10x the time per
# byte of ordinary posts. It measures; it never fails on figures.
#
# lexc validate: peak RSS (ru_maxrss) of one run on one body; time is CPU
# time (user + system: the figure least disturbed by other work on the
# machine), the best of REPS runs (default 5) over enough copies of the body
# as JSON Lines to make about 4 MiB, less the best of runs on no input
# (start-up and lexicon loading), per KiB of input. Server: a fresh fixture
# per row; the best wall time (curl's time_total) of several requests on one
# connection, per KiB of body, HTTP included; peak RSS is the fixture's
# VmHWM afterwards. "x posts" is each figure over the ordinary posts' lexc
# validate time per KiB.
# HOSTILE_SHAPES="keys depth ..." and HOSTILE_SIZES="64k 1m" narrow the run.
set -eu
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir/build}" && pwd)
reps=${2:-5}
sizes=${HOSTILE_SIZES:-64k 256k 1m}
. "$srcdir/tests/hostile_lib.sh"
for p in tests/hostile_gen tests/peak_rss tests/xrpc_fixture bench/validate; do
	[ -x "$builddir/$p" ] || {
		echo "bench/hostile.sh: $builddir/$p is missing (run make)" >&2
		exit 2
	}
done
lexc="$builddir/.libs/lexc"
[ -x "$lexc" ] || lexc="$builddir/lexc"
LD_LIBRARY_PATH="$builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
tmp=$(mktemp -d)
fixture_pid=
trap 'fixture_stop >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
# Hostile bodies must not take the machine down with them: 4 GB of address
# space, 60 s per run; a row that hits either prints "failed".
ulimit -v 4000000 2>/dev/null || true
target=$((4 * 1024 * 1024))

# repeat FILE COPIES OUT: COPIES lines of FILE's one line.
repeat() {
	awk -v n="$2" '{ for (i = 0; i < n; i++) print }' "$1" >"$3"
}

# least A B: the smaller number ("" and "-" are none).
least() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "" || a == "-") print b; else if (b == "" || b == "-" || a + 0 <= b + 0) print a;
		else print b }'
}

# validate_run LEXDIR NSID FILE: one run; sets v_st, v_rss (KiB), v_us.
validate_run() {
	v_st=0
	"$builddir/tests/peak_rss" "$tmp/rss" timeout 60 "$lexc" validate -L "$1" --lines "$2" \
		"$3" </dev/null >"$tmp/out" 2>"$tmp/err" || v_st=$?
	read -r v_rss _ v_us <"$tmp/rss" || {
		v_rss=- v_us=-
	}
}

# verdicts_ok VERDICT COPIES: whether $tmp/out is COPIES times the verdict.
verdicts_ok() {
	if [ "$1" = ok ]; then
		[ "$v_st" = 0 ] && [ "$(grep -c '^ok$' "$tmp/out")" = "$2" ]
	else
		[ "$v_st" = 1 ] && [ "$(grep -c '^invalid: ' "$tmp/out")" = "$2" ] &&
			! grep -q 'out of memory' "$tmp/out"
	fi
}

# startup LEXDIR NSID: best time of a run on no input.
startup() {
	: >"$tmp/empty.jsonl"
	best=
	for _ in $(seq 1 "$reps"); do
		validate_run "$1" "$2" "$tmp/empty.jsonl"
		best=$(least "$best" "$v_us")
	done
	echo "$best"
}

# validate_row LEXDIR NSID FILE VERDICT T0: sets row_rss and row_uskb (or
# "failed"): RSS of one body, best time per KiB over about 4 MiB of copies.
validate_row() {
	validate_run "$1" "$2" "$3"
	row_rss=$v_rss
	row_uskb=failed
	verdicts_ok "$4" 1 || {
		row_why=$(cut -c1-120 "$tmp/out" | head -n 1)
		[ -n "$row_why" ] || row_why="status $v_st"
		return 0
	}
	bytes=$(wc -c <"$3")
	copies=$(((target + bytes - 1) / bytes))
	repeat "$3" "$copies" "$tmp/copies.jsonl"
	best=
	for _ in $(seq 1 "$reps"); do
		validate_run "$1" "$2" "$tmp/copies.jsonl"
		verdicts_ok "$4" "$copies" || {
			row_why="wrong verdicts on $copies copies"
			return 0
		}
		best=$(least "$best" "$v_us")
	done
	row_uskb=$(awk -v t="$best" -v t0="$5" -v b="$((bytes * copies))" \
		'BEGIN { printf "%.2f", (t - t0) / (b / 1024) }')
}

# server_row FILE N WANT_CODE: sets srv_rss (KiB) and srv_uskb (or
# "failed"): one request, then N more if it was answered as expected.
server_row() {
	file=$1 n=$2 want=$3
	srv_rss=- srv_uskb=failed
	fixture_start "$tmp/fixture" >"$tmp/fixture.msg" || {
		cat "$tmp/fixture.msg"
		return 0
	}
	curl -s --max-time 60 -H 'Content-Type: application/json' -H 'Expect:' \
		--data-binary @"$file" -w '%{http_code} %{time_total}\n' -o /dev/null "$fixture_url" \
		>"$tmp/curl" 2>/dev/null || true
	if [ "$(cut -d' ' -f1 "$tmp/curl")" = "$want" ]; then
		set --
		for _ in $(seq 1 "$n"); do
			set -- "$@" -o /dev/null "$fixture_url"
		done
		curl -s --max-time 60 -H 'Content-Type: application/json' -H 'Expect:' \
			--data-binary @"$file" -w '%{http_code} %{time_total}\n' "$@" \
			>>"$tmp/curl" 2>/dev/null || true
		srv_uskb=$(awk -v want="$want" -v b="$(wc -c <"$file")" '
			$1 != want { bad = 1 }
			NR > 1 && (min == "" || $2 < min) { min = $2 }
			END { if (bad || min == "") print "failed"; else printf "%.2f", min * 1e6 / (b / 1024) }' \
			"$tmp/curl")
	fi
	srv_rss=$(fixture_hwm)
	fixture_stop >/dev/null || true
}

ratio() { # ratio USKB BASE
	case $1 in
	failed | -) echo - ;;
	*) awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }' ;;
	esac
}

row() { # row NAME SIZE BYTES VRSS VUSKB VX SRSS SUSKB SX
	printf '%-22s %5s %9s | %9s %9s %7s | %9s %9s %7s\n' "$@"
}

atproto=$(hostile_lexicons app.bsky.feed.post)
project=$(hostile_lexicons "$createwebhook")
t0_atproto=$(startup "$atproto" app.bsky.feed.post)
t0_project=$(startup "$project" "$createwebhook")
echo "lexc validate start-up (no input, CPU): $t0_atproto us with the atproto lexicons," \
	"$t0_project us with the project's"
echo

posts="$builddir/bench-posts-8000.jsonl"
[ -f "$posts" ] || "$builddir/bench/validate" generate 8000 "$posts" >/dev/null
hostile_table_head() {
	row "" "" "" "validate:" "" "" "server:" "" ""
	row shape size bytes "peak KiB" "us/KB" "x posts" "peak KiB" "us/KB" "x posts"
}
hostile_table_head

# Ordinary posts: the whole file (many valid records), best of REPS.
validate_run "$atproto" app.bsky.feed.post "$posts"
posts_rss=$v_rss
best=
for _ in $(seq 1 "$reps"); do
	validate_run "$atproto" app.bsky.feed.post "$posts"
	best=$(least "$best" "$v_us")
done
posts_bytes=$(wc -c <"$posts")
posts_uskb=$(awk -v t="$best" -v t0="$t0_atproto" -v b="$posts_bytes" \
	'BEGIN { printf "%.2f", (t - t0) / (b / 1024) }')
row "posts (ordinary)" - "$posts_bytes" "$posts_rss" "$posts_uskb" 1.0 - - -

# Ordinary createWebhook bodies (valid and invalid), and one valid body
# through the server (one request's fixed cost dominates a small body).
cw="$srcdir/tests/data/validate/createWebhook-input.jsonl"
cw_bytes=$(wc -c <"$cw")
repeat "$cw" $((target / cw_bytes + 1)) "$tmp/cw.jsonl"
validate_run "$project" "$createwebhook" "$tmp/cw.jsonl"
cw_rss=$v_rss
best=
for _ in $(seq 1 "$reps"); do
	validate_run "$project" "$createwebhook" "$tmp/cw.jsonl"
	best=$(least "$best" "$v_us")
done
cw_uskb=$(awk -v t="$best" -v t0="$t0_project" -v b="$(wc -c <"$tmp/cw.jsonl")" \
	'BEGIN { printf "%.2f", (t - t0) / (b / 1024) }')
sed -n 2p "$cw" >"$tmp/cw-one.json"
server_row "$tmp/cw-one.json" 200 200
row "createWebhook (ordin.)" - "$(wc -c <"$tmp/cw-one.json")" "$cw_rss" "$cw_uskb" \
	"$(ratio "$cw_uskb" "$posts_uskb")" "$srv_rss" "$srv_uskb" "$(ratio "$srv_uskb" "$posts_uskb")"

failures=
while read -r shape nsid _ verdict _; do
	lexdir=$(hostile_lexicons "$nsid")
	t0=$t0_project
	[ "$lexdir" = "$atproto" ] && t0=$t0_atproto
	for size in $sizes; do
		body="$tmp/$shape-$size.json"
		hostile_gen "$shape" "$size" "$body"
		bytes=$(wc -c <"$body")
		row_why=
		validate_row "$lexdir" "$nsid" "$body" "$verdict" "$t0"
		[ -z "$row_why" ] || failures="$failures
  $shape/$size lexc validate: $row_why (want $verdict)"
		if [ "$nsid" = "$createwebhook" ]; then
			want=200
			[ "$verdict" = ok ] || want=400
			server_row "$body" $(((target + bytes - 1) / bytes + 2)) "$want"
			[ "$srv_uskb" != failed ] || failures="$failures
  $shape/$size server: answered $(cut -d" " -f1 "$tmp/curl" | head -n 1) (want $want)"
		else
			srv_rss=- srv_uskb=-
		fi
		row "$shape" "$size" "$bytes" "$row_rss" "$row_uskb" "$(ratio "$row_uskb" "$posts_uskb")" \
			"$srv_rss" "$srv_uskb" "$(ratio "$srv_uskb" "$posts_uskb")"
		rm -f "$body"
	done
done <<EOF
$(hostile_shapes)
EOF
echo
echo "targets: under 65536 KiB peak at 1m; x posts at most 10"
[ -z "$failures" ] || echo "rows that failed (wrong verdict, out of memory or over 60 s):$failures"
exit 0
