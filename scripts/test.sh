#!/bin/sh
# Quick start, command 2: install what is missing, build everything, and run
# the whole test suite (make check).
set -eu
. "$(dirname "$0")/deps.sh"
. "$(dirname "$0")/build.sh"
deps_ensure build
lexc_build
make -j"$(nproc 2>/dev/null || echo 2)" check || {
	for trs in $(grep -l -E ':test-result: (FAIL|ERROR|XPASS)' $(find . -name '*.trs')); do
		echo "=== ${trs%.trs}.log"
		tail -n 60 "${trs%.trs}.log"
	done
	exit 1
}
