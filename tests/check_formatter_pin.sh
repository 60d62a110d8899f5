#!/bin/sh
# scripts/formatter.sh: the pinned clang-format is accepted only at version
# 14, another version or a missing binary is refused with its reason, and
# CI makes the formatter required. Fake binaries stand in for other
# versions; the real default is checked too (required under CI).
set -u
. "$LEXC_SRCDIR/tests/cli_lib.sh"
. "$LEXC_SRCDIR/scripts/formatter.sh"
default=$LEXC_CLANG_FORMAT

fake() { # fake NAME VERSION-LINE: a clang-format that only prints its version
	printf '#!/bin/sh\necho "%s"\n' "$2" >"$tmp/$1"
	chmod +x "$tmp/$1"
}
fake cf14 "Ubuntu clang-format version 14.0.0-1ubuntu1"
fake cf16 "Debian clang-format version 16.0.6"
fake cfx "something else"

LEXC_CLANG_FORMAT=$tmp/cf14
if formatter_ok && [ "$formatter_version" = 14.0.0 ]; then pass; else
	fail "a clang-format 14 refused: $formatter_why"
fi
LEXC_CLANG_FORMAT=$tmp/cf16
if formatter_ok; then fail "clang-format 16 accepted"; else
	case $formatter_why in
	*"is clang-format 16.0.6, not 14"*) pass ;;
	*) fail "clang-format 16: reason: $formatter_why" ;;
	esac
fi
LEXC_CLANG_FORMAT=$tmp/cfx
if formatter_ok; then fail "a binary of no known version accepted"; else
	case $formatter_why in
	*"of an unknown version, not 14"*) pass ;;
	*) fail "unknown version: reason: $formatter_why" ;;
	esac
fi
LEXC_CLANG_FORMAT=$tmp/missing
if formatter_ok; then fail "a missing binary accepted"; else
	case $formatter_why in
	*"missing not installed"*) pass ;;
	*) fail "missing binary: reason: $formatter_why" ;;
	esac
fi

if (CI=true formatter_required) && (CI=1 formatter_required) &&
	! (CI=false formatter_required) && ! (CI='' formatter_required); then pass; else
	fail "formatter_required: CI=true and CI=1 require it, CI=false and empty do not"
fi

# Without LEXC_CLANG_FORMAT the pin is clang-format-14; the one in use (that
# or the caller's) must pass.
unset_default=$(unset LEXC_CLANG_FORMAT && . "$LEXC_SRCDIR/scripts/formatter.sh" &&
	echo "$LEXC_CLANG_FORMAT")
if [ "$unset_default" = clang-format-14 ]; then pass; else
	fail "default formatter is $unset_default"
fi
LEXC_CLANG_FORMAT=$default
if formatter_ok; then pass
elif formatter_required; then fail "$formatter_why"
else skip "$formatter_why"; fi

finish check_formatter_pin
