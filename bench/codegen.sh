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
# Output goes to memory (/dev/shm) when possible: on a disk, creating 806
# files right after deleting as many makes ext4 scan for recently deleted
# inodes, which times the file system rather than lexc. BENCH_TMPDIR
# overrides.
base=${BENCH_TMPDIR:-}
if [ -z "$base" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then base=/dev/shm; fi
tmp=$(mktemp -d ${base:+-p "$base"})
trap 'rm -rf "$tmp"' EXIT

# A libtool wrapper script would add a shell's start-up to every run: time
# the real binary.
dir=$(dirname "$lexc")
if [ -x "$dir/.libs/lexc" ] && head -c 2 "$lexc" | grep -q '#!'; then
	LD_LIBRARY_PATH="$dir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export LD_LIBRARY_PATH
	lexc="$dir/.libs/lexc"
fi

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
