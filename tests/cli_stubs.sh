#!/bin/sh
# lexc stubs: the server skeleton of the project's lexicons (files, 501
# handlers, everything compiles warning-free with $CC and clang), files of
# the user's never overwritten, a new method adding only its handler, name
# collisions, usage errors, and the whole atproto corpus (stubs written,
# main.c, register_all.c and a sample of handlers compiled).
set -u
. "$LEXC_SRCDIR/tests/cli_lib.sh"
lexicons="$LEXC_SRCDIR/lexicons"

lacks() {
	if grep -qF -- "$3" "$2"; then fail "$1: '$3' in $2"; else pass; fi
}

flags="-std=c11 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
# compile NAME DIR FILES...: compiles (never links: the server is another
# library) each file of the skeleton in DIR with $CC and clang (once, when
# $CC is clang).
compile() {
	name=$1
	dir=$2
	shift 2
	again=
	for cc in "${CC:-cc}" clang; do
		if [ -n "$again" ]; then
			case "${CC:-cc}" in *clang*) continue ;; esac
		fi
		again=yes
		if ! command -v "${cc%% *}" >/dev/null 2>&1; then
			skip "$name: ${cc%% *} not installed: not compiled with it"
			continue
		fi
		: >"$tmp/cc.log"
		for f in "$@"; do
			# shellcheck disable=SC2086
			(cd "$dir" && $cc $flags -I"$LEXC_SRCDIR/runtime" -I"$LEXC_BUILDDIR/runtime" \
				-I. -Igenerated -c "$f" -o /dev/null) >>"$tmp/cc.log" 2>&1 ||
				echo "FAIL compiling $f with $cc" >>"$tmp/cc.log"
		done
		if grep -q . "$tmp/cc.log"; then
			fail "$name: does not compile warning-free with $cc"
			head -n 30 "$tmp/cc.log"
		else pass; fi
	done
}

# ---- The project's lexicons ------------------------------------------------------

s="$tmp/server"
lexc gen -o "$s/generated" "$lexicons" >"$tmp/out" 2>"$tmp/err"
expect "gen" 0 $?
lexc stubs -v -o "$s" "$lexicons" >"$tmp/out" 2>"$tmp/err"
expect "stubs" 0 $?
# shellcheck disable=SC2046
methods=$(grep -lE '"type": *"(query|procedure)"' $(find "$lexicons" -name '*.json') | wc -l)
n=$(find "$s/handlers" -name '*.c' | wc -l)
if [ "$n" -eq "$methods" ]; then pass; else fail "stubs: $n handlers for $methods methods"; fi
for f in main.c handlers.h register_all.c Makefile README.md \
	handlers/place_stream_server_createWebhook.c handlers/place_wisp_v2_secret_list.c; do
	if [ -f "$s/$f" ]; then pass; else fail "stubs: no $f"; fi
done
contains "verbose: wrote" "$tmp/out" "wrote $s/handlers/place_stream_server_createWebhook.c"
h="$s/handlers/place_stream_server_createWebhook.c"
contains "handler: 501" "$h" \
	'return lexc_call_fail(call, LEXC_METHOD_NOT_IMPLEMENTED,'
contains "handler: message" "$h" '"place.stream.server.createWebhook is not implemented yet"'
contains "handler: include" "$h" '#include "place/stream/server/createWebhook.h"'
contains "handler: input fields" "$h" 'input->url: lexc_str (required, format uri)'
contains "handler: error helpers" "$h" \
	'return place_stream_server_createWebhook__error_InvalidUrl(call, "...");'
contains "handler: query params" "$s/handlers/place_stream_server_listWebhooks.c" \
	'const place_stream_server_listWebhooks__params *params,'
contains "handlers.h: prototype" "$s/handlers.h" 'lexc_status place_wisp_v2_secret_list__handle('
contains "register_all" "$s/register_all.c" \
	'st = place_stream_server_createWebhook__register('
contains "register_all: err" "$s/register_all.c" \
	'lexc_status register_all(lexc_server *server, void *user, lexc_error *err)'
contains "main: register error" "$s/main.c" 'register_all(server, NULL, &err)'
contains "main: server" "$s/main.c" 'lexc_server_new(&cfg, lexc_methods, lexc_methods_count, &err)'
contains "main: run" "$s/main.c" 'lexc_server_run(server, &err)'
contains "main: flags" "$s/main.c" '"--threads"'
contains "Makefile: pkg-config" "$s/Makefile" 'pkg-config'
contains "Makefile: generated" "$s/Makefile" 'GENERATED ?= generated'
# shellcheck disable=SC2046
compile "project" "$s" main.c register_all.c $(cd "$s" && find handlers -name '*.c' | sort)

if command -v make >/dev/null 2>&1 && make --version 2>/dev/null | grep -q GNU; then
	make -n -C "$s" PKG_CONFIG=true LEXC="$LEXC_BIN" >"$tmp/make.out" 2>&1
	expect "Makefile: make -n" 0 $?
	contains "Makefile: handlers built" "$tmp/make.out" "handlers/place_wisp_v2_secret_list.o"
	contains "Makefile: generated built" "$tmp/make.out" "generated/lexc_methods.o"
else
	skip "GNU make not installed: the stub Makefile not checked with make -n"
fi

# With the pinned clang-format 14 (scripts/formatter.sh); without it this
# skips, but fails under CI.
. "$LEXC_SRCDIR/scripts/formatter.sh"
if formatter_ok; then
	cp "$LEXC_SRCDIR/.clang-format" "$s/.clang-format"
	(cd "$s" && "$LEXC_CLANG_FORMAT" --dry-run --Werror main.c register_all.c handlers.h \
		handlers/*.c) >"$tmp/cf.log" 2>&1
	if grep -q . "$tmp/cf.log"; then
		fail "stubs are not clang-formatted ($LEXC_CLANG_FORMAT $formatter_version)"
		head -n 20 "$tmp/cf.log"
	else pass; fi
elif formatter_required; then
	fail "$formatter_why; CI must check the stubs against .clang-format"
else
	skip "$formatter_why: stubs not checked against .clang-format"
fi

# ---- Files of the user's are kept -----------------------------------------------------

printf '/* mine */\n' >>"$h"
printf '/* mine */\n' >>"$s/main.c"
cp "$s/handlers.h" "$tmp/handlers.h.before"
lexc stubs -v -o "$s" "$lexicons" >"$tmp/out" 2>"$tmp/err"
expect "again: stubs" 0 $?
contains "again: kept" "$tmp/out" "kept $h"
contains "again: summary" "$tmp/out" "0 files written, 2 unchanged, $((methods + 3)) kept"
contains "again: handler edit kept" "$h" '/* mine */'
contains "again: main.c edit kept" "$s/main.c" '/* mine */'
if cmp -s "$s/handlers.h" "$tmp/handlers.h.before"; then pass; else fail "again: handlers.h changed"; fi

# ---- A new method: only its handler is added ------------------------------------------

cp -R "$lexicons" "$tmp/lex"
mkdir -p "$tmp/lex/com/example"
cat >"$tmp/lex/com/example/ping.json" <<'EOF'
{"lexicon": 1, "id": "com.example.ping", "defs": {"main": {"type": "procedure",
 "description": "Answers with what it got.",
 "input": {"encoding": "*/*"},
 "output": {"encoding": "application/json", "schema": {"type": "object",
            "required": ["n"], "properties": {"n": {"type": "integer"}}}},
 "errors": [{"name": "TooBig"}, {"name": "void"}]}}}
EOF
lexc gen -o "$s/generated" "$tmp/lex" >"$tmp/out" 2>"$tmp/err"
expect "new method: gen" 0 $?
lexc stubs -v -o "$s" "$tmp/lex" >"$tmp/out" 2>"$tmp/err"
expect "new method: stubs" 0 $?
contains "new method: handler written" "$tmp/out" "wrote $s/handlers/com_example_ping.c"
contains "new method: handlers.h rewritten" "$tmp/out" "wrote $s/handlers.h"
contains "new method: summary" "$tmp/out" "3 files written, 0 unchanged, $((methods + 3)) kept"
contains "new method: edit still kept" "$h" '/* mine */'
contains "new method: registered" "$s/register_all.c" 'com_example_ping__handle'
contains "new method: raw input" "$s/handlers/com_example_ping.c" 'const lexc_body *input'
contains "new method: keyword error" "$s/handlers/com_example_ping.c" 'com_example_ping__error_void_('
compile "new method" "$s" register_all.c handlers/com_example_ping.c

# ---- Collisions and usage -----------------------------------------------------------------

mkdir -p "$tmp/coll/com/example"
cat >"$tmp/coll/com/example/proc.json" <<'EOF'
{"lexicon": 1, "id": "com.example.proc", "defs": {
 "main": {"type": "query", "output": {"encoding": "application/json"}},
 "handle": {"type": "object", "properties": {}}}}
EOF
lexc gen -o "$tmp/coll-gen" "$tmp/coll" >"$tmp/out" 2>"$tmp/err"
expect "collision: gen is fine" 0 $?
lexc stubs -o "$tmp/coll-out" "$tmp/coll" >"$tmp/out" 2>"$tmp/err"
expect "collision: stubs" 1 $?
contains "collision: message" "$tmp/err" 'C name com_example_proc__handle is already used by'
if [ -e "$tmp/coll-out" ]; then fail "collision: files were written"; else pass; fi

lexc stubs >"$tmp/out" 2>"$tmp/err"
expect "usage: no input" 2 $?
lexc stubs --bogus "$lexicons" >"$tmp/out" 2>"$tmp/err"
expect "usage: unknown option" 2 $?
lexc stubs --help >"$tmp/out" 2>"$tmp/err"
expect "help" 0 $?
contains "help text" "$tmp/out" "usage: lexc stubs"
"$LEXC_BIN" --help >"$tmp/out" 2>&1
contains "lexc --help lists stubs" "$tmp/out" "stubs"

# ---- The atproto corpus ----------------------------------------------------------------------

c="$tmp/corpus"
lexc gen -o "$c/generated" "$corpus" >"$tmp/out" 2>"$tmp/err"
expect "corpus: gen" 0 $?
lexc stubs -o "$c" "$corpus" >"$tmp/out" 2>"$tmp/err"
expect "corpus: stubs" 0 $?
# shellcheck disable=SC2046
methods=$(grep -lE '"type": *"(query|procedure)"' $(find "$corpus" -name '*.json') | wc -l)
n=$(find "$c/handlers" -name '*.c' | wc -l)
if [ "$n" -eq "$methods" ]; then pass; else fail "corpus: $n handlers for $methods methods"; fi
# Every handler includes all method headers through handlers.h: compile a
# sample (every 16th) with $CC only, to keep the test short.
sample=$(cd "$c" && find handlers -name '*.c' | sort | awk 'NR % 16 == 1')
CC_SAVE=${CC:-cc}
for f in main.c register_all.c $sample; do
	# shellcheck disable=SC2086
	(cd "$c" && $CC_SAVE $flags -I"$LEXC_SRCDIR/runtime" -I"$LEXC_BUILDDIR/runtime" -I. \
		-Igenerated -fsyntax-only "$f") >>"$tmp/corpus-cc.log" 2>&1 ||
		echo "FAIL compiling $f" >>"$tmp/corpus-cc.log"
done
if [ -s "$tmp/corpus-cc.log" ]; then
	fail "corpus: stubs do not compile warning-free with $CC_SAVE"
	head -n 30 "$tmp/corpus-cc.log"
else pass; fi

finish cli_stubs
