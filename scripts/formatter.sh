# The one clang-format that the project's style and the generated code are
# checked with, sourced by scripts/check-style.sh, tests/cli_gen.sh and
# tests/cli_stubs.sh. It is pinned because codegen/emit_text.c reproduces
# clang-format 14's line breaking, measured against 14 only, and no other
# major version promises the same layout: Debian 12's clang-format-14
# package (scripts/deps.sh installs it; doc/testing.md). LEXC_CLANG_FORMAT
# names another binary, which must be version 14 too.
LEXC_CLANG_FORMAT=${LEXC_CLANG_FORMAT:-clang-format-14}
lexc_clang_format_major=14

# formatter_ok: true when $LEXC_CLANG_FORMAT runs and is version 14 (its
# full version in $formatter_version); else false, with the reason in
# $formatter_why. Both are read by the scripts that source this file.
# shellcheck disable=SC2034
formatter_ok() {
	formatter_why=
	if ! command -v "$LEXC_CLANG_FORMAT" >/dev/null 2>&1; then
		formatter_why="$LEXC_CLANG_FORMAT not installed (the checks are pinned to clang-format $lexc_clang_format_major: apt-get install clang-format-14, or set LEXC_CLANG_FORMAT to a clang-format $lexc_clang_format_major binary)"
		return 1
	fi
	formatter_version=$("$LEXC_CLANG_FORMAT" --version 2>/dev/null |
		sed -n 's/.*clang-format version \([0-9][0-9.]*\).*/\1/p' | head -n 1)
	if [ "${formatter_version%%.*}" != "$lexc_clang_format_major" ]; then
		formatter_why="$LEXC_CLANG_FORMAT is clang-format ${formatter_version:-of an unknown version}, not $lexc_clang_format_major (codegen/emit_text.c reproduces clang-format $lexc_clang_format_major's layout: apt-get install clang-format-14, or set LEXC_CLANG_FORMAT to a clang-format $lexc_clang_format_major binary)"
		return 1
	fi
	return 0
}

# formatter_required: true under CI (CI set, and not "false"), where a
# missing or wrong formatter fails the checks instead of skipping them.
formatter_required() {
	[ -n "${CI:-}" ] && [ "${CI:-}" != false ]
}
