#!/bin/sh
# Makes sure the Debian packages a job needs are installed. Sourced by the
# other scripts: `deps_ensure build` (compile and test) or `deps_ensure ci`
# (everything .ci/run uses). As root it installs what is missing with
# apt-get; otherwise it prints the exact apt-get line and stops.

DEPS_BUILD="gcc make autoconf automake libtool pkg-config re2c libjansson-dev \
libmicrohttpd-dev check libutf8proc-dev xz-utils libcurl4-openssl-dev curl"
DEPS_CI="$DEPS_BUILD clang libclang-rt-14-dev valgrind cppcheck clang-format git"

deps_missing() {
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' ||
			printf '%s ' "$pkg"
	done
}

deps_ensure() {
	case "$1" in
	build) want=$DEPS_BUILD ;;
	ci) want=$DEPS_CI ;;
	*) echo "deps_ensure: unknown profile $1" >&2; return 2 ;;
	esac
	if ! command -v dpkg-query >/dev/null 2>&1; then
		echo "deps: not a Debian system; install the equivalents of: $want" >&2
		return 0
	fi
	# shellcheck disable=SC2086
	missing=$(deps_missing $want)
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
