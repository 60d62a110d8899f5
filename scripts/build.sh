#!/bin/sh
# Builds lexc in build/ (out of tree), configuring on the first run only.
# Sourced by run.sh and test.sh after deps_ensure. Extra configure flags
# come from LEXC_CONFIGURE_FLAGS.
lexc_build() {
	top=$(cd "$(dirname "$0")/.." && pwd)
	cd "$top" || exit 1
	if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
		autoreconf -fi || exit 1
	fi
	mkdir -p build
	cd build || exit 1
	if [ ! -f Makefile ]; then
		# shellcheck disable=SC2086
		../configure ${LEXC_CONFIGURE_FLAGS:-} || exit 1
	fi
	make -j"$(nproc 2>/dev/null || echo 2)" || exit 1
}
