#!/bin/sh
# bench/validate.sh [BUILDDIR] [RECORDS] [SECONDS]: decode+validate throughput
# for app.bsky.feed.post, lexc against jansson (DOM only) and, when node is
# present, the reference TypeScript validator (@atproto/lexicon 0.7.19,
# installed from npm into BUILDDIR/bench-node) on the same records, one core
# each. Prints a table and the ratio; it measures, it never fails.
set -eu
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir/build}" && pwd)
records=${2:-100000}
seconds=${3:-5}
lexicons="$srcdir/tests/data/lexicons-atproto"
corpus="$builddir/bench-posts-$records.jsonl"
[ -f "$corpus" ] || "$builddir/bench/validate" generate "$records" "$corpus"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
taskset -c 0 "$builddir/bench/validate" run "$lexicons" "$corpus" "$seconds" | tee "$out"
if command -v node >/dev/null 2>&1; then
	node_dir="$builddir/bench-node"
	if [ ! -d "$node_dir/node_modules/@atproto/lexicon" ]; then
		mkdir -p "$node_dir"
		(cd "$node_dir" && npm install --silent --no-audit --no-fund \
			@atproto/lexicon@0.7.19 >/dev/null 2>&1) ||
			echo "(npm install of @atproto/lexicon failed: no TypeScript figure)"
	fi
	if [ -d "$node_dir/node_modules/@atproto/lexicon" ]; then
		NODE_PATH="$node_dir/node_modules" taskset -c 0 node "$srcdir/bench/validate-ts.js" \
			"$lexicons" "$corpus" "$seconds" | tee -a "$out"
		awk '/^lexc/ { c = $(NF-2) } /^@atproto/ { t = $(NF-2) }
		     END { if (t > 0) printf "\nlexc / @atproto/lexicon: %.1fx\n", c / t }' "$out"
	fi
else
	echo "(node not found: no TypeScript figure)"
fi
