#!/bin/sh
# What a user does, end to end: install liblexc, run lexc gen and lexc stubs
# on a lexicon, build with the stub Makefile (pkg-config liblexc), run the
# server. With no code written by hand it answers 501 MethodNotImplemented;
# with the example's filled handler dropped in, it greets. The program gets
# the tree's own CFLAGS and LDFLAGS, as a user's would match their liblexc
# build (an ASan liblexc needs an ASan program).
set -eu
. "$LEXC_SRCDIR/tests/server_lib.sh"
command -v pkg-config >/dev/null 2>&1 || { echo "SKIP: pkg-config missing"; exit 77; }
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
root="$tmp/root"
# One install at a time (tests/build_lib.sh): libtool relinks in .libs.
(
	flock 9
	make -s -C "$LEXC_BUILDDIR" install-libLTLIBRARIES install-lexcincludeHEADERS \
		install-nodist_lexcincludeHEADERS install-pkgconfigDATA DESTDIR="$root"
) 9>"$LEXC_BUILDDIR/install-test.lock" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; echo "FAIL: make install"; exit 1; }
pcdir=$(dirname "$(find "$root" -name liblexc.pc | head -n 1)")
libdir=$(dirname "$(find "$root" -name 'liblexc.so*' | head -n 1)")
export PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$root" LD_LIBRARY_PATH="$libdir"
app="$tmp/app"
"$LEXC_BIN" gen --docs -o "$app/generated" "$LEXC_SRCDIR/examples/hello/lexicons"
"$LEXC_BIN" stubs -o "$app" "$LEXC_SRCDIR/examples/hello/lexicons"
build_app() {
	make -s -C "$app" LEXC="$LEXC_BIN" CC="${CC:-cc}" CFLAGS="${LEXC_CFLAGS:-} -Wall -Wextra -Werror" \
		LDFLAGS="${LEXC_LDFLAGS:-}" >"$tmp/build.log" 2>&1
}
build_app || { cat "$tmp/build.log"; echo "FAIL: the stub Makefile did not build"; exit 1; }
echo "ok   lexc gen + lexc stubs + make built $app/server"

serve "$tmp/stub" "$app/server" --port 0
expect "unfilled stub answers 501" 501 \
	'{"error":"MethodNotImplemented","message":"com.example.hello.greet is not implemented yet"}' \
	"http://127.0.0.1:$port/xrpc/com.example.hello.greet"
expect "params are checked before the stub" 400 '"error":"InvalidRequest"' \
	"http://127.0.0.1:$port/xrpc/com.example.hello.greet?times=9"
expect "the stub serves its documentation (lexc gen --docs)" 200 \
	'<h1>com.example.hello.greet</h1>' "http://127.0.0.1:$port/docs/com.example.hello.greet"
expect "the stub validates records" 200 '"valid":false,"path":"$.text"' \
	-H 'Content-Type: application/json' -d '{"$type":"com.example.hello.greeting","text":"","createdAt":"2026-01-01T00:00:00Z"}' \
	"http://127.0.0.1:$port/xrpc/_validate?type=com.example.hello.greeting"
stop_server

cp "$LEXC_SRCDIR/examples/hello/handlers/com_example_hello_greet.c" "$app/handlers/"
build_app || { cat "$tmp/build.log"; echo "FAIL: rebuild with the filled handler"; exit 1; }
serve "$tmp/filled" "$app/server" --port 0
expect "filled handler" 200 '{"message":"Hello, lexc!"}' \
	"http://127.0.0.1:$port/xrpc/com.example.hello.greet?name=lexc"
stop_server
[ "$fails" = 0 ]
