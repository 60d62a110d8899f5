#!/bin/sh
# The lexicon front end's layering (doc/design-notes.md): the stages
# (load, parse, check, resolve) call only the model core, never each other
# nor the pipeline, and the core calls none of them. Read from the symbols
# each built object file needs.
set -eu
dir="$LEXC_BUILDDIR/codegen"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
obj() {
	f="$dir/libcodegen_la-$1.o"
	if [ ! -f "$f" ]; then
		echo "FAIL: $f not found (build first)"
		exit 1
	fi
	echo "$f"
}
: >"$tmp/upper"
for m in load parse check resolve pipeline; do
	nm --defined-only "$(obj $m)" | awk '$2 == "T" { print $3 }' | sort -u >"$tmp/$m.defs"
	cat "$tmp/$m.defs" >>"$tmp/upper"
done
status=0
for m in schema load parse check resolve; do
	nm -u "$(obj $m)" | awk '{ print $2 }' | sort -u >"$tmp/$m.uses"
	own="$tmp/$m.defs"
	[ -f "$own" ] || : >"$own"
	bad=$(sort -u "$tmp/upper" | comm -23 - "$own" | comm -12 - "$tmp/$m.uses")
	if [ -n "$bad" ]; then
		echo "FAIL: codegen/$m.c calls into a stage or the pipeline: $(echo "$bad" | tr '\n' ' ')"
		status=1
	fi
done
# The pipeline is what runs the stages: without this the test could pass on
# objects that define nothing.
nm -u "$(obj pipeline)" | awk '{ print $2 }' | sort -u >"$tmp/pipeline.uses"
for s in schema_load_path schema_parse_doc check_doc resolve_set; do
	if ! grep -qx "$s" "$tmp/pipeline.uses"; then
		echo "FAIL: codegen/pipeline.c does not run $s"
		status=1
	fi
done
[ $status -eq 0 ] && echo "front end layers: core and stages call no stage"
exit $status
