#!/bin/sh
# Autotools: the configure.ac and Makefile.am rules of
# doc/build-integration.md (tests/build_lib.sh), lexc found through
# pkg-config (PKG_CHECK_VAR ... [lexc]). Automake lists sources statically,
# so the project lists the generated files and handlers in Makefile.am, as
# this project does; after the edit (and those lines), `make` alone reruns
# automake and configure, regenerates through the depfile, writes the new
# handler and recompiles only what the change touches.
. "$LEXC_SRCDIR/tests/build_lib.sh"
for t in autoreconf automake; do
	command -v "$t" >/dev/null 2>&1 || { echo "FAIL: $t is not installed"; exit 1; }
done
install_lexc
new_project "$tmp/proj"
lexc stubs -o "$proj/server" "$proj/lexicons" >/dev/null
cat >"$proj/configure.ac" <<'EOF2'
AC_INIT([hello], [1.0])
AM_INIT_AUTOMAKE([foreign subdir-objects -Wall])
AC_PROG_CC
PKG_CHECK_MODULES([LIBLEXC], [liblexc >= 0.1])
# The generator: liblexc.pc's lexc variable, or lexc on PATH.
PKG_CHECK_VAR([LEXC_GEN], [liblexc], [lexc])
AS_IF([test -x "$LEXC_GEN"], [], [AC_PATH_PROG([LEXC_GEN], [lexc])])
AS_IF([test -x "$LEXC_GEN"], [], [AC_MSG_ERROR([lexc not found])])
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
EOF2
cat >"$proj/Makefile.am" <<'EOF2'
bin_PROGRAMS = hello
# What lexc gen writes for lexicons/ (lexc gen --print-outputs lists it).
GEN_C = \
	generated/lexc_methods.c \
	generated/lexc_docs.c \
	generated/com/example/hello/greeting.c \
	generated/com/example/hello/greet.c
GEN_H = $(GEN_C:.c=.h)
# lexc gen's depfile names every lexicon file and directory it read as a
# prerequisite of the stamp; lexc gen rewrites only what changed, and
# automake's dependency tracking recompiles only what includes it.
generated/.stamp:
	$(AM_V_GEN)$(MKDIR_P) generated && \
	$(LEXC_GEN) gen --docs -o generated --depfile generated/.lexicons.d \
		--depfile-target generated/.stamp $(srcdir)/lexicons && \
	$(LEXC_GEN) stubs -o $(srcdir)/server $(srcdir)/lexicons && touch $@
-include generated/.lexicons.d
$(GEN_C) $(GEN_H): generated/.stamp
	@test -f $@ || { rm -f generated/.stamp && $(MAKE) $(AM_MAKEFLAGS) generated/.stamp; }
BUILT_SOURCES = generated/.stamp
nodist_hello_SOURCES = $(GEN_C) $(GEN_H)
hello_SOURCES = server/main.c server/register_all.c server/handlers.h \
	server/handlers/com_example_hello_greet.c
AM_CPPFLAGS = -I$(builddir)/generated -I$(srcdir)/server
AM_CFLAGS = $(LIBLEXC_CFLAGS) -std=c11
hello_LDADD = $(LIBLEXC_LIBS)
clean-local:
	rm -rf generated
EOF2
(cd "$proj" && autoreconf -fi >"$tmp/autoreconf.log" 2>&1) || { cat "$tmp/autoreconf.log"; echo "FAIL: autoreconf"; exit 1; }
(cd "$proj" && ./configure CC="${CC:-cc}" CFLAGS="${LEXC_CFLAGS:-} -Wall -Wextra -Werror" \
	LDFLAGS="${LEXC_LDFLAGS:-}" >"$tmp/configure.log" 2>&1) || { cat "$tmp/configure.log"; echo "FAIL: configure"; exit 1; }
build() { make -C "$proj" V=1 >"$tmp/make.log" 2>&1; }
build || { cat "$tmp/make.log"; echo "FAIL: the first make"; exit 1; }
[ -x "$proj/hello" ] && ok "autotools: built the program" || bad "autotools: no program"
snapshot "$proj" "$tmp/before"
edit_lexicons
sed -i 's|\tgenerated/com/example/hello/greet.c|&\\\n\tgenerated/com/example/hello/wave.c|; s|\tserver/handlers/com_example_hello_greet.c|& server/handlers/com_example_hello_wave.c|' \
	"$proj/Makefile.am"
build || { cat "$tmp/make.log"; echo "FAIL: make after the edit"; exit 1; }
grep -q 'lexc gen\|gen --docs' "$tmp/make.log" && ok "autotools: regenerated after the edit" ||
	bad "autotools: did not run lexc gen after the edit"
snapshot "$proj" "$tmp/after"
check_rebuild autotools "$tmp/before" "$tmp/after" "$proj/generated/com/example/hello/greeting.h"
[ -f "$proj/server/handlers/com_example_hello_wave.c" ] && ok "autotools: the new method's handler stub" ||
	bad "autotools: no server/handlers/com_example_hello_wave.c"
rebuilt "$tmp/before" "$tmp/after" 'com_example_hello_wave\.o ' &&
	ok "autotools: the new handler compiled" || bad "autotools: the new handler was not compiled"
build || { cat "$tmp/make.log"; echo "FAIL: the third make"; exit 1; }
if grep -qE 'gen --docs|-c -o' "$tmp/make.log"; then
	bad "autotools: a build with nothing changed did work:"
	cat "$tmp/make.log"
else
	ok "autotools: nothing changed, nothing done"
fi
[ "$fails" = 0 ]
