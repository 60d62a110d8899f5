#!/bin/sh
# bench/memory.sh [BUILDDIR] [MEGABYTES]: peak RSS of `lexc validate` over
# JSON Lines of app.bsky.feed.post records, for a small and a large input.
# Streaming with an arena reset per value means the two peaks match.
set -eu
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir/build}" && pwd)
mb=${2:-1024}
records=$((mb * 1000000 / 556))
big="$builddir/bench-posts-$records.jsonl"
small="$builddir/bench-posts-100000.jsonl"
[ -f "$small" ] || "$builddir/bench/validate" generate 100000 "$small"
[ -f "$big" ] || "$builddir/bench/validate" generate "$records" "$big"
lexc="$builddir/.libs/lexc"
[ -x "$lexc" ] || lexc="$builddir/lexc"
export LD_LIBRARY_PATH="$builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for f in "$small" "$big"; do
	size=$(du -m "$f" | cut -f1)
	/usr/bin/time -f "%M %e" -o "$builddir/time.out" "$lexc" validate \
		-L "$srcdir/tests/data/lexicons-atproto" app.bsky.feed.post "$f" >"$builddir/verdicts.out"
	ok=$(grep -c '^ok$' "$builddir/verdicts.out" || true)
	read -r rss secs <"$builddir/time.out"
	printf '%6s MB input: %8s values, %8s ok, peak RSS %6s KiB, %6s s\n' "$size" \
		"$(wc -l <"$f")" "$ok" "$rss" "$secs"
done
rm -f "$builddir/verdicts.out" "$builddir/time.out"
