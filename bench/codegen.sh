#!/bin/sh
# Wall time of `lexc gen` on the atproto corpus (402 documents): the best of
# 5 runs, into a fresh directory each time (hyperfine when installed). The
# target is under 0.3 s. Prints figures; never fails on a slow result.
#
#   bench/codegen.sh [LEXC [CORPUS_DIR]]     (make bench-codegen)
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
echo "lexc gen: $docs documents from $corpus, output in $tmp"

if command -v hyperfine >/dev/null 2>&1; then
	hyperfine --runs "$runs" --prepare "rm -rf '$tmp/out'" \
		"$lexc gen -o '$tmp/out' '$corpus'"
	exit 0
fi

# Each run writes into a directory of its own (deleting the previous one
# right before would time the file system's cleanup too).
best=
i=0
while [ "$i" -lt "$runs" ]; do
	start=$(date +%s%N)
	"$lexc" gen -o "$tmp/out$i" "$corpus"
	end=$(date +%s%N)
	ns=$((end - start))
	if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
	i=$((i + 1))
done
mv "$tmp/out0" "$tmp/out"
files=$(find "$tmp/out" -type f | wc -l)
bytes=$(find "$tmp/out" -type f -exec cat {} + | wc -c)
# Regenerating over unchanged output (only compares, writes nothing).
start=$(date +%s%N)
"$lexc" gen -o "$tmp/out" "$corpus"
end=$(date +%s%N)
printf 'best of %d: %d.%03d s (%d files, %d bytes); unchanged rerun: %d.%03d s\n' "$runs" \
	$((best / 1000000000)) $((best / 1000000 % 1000)) "$files" "$bytes" \
	$(((end - start) / 1000000000)) $(((end - start) / 1000000 % 1000))
