#!/bin/sh
# What a user does, end to end: install liblexc, run lexc gen and lexc stubs
# on a lexicon, build with the stub Makefile (pkg-config liblexc), run the
# server. With no code written by hand it answers 501 MethodNotImplemented;
# with the example's filled handler dropped in, it greets.
set -eu
. "$LEXC_SRCDIR/tests/server_lib.sh"
command -v pkg-config >/dev/null 2>&1 || { echo "SKIP: pkg-config missing"; exit 77; }
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
root="$tmp/root"
make -s -C "$LEXC_BUILDDIR" install-libLTLIBRARIES install-lexcincludeHEADERS \
	install-nodist_lexcincludeHEADERS install-pkgconfigDATA DESTDIR="$root" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; echo "FAIL: make install"; exit 1; }
pcdir=$(dirname "$(find "$root" -name liblexc.pc | head -n 1)")
libdir=$(dirname "$(find "$root" -name 'liblexc.so*' | head -n 1)")
export PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$root" LD_LIBRARY_PATH="$libdir"
app="$tmp/app"
# In a sanitizer build liblexc is instrumented: the app must be too.
san=${LEXC_SAN_FLAGS:-}
"$LEXC_BIN" gen -o "$app/generated" "$LEXC_SRCDIR/examples/hello/lexicons"
"$LEXC_BIN" stubs -o "$app" "$LEXC_SRCDIR/examples/hello/lexicons"
make -s -C "$app" CC="${CC:-cc}" CFLAGS="-O1 -Wall -Wextra -Werror $san" LDFLAGS="$san" \
	>"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log"; echo "FAIL: the stub Makefile did not build"; exit 1; }
echo "ok   lexc gen + lexc stubs + make built $app/server"

serve "$tmp/stub" "$app/server" --port 0
expect "unfilled stub answers 501" 501 \
	'{"error":"MethodNotImplemented","message":"com.example.hello.greet is not implemented yet"}' \
	"http://127.0.0.1:$port/xrpc/com.example.hello.greet"
expect "params are checked before the stub" 400 '"error":"InvalidRequest"' \
	"http://127.0.0.1:$port/xrpc/com.example.hello.greet?times=9"
stop_server

cp "$LEXC_SRCDIR/examples/hello/handlers/com_example_hello_greet.c" "$app/handlers/"
make -s -C "$app" CC="${CC:-cc}" CFLAGS="-O1 -Wall -Wextra -Werror $san" LDFLAGS="$san" \
	>"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log"; echo "FAIL: rebuild with the filled handler"; exit 1; }
serve "$tmp/filled" "$app/server" --port 0
expect "filled handler" 200 '{"message":"Hello, lexc!"}' \
	"http://127.0.0.1:$port/xrpc/com.example.hello.greet?name=lexc"
stop_server
[ "$fails" = 0 ]
