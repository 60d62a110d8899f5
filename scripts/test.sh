#!/bin/sh
# Quick start, command 2: install what is missing (everything any test uses,
# node and npm included, so that no test skips), build everything, and run
# the whole test suite (make check). Skipped tests are listed at the end.
set -eu
. "$(dirname "$0")/deps.sh"
. "$(dirname "$0")/build.sh"
deps_ensure test
lexc_build
make -j"$(nproc 2>/dev/null || echo 2)" check || {
	for trs in $(grep -l -E ':test-result: (FAIL|ERROR|XPASS)' $(find . -name '*.trs')); do
		echo "=== ${trs%.trs}.log"
		tail -n 60 "${trs%.trs}.log"
	done
	exit 1
}
for trs in $(grep -l ':global-test-result: SKIP' $(find . -name '*.trs')); do
	trs=${trs#./}
	echo "skipped: ${trs%.trs} ($(grep -h '^SKIP' "${trs%.trs}.log" | head -n 1))"
done
