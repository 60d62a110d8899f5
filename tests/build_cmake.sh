#!/bin/sh
# CMake: find_package(lexc) from the installed package, lexc_stubs() and
# lexc_generate() (tests/build_lib.sh). After the edit, `cmake --build`
# alone reconfigures (a document was added), regenerates (the depfile),
# writes the new handler and recompiles only what the change touches.
. "$LEXC_SRCDIR/tests/build_lib.sh"
command -v cmake >/dev/null 2>&1 || { echo "FAIL: cmake is not installed (scripts/deps.sh installs it)"; exit 1; }
install_lexc
new_project "$tmp/proj"
lexc stubs -o "$proj/server" "$proj/lexicons" >/dev/null
cat >"$proj/CMakeLists.txt" <<'EOF2'
cmake_minimum_required(VERSION 3.20)
project(hello C)
find_package(lexc 0.1 REQUIRED)
# New methods' handlers first, so that the glob below sees them.
lexc_stubs(OUTPUT_DIR server LEXICONS lexicons)
file(GLOB handlers CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/server/handlers/*.c")
add_executable(server server/main.c server/register_all.c ${handlers})
set_property(TARGET server PROPERTY C_STANDARD 11)
target_include_directories(server PRIVATE server)
lexc_generate(TARGET server LEXICONS lexicons DOCS)
target_link_libraries(server PRIVATE lexc::lexc)
EOF2
b="$proj/build"
cmake -S "$proj" -B "$b" -DCMAKE_PREFIX_PATH="$root$prefix_dir" \
	-DCMAKE_C_COMPILER="${CC:-cc}" -DCMAKE_C_FLAGS="${LEXC_CFLAGS:-} -Wall -Wextra -Werror" \
	-DCMAKE_EXE_LINKER_FLAGS="${LEXC_LDFLAGS:-}" >"$tmp/configure.log" 2>&1 ||
	{ cat "$tmp/configure.log"; echo "FAIL: cmake configure"; exit 1; }
build() { cmake --build "$b" >"$tmp/build.log" 2>&1; }
build || { cat "$tmp/build.log"; echo "FAIL: the first cmake --build"; exit 1; }
[ -x "$b/server" ] && ok "cmake: built server with lexc::lexc and lexc_generate()" || bad "cmake: no server"
snapshot "$b" "$tmp/before"
edit_lexicons
build || { cat "$tmp/build.log"; echo "FAIL: cmake --build after the edit"; exit 1; }
grep -q 'lexc gen' "$tmp/build.log" && ok "cmake: regenerated after the edit" ||
	bad "cmake: did not run lexc gen after the edit"
snapshot "$b" "$tmp/after"
check_rebuild cmake "$tmp/before" "$tmp/after" "$b/lexc-generated/com/example/hello/greeting.h"
[ -f "$proj/server/handlers/com_example_hello_wave.c" ] && ok "cmake: the new method's handler stub" ||
	bad "cmake: no server/handlers/com_example_hello_wave.c"
rebuilt "$tmp/before" "$tmp/after" 'com_example_hello_wave\.c\.o ' &&
	ok "cmake: the new handler compiled" || bad "cmake: the new handler was not compiled"
build || { cat "$tmp/build.log"; echo "FAIL: the third cmake --build"; exit 1; }
if grep -qE 'lexc gen|Building C object' "$tmp/build.log"; then
	bad "cmake: a build with nothing changed did work:"
	cat "$tmp/build.log"
else
	ok "cmake: nothing changed, nothing done"
fi
[ "$fails" = 0 ]
