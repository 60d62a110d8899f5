#!/bin/sh
# bench/validate.sh [BUILDDIR] [RECORDS] [SECONDS]: decode+validate throughput
# for app.bsky.feed.post on two corpora (bench/validate.c says what "plain"
# and "heavy" posts are): lexc's engine, jansson (DOM only), `lexc validate`
# itself (I/O and output included), and, when node is present, the reference
# TypeScript validator (@atproto/lexicon 0.7.19, installed from npm into
# BUILDDIR/bench-node) on the same records, one core each, in one run.
# Prints a table per corpus and the ratios; it measures, it never fails.
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

now() { date +%s.%N; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT
for kind in plain heavy; do
	corpus="$builddir/bench-posts-$kind-$records.jsonl"
	[ -f "$corpus" ] || "$builddir/bench/validate" generate "$records" "$corpus" "$kind"
	printf '== %s posts\n' "$kind"
	taskset -c 0 "$builddir/bench/validate" run "$lexicons" "$corpus" "$seconds" | tee "$out"
	# The command line as the issue measured it: 10 copies of the corpus
	# (1,000,000 records by default) through standard input, best of three.
	best=
	for _ in 1 2 3; do
		t0=$(now)
		for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$corpus"; done |
			taskset -c 0 "$builddir/lexc" validate -L "$lexicons" app.bsky.feed.post - \
				>/dev/null || true
		t1=$(now)
		best=$(awk -v a="$t0" -v b="$t1" -v best="$best" \
			'BEGIN { d = b - a; if (best == "" || d < best) best = d; print best }')
	done
	awk -v n="$((records * 10))" -v s="$best" -v bytes="$(($(wc -c <"$corpus") * 10))" 'BEGIN {
		printf "%-34s %12.0f %10.1f %10s\n", "lexc validate (CLI, 10x corpus)", n / s,
		       bytes / s / 1e6, "-" }' | tee -a "$out"
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
