#!/bin/sh
# Meson: the recipe of doc/build-integration.md (tests/build_lib.sh). Meson
# has no globbing by design, so the project lists its lexicon documents and
# handlers in meson.build, as Meson projects list their sources; lexc gen
# --flat names the generated files in one directory, since a custom_target's
# outputs cannot be in subdirectories. After the edit (and the two lines
# added to meson.build), `meson compile` alone reconfigures, regenerates,
# writes the new handler and recompiles only what the change touches.
. "$LEXC_SRCDIR/tests/build_lib.sh"
command -v meson >/dev/null 2>&1 || { echo "FAIL: meson is not installed (scripts/deps.sh installs it)"; exit 1; }
command -v ninja >/dev/null 2>&1 || { echo "FAIL: ninja is not installed (scripts/deps.sh installs it)"; exit 1; }
install_lexc
new_project "$tmp/proj"
lexc stubs --flat -o "$proj/server" "$proj/lexicons" >/dev/null
cat >"$proj/meson.build" <<'EOF2'
project('hello', 'c', default_options: ['c_std=c11', 'warning_level=2', 'werror=true'])
lexc_dep = dependency('liblexc')
lexc = find_program('lexc')
lexicons = files(
  'lexicons/com/example/hello/greet.json',
  'lexicons/com/example/hello/greeting.json',
)
# New methods' handler stubs, before files() looks for them (lexc stubs
# never touches a file that exists).
run_command(lexc, 'stubs', '--flat', '-o', meson.current_source_dir() / 'server', lexicons,
            check: true)
handlers = files(
  'server/handlers/com_example_hello_greet.c',
)
gen_args = ['gen', '--flat', '--docs']
outs = []
foreach o : run_command(lexc, gen_args, '--print-outputs', '-o', '.', lexicons,
                        check: true).stdout().strip().split('\n')
  outs += o.substring(2) # without "./"
endforeach
generated = custom_target('lexc-gen',
  input: lexicons,
  output: outs,
  depfile: 'lexc-gen.d',
  command: [lexc, gen_args, '-o', '@OUTDIR@', '--depfile', '@DEPFILE@', '@INPUT@'])
executable('server', 'server/main.c', 'server/register_all.c', handlers, generated,
           include_directories: include_directories('server'),
           dependencies: lexc_dep)
EOF2
b="$proj/build"
CC="${CC:-cc}" CFLAGS="${LEXC_CFLAGS:-}" LDFLAGS="${LEXC_LDFLAGS:-}" meson setup "$b" "$proj" \
	>"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log"; echo "FAIL: meson setup"; exit 1; }
build() { meson compile -C "$b" >"$tmp/build.log" 2>&1; }
build || { cat "$tmp/build.log"; echo "FAIL: the first meson compile"; exit 1; }
[ -x "$b/server" ] && ok "meson: built server" || bad "meson: no server"
snapshot "$b" "$tmp/before"
edit_lexicons
sed -i "s|'lexicons/com/example/hello/greeting.json',|&\n  'lexicons/com/example/hello/wave.json',|; s|'server/handlers/com_example_hello_greet.c',|&\n  'server/handlers/com_example_hello_wave.c',|" \
	"$proj/meson.build"
build || { cat "$tmp/build.log"; echo "FAIL: meson compile after the edit"; exit 1; }
grep -q 'lexc' "$tmp/build.log" && ok "meson: regenerated after the edit" ||
	bad "meson: did not run lexc gen after the edit"
snapshot "$b" "$tmp/after"
check_rebuild meson "$tmp/before" "$tmp/after" "$b/com.example.hello.greeting.h"
[ -f "$proj/server/handlers/com_example_hello_wave.c" ] && ok "meson: the new method's handler stub" ||
	bad "meson: no server/handlers/com_example_hello_wave.c"
rebuilt "$tmp/before" "$tmp/after" 'com_example_hello_wave\.c\.o ' &&
	ok "meson: the new handler compiled" || bad "meson: the new handler was not compiled"
build || { cat "$tmp/build.log"; echo "FAIL: the third meson compile"; exit 1; }
if grep -qE 'Generating|Compiling C object' "$tmp/build.log"; then
	bad "meson: a build with nothing changed did work:"
	cat "$tmp/build.log"
else
	ok "meson: nothing changed, nothing done"
fi
[ "$fails" = 0 ]
