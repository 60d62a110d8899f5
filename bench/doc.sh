#!/bin/sh
# Wall time of `lexc doc` on the atproto corpus (402 documents), HTML and
# Markdown, beside `lexc lint` on the same corpus in the same run: lint
# loads, checks and resolves exactly what doc does before it renders, so
# the difference is the rendering. Best of 5 runs each, into a fresh
# directory in memory (/dev/shm) when possible. Prints figures; never
# fails on a slow result.
#
#   bench/doc.sh [LEXC [CORPUS_DIR]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
lexc=${1:-./lexc}
corpus=${2:-$here/../tests/data/lexicons-atproto}
runs=5
. "$here/lib.sh"
tmp=$(bench_tmpdir)
trap 'rm -rf "$tmp"' EXIT
bench_real_binary "$lexc"
lexc=$bench_bin
docs=$(find "$corpus" -name '*.json' | wc -l)
echo "lexc doc: $docs documents from $corpus, best of $runs runs each"

best_ns() { # best_ns NAME COMMAND...: the best wall time in ns, each run in $tmp/NAME.N
	name=$1
	shift
	best=
	i=0
	while [ "$i" -lt "$runs" ]; do
		start=$(date +%s%N)
		"$@" "$tmp/$name.$i" >/dev/null
		end=$(date +%s%N)
		ns=$((end - start))
		if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
		i=$((i + 1))
	done
	echo "$best"
}
lint=$(best_ns lint sh -c '"$0" lint "$1" >/dev/null; : "$2"' "$lexc" "$corpus")
html=$(best_ns html sh -c '"$0" doc -o "$2" "$1"' "$lexc" "$corpus")
md=$(best_ns md sh -c '"$0" doc --format md -o "$2" "$1"' "$lexc" "$corpus")
size() { find "$tmp/$1.0" -type f -exec cat {} + | wc -c; }
ms() { awk -v ns="$1" 'BEGIN { printf "%.1f ms", ns / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "lexc lint (load, check, resolve): $(ms "$lint")"
echo "lexc doc --format html:           $(ms "$html") ($(ratio "$html" "$lint")x lint; $(find "$tmp/html.0" -type f | wc -l) pages, $(size html) bytes)"
echo "lexc doc --format md:             $(ms "$md") ($(ratio "$md" "$lint")x lint; $(find "$tmp/md.0" -type f | wc -l) pages, $(size md) bytes)"
