#!/bin/sh
# Style gates for project code: clang-format (the tree's .clang-format, with
# the pinned clang-format 14 of scripts/formatter.sh; another version or
# none fails) and cppcheck. re2c sources are checked by re2c itself; their
# C output is generated and not checked here.
set -eu
cd "$(dirname "$0")/.."
. scripts/formatter.sh
files=$(git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null || find runtime codegen tests bench -name '*.[ch]')
status=0
if formatter_ok; then
	for f in $files; do
		if ! "$LEXC_CLANG_FORMAT" --dry-run --Werror "$f" 2>/dev/null; then
			echo "clang-format: $f is not formatted (run: $LEXC_CLANG_FORMAT -i $f)"
			status=1
		fi
	done
	n=$(echo "$files" | wc -w)
	echo "clang-format: $n files checked with $LEXC_CLANG_FORMAT $formatter_version"
else
	echo "clang-format: $formatter_why"
	status=1
fi

# cppcheck over the runtime and the CLI, with the re2c output generated into
# (pointerOutOfBoundsCond is suppressed: it misreads "s + len" of a byte
# span whose length the caller guarantees as an overflow)
# a scratch directory so the scanners are analysed too.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for re in runtime/*.re; do
	re2c --no-generation-date --no-version -o "$tmp/$(basename "$re" .re).c" "$re"
done
mkdir -p "$tmp/lexc"
sed 's/@PACKAGE_VERSION@/0.0.0/; s/@LEXC_VERSION_NUMBER@/0/' runtime/lexc/version.h.in >"$tmp/lexc/version.h"
printf '#define _GNU_SOURCE 1\n' >"$tmp/config.h"
if ! cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,performance,portability \
	--inline-suppr --suppress=missingIncludeSystem \
	--suppress=pointerOutOfBoundsCond -I"$tmp" -Iruntime -Icodegen \
	runtime/*.c codegen/*.c "$tmp"/*.c; then
	echo "cppcheck: findings above"
	status=1
else
	echo "cppcheck: clean"
fi
exit $status
