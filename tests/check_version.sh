#!/bin/sh
# The version lives in configure.ac; NEWS, lexc --version and liblexc.pc
# must all agree with it.
set -eu
status=0
news=$(sed -n '1s/^lexc \([0-9][0-9.]*\).*/\1/p' "$LEXC_SRCDIR/NEWS")
if [ "$news" != "$LEXC_VERSION" ]; then
	echo "FAIL: NEWS starts with version '$news', configure.ac says '$LEXC_VERSION'"
	status=1
fi
out=$(${LEXC_WRAPPER:-} "$LEXC_BIN" --version)
case "$out" in
"lexc $LEXC_VERSION (liblexc $LEXC_VERSION)") ;;
*)
	echo "FAIL: lexc --version printed '$out'"
	status=1
	;;
esac
pc=$(sed -n 's/^Version: //p' "$LEXC_BUILDDIR/liblexc.pc")
if [ "$pc" != "$LEXC_VERSION" ]; then
	echo "FAIL: liblexc.pc has version '$pc'"
	status=1
fi
[ $status -eq 0 ] && echo "version $LEXC_VERSION consistent"
exit $status
