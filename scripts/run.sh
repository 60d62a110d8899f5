#!/bin/sh
# Quick start, command 1: install what is missing, build everything, and run
# the main job. Until webhookd exists, the main job is lexc on the project's
# lexicons: lint them, check every NSID against its path, and generate C for
# them into build/generated/.
set -eu
. "$(dirname "$0")/deps.sh"
. "$(dirname "$0")/build.sh"
deps_ensure build
lexc_build
cd "$top"
lexc=build/lexc
$lexc --version
status=0
for f in $(find lexicons -name '*.json' | sort); do
	id=$(sed -n 's/^[[:space:]]*"id"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | head -n 1)
	verdict=$($lexc syntax nsid "$id") || status=1
	want=$(echo "${f#lexicons/}" | sed 's/\.json$//' | tr / .)
	if [ "$id" != "$want" ]; then
		verdict="$verdict; path says $want"
		status=1
	fi
	printf '%-50s %-36s %s\n' "$f" "$id" "$verdict"
done
$lexc lint -v lexicons || status=1
$lexc gen -v -o build/generated lexicons || status=1
exit $status
