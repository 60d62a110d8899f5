#!/bin/sh
# bench/validate.sh [BUILDDIR] [RECORDS] [SECONDS]: decode+validate throughput
# for app.bsky.feed.post on two corpora (bench/validate.c says what "plain"
# and "heavy" posts are): lexc's engine, jansson (DOM only), `lexc validate`
# itself (I/O and output included), and, when node is present, the reference
# TypeScript validator (@atproto/lexicon 0.7.19, installed from npm into
# BUILDDIR/bench-node) on the same records, one core each, in one run.
# Rates are per second of CPU time, not wall time (shared machines). Needs
# /usr/bin/time. Prints a table per corpus and the ratios; it measures, it
# never fails.
set -eu
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir/build}" && pwd)
records=${2:-100000}
seconds=${3:-5}
lexicons="$srcdir/tests/data/lexicons-atproto"

node_dir="$builddir/bench-node"
have_ts=false
if command -v node >/dev/null 2>&1; then
	if [ ! -d "$node_dir/node_modules/@atproto/lexicon" ]; then
		mkdir -p "$node_dir"
		(cd "$node_dir" && npm install --silent --no-audit --no-fund \
			@atproto/lexicon@0.7.19 >/dev/null 2>&1) ||
			echo "(npm install of @atproto/lexicon failed: no TypeScript figure)"
	fi
	[ -d "$node_dir/node_modules/@atproto/lexicon" ] && have_ts=true
else
	echo "(node not found: no TypeScript figure)"
fi

# The program itself, not libtool's wrapper script, so that time counts lexc.
lexc_bin="$builddir/lexc"
for b in "$builddir/.libs/lt-lexc" "$builddir/.libs/lexc"; do
	[ -x "$b" ] && lexc_bin=$b && break
done
export LD_LIBRARY_PATH="$builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

out=$(mktemp)
trap 'rm -f "$out" "$out.time"' EXIT
for kind in plain heavy; do
	corpus="$builddir/bench-posts-$kind-$records.jsonl"
	[ -f "$corpus" ] || "$builddir/bench/validate" generate "$records" "$corpus" "$kind"
	printf '== %s posts\n' "$kind"
	taskset -c 0 "$builddir/bench/validate" run "$lexicons" "$corpus" "$seconds" | tee "$out"
	# The command line as the issue measured it: the corpus named 10 times
	# (1,000,000 records by default), best of three, in CPU seconds of lexc
	# (user + system, start-up included). Files, not a pipe: a pipe costs
	# the reader as much system time again.
	if [ ! -x /usr/bin/time ]; then
		echo "(/usr/bin/time not found: no command-line figure)"
	else
	best=
	for _ in 1 2 3; do
		/usr/bin/time -f '%U %S' -o "$out.time" taskset -c 0 "$lexc_bin" validate \
			-L "$lexicons" app.bsky.feed.post "$corpus" "$corpus" "$corpus" "$corpus" \
			"$corpus" "$corpus" "$corpus" "$corpus" "$corpus" "$corpus" >/dev/null || true
		best=$(awk -v best="$best" '{ d = $1 + $2; if (best == "" || d < best) best = d;
			print best }' "$out.time")
	done
	awk -v n="$((records * 10))" -v s="$best" -v bytes="$(($(wc -c <"$corpus") * 10))" 'BEGIN {
		printf "%-34s %12.0f %10.1f %10s\n", "lexc validate (CLI, 10x corpus)", n / s,
		       bytes / s / 1e6, "-" }' | tee -a "$out"
	fi
	if $have_ts; then
		NODE_PATH="$node_dir/node_modules" taskset -c 0 node "$srcdir/bench/validate-ts.js" \
			"$lexicons" "$corpus" "$seconds" | tee -a "$out"
		awk '/^lexc \(decode/ { c = $(NF-2) } /^lexc validate/ { v = $(NF-2) }
		     /^@atproto/ { t = $(NF-2) }
		     END { if (t > 0) printf "lexc / @atproto/lexicon: %.1fx (engine), %.1fx (CLI)\n",
		                             c / t, v / t }' "$out"
	fi
	echo
done
