#!/bin/sh
# Make, as lexc stubs writes it: `lexc stubs` once, then `make` is the
# whole loop (tests/build_lib.sh). The build runs lexc gen itself the first
# time; after the edit, `make` alone regenerates (the depfile names the
# changed lexicon and the directory that gained one), writes the new
# method's handler stub, and recompiles only what the change touches; a
# third `make` does nothing.
. "$LEXC_SRCDIR/tests/build_lib.sh"
install_lexc
new_project "$tmp/proj"
app="$proj/app"
lexc stubs -o "$app" "$proj/lexicons" >/dev/null
build() { make -C "$app" CC="${CC:-cc}" CFLAGS="${LEXC_CFLAGS:-} -Wall -Wextra -Werror" \
	LDFLAGS="${LEXC_LDFLAGS:-}" >"$tmp/make.log" 2>&1; }
build || { cat "$tmp/make.log"; echo "FAIL: the first make"; exit 1; }
[ -x "$app/server" ] && ok "make: the first build ran lexc gen and built ./server" ||
	bad "make: no ./server"
snapshot "$app" "$tmp/before"
edit_lexicons
build || { cat "$tmp/make.log"; echo "FAIL: make after the edit"; exit 1; }
grep -q 'lexc gen --docs' "$tmp/make.log" && ok "make: regenerated after the edit" ||
	bad "make: did not run lexc gen after the edit"
snapshot "$app" "$tmp/after"
check_rebuild make "$tmp/before" "$tmp/after" "$app/generated/com/example/hello/greeting.h"
[ -f "$app/handlers/com_example_hello_wave.c" ] && ok "make: the new method's handler stub" ||
	bad "make: no handlers/com_example_hello_wave.c"
rebuilt "$tmp/before" "$tmp/after" 'handlers/com_example_hello_wave\.o ' &&
	ok "make: the new handler compiled" || bad "make: handlers/com_example_hello_wave.o not built"
build || { cat "$tmp/make.log"; echo "FAIL: the third make"; exit 1; }
if grep -qE 'lexc gen|-c -o' "$tmp/make.log"; then
	bad "make: a build with nothing changed did work:"
	cat "$tmp/make.log"
else
	ok "make: nothing changed, nothing done"
fi
[ "$fails" = 0 ]
