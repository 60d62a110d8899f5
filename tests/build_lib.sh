# The build-system tests (tests/build_*.sh) do what a user does: liblexc
# and lexc installed in a DESTDIR, a project on examples/hello's lexicons,
# a build, then an edit (a property added to com.example.hello.greeting, a
# new query com.example.hello.wave) and the one usual build command again.
# Sourced; sets $tmp (removed at exit), $root, $proj, $prefix_dir.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() {
	echo "FAIL $*"
	fails=$((fails + 1))
}

# install_lexc: liblexc, its headers, liblexc.pc, the CMake package and
# lexc itself into $root, with the environment a user's build would have.
install_lexc() {
	root="$tmp/root"
	# One install at a time: libtool relinks in the build tree's .libs as it
	# installs, and the tests run in parallel (tests/stubs_build.sh too).
	(
		flock 9
		make -s -C "$LEXC_BUILDDIR" install-libLTLIBRARIES install-lexcincludeHEADERS \
			install-nodist_lexcincludeHEADERS install-pkgconfigDATA install-binPROGRAMS \
			install-cmakeDATA DESTDIR="$root"
	) 9>"$LEXC_BUILDDIR/install-test.lock" >"$tmp/install.log" 2>&1 ||
		{ cat "$tmp/install.log"; echo "FAIL: make install"; exit 1; }
	pcdir=$(dirname "$(find "$root" -name liblexc.pc | head -n 1)")
	libdir=$(dirname "$(find "$root" -name 'liblexc.so*' | head -n 1)")
	bindir=$(dirname "$(find "$root" -name lexc -type f | head -n 1)")
	prefix_dir=$(sed -n 's/^prefix=//p' "$pcdir/liblexc.pc")
	PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$root" LD_LIBRARY_PATH="$libdir"
	PATH="$bindir:$PATH"
	export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR LD_LIBRARY_PATH PATH
	command -v lexc | grep -q "^$root" || { echo "FAIL: the installed lexc is not on PATH"; exit 1; }
}

# new_project DIR: examples/hello's lexicons in DIR/lexicons.
new_project() {
	proj=$1
	mkdir -p "$proj"
	cp -r "$LEXC_SRCDIR/examples/hello/lexicons" "$proj/lexicons"
	chmod -R u+w "$proj/lexicons"
}

# edit_lexicons: a property `mood` in the greeting record, a new query.
# Waits a second first, so that timestamps tell the builds apart.
edit_lexicons() {
	sleep 1.1
	g="$proj/lexicons/com/example/hello/greeting.json"
	sed 's|"createdAt": { "type": "string", "format": "datetime" }|"createdAt": { "type": "string", "format": "datetime" },\n          "mood": { "type": "string", "maxLength": 20 }|' \
		"$g" >"$g.new" && mv "$g.new" "$g"
	grep -q '"mood"' "$g" || { echo "FAIL: the edit did not apply"; exit 1; }
	cat >"$proj/lexicons/com/example/hello/wave.json" <<'EOF2'
{
  "lexicon": 1,
  "id": "com.example.hello.wave",
  "defs": {
    "main": {
      "type": "query",
      "description": "Waves.",
      "output": {
        "encoding": "application/json",
        "schema": { "type": "object", "required": ["wave"], "properties": { "wave": { "type": "string" } } }
      }
    }
  }
}
EOF2
}

# snapshot DIR FILE: the path and mtime of every object below DIR.
snapshot() {
	find "$1" -name '*.o' -printf '%P %T@\n' | LC_ALL=C sort >"$2"
}

# rebuilt BEFORE AFTER PATTERN: whether an object whose path matches the
# grep -E pattern changed or appeared between the two snapshots.
rebuilt() {
	grep -E "$3" "$1" >"$tmp/rebuilt.a" || true
	grep -E "$3" "$2" >"$tmp/rebuilt.b" || true
	! cmp -s "$tmp/rebuilt.a" "$tmp/rebuilt.b"
}

# check_rebuild NAME BEFORE AFTER GENERATED_HEADER: after edit_lexicons and
# a build: the new field is in the struct, greeting's object was rebuilt,
# greet's (which the edit does not touch) was not.
check_rebuild() {
	name=$1
	if grep -q 'lexc_str mood;' "$4"; then ok "$name: the new property is in the struct"; else
		bad "$name: no mood in $4"
	fi
	if grep -qE 'hello[/.]greeting\.(c\.)?o ' "$2" && rebuilt "$2" "$3" 'hello[/.]greeting\.(c\.)?o '; then ok "$name: greeting's object rebuilt"; else
		bad "$name: greeting's object was not rebuilt"
	fi
	# generated/com/example/hello/greet.o (make), .../hello/greet.c.o (CMake),
	# ..._com.example.hello.greet.c.o (Meson); not the handler's object.
	greet='hello[/.]greet\.(c\.)?o '
	if ! grep -qE "$greet" "$2"; then
		bad "$name: no object of greet's generated code before the edit"
	elif rebuilt "$2" "$3" "$greet"; then
		bad "$name: greet's object was rebuilt, though nothing it includes changed"
	else
		ok "$name: greet's object untouched"
	fi
	n_before=$(wc -l <"$2")
	n_after=$(wc -l <"$3")
	echo "     objects: $n_before before, $n_after after; rebuilt or new:"
	LC_ALL=C comm -13 "$2" "$3" | sed 's/ .*//; s/^/       /'
}
