#!/bin/sh
# Makes sure the Debian packages a job needs are installed. Sourced by the
# other scripts: `deps_ensure build` (compile lexc and run it),
# `deps_ensure test` (also everything any `make check` test uses, so none of
# them skips) or `deps_ensure ci` (also everything else .ci/run uses). As
# root it installs what is missing with apt-get; otherwise it prints the
# exact apt-get line and stops.

DEPS_BUILD="gcc g++ make autoconf automake libtool pkg-config re2c libjansson-dev \
libmicrohttpd-dev check libutf8proc-dev xz-utils libcurl4-openssl-dev curl \
libsqlite3-dev libssl-dev sqlite3 libsecp256k1-dev libpq-dev libwebsockets-dev"
# tests/cli_gen.sh and tests/cli_stubs.sh compile generated code with clang
# too and check it with clang-format-14, the one formatter they and
# scripts/check-style.sh are pinned to (scripts/formatter.sh);
# tests/check_symbols.sh runs nm (binutils); tests/ts_client.sh runs node
# and npm (see deps_node_missing); tests/service_auth.sh makes a certificate
# with openssl; the webhookd suites run a throwaway PostgreSQL cluster
# (tests/pg_lib.sh: initdb and pg_ctl of Debian's postgresql).
# tests/cli_doc.sh checks pages with python3 and HTML Tidy; tests/docs_browser.sh
# drives Debian's chromium (with a font to render text) through puppeteer-core;
# tests/build_{cmake,meson}.sh build a project with cmake and meson (ninja).
DEPS_TEST="$DEPS_BUILD clang clang-format-14 binutils ca-certificates openssl postgresql \
python3 tidy chromium fonts-dejavu-core cmake meson ninja-build"
DEPS_CI="$DEPS_TEST libclang-rt-14-dev valgrind cppcheck git wrk"

deps_missing() {
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' ||
			printf '%s ' "$pkg"
	done
}

# node and npm are checked as commands, not as Debian packages: a node from
# elsewhere (NodeSource's nodejs, which ships its own npm and conflicts with
# Debian's npm package) is fine. Debian's nodejs and npm are installed only
# when the commands are missing.
deps_node_missing() {
	command -v node >/dev/null 2>&1 || printf 'nodejs '
	command -v npm >/dev/null 2>&1 || printf 'npm '
}

deps_ensure() {
	case "$1" in
	build) want=$DEPS_BUILD node= ;;
	test) want=$DEPS_TEST node=yes ;;
	ci) want=$DEPS_CI node=yes ;;
	*)
		echo "deps_ensure: unknown profile $1 (build, test or ci)" >&2
		return 2
		;;
	esac
	if ! command -v dpkg-query >/dev/null 2>&1; then
		echo "deps: not a Debian system; install the equivalents of: $want${node:+ nodejs npm}" >&2
		return 0
	fi
	# shellcheck disable=SC2086
	missing=$(deps_missing $want)
	[ -n "$node" ] && missing="$missing$(deps_node_missing)"
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "Missing Debian packages. Run as root:" >&2
		echo "  apt-get update && apt-get install -y --no-install-recommends $missing" >&2
		exit 1
	fi
	echo "deps: installing $missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || exit 1
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing || exit 1
}
