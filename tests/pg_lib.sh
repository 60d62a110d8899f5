# A throwaway PostgreSQL cluster for the tests: sourced, not run. No mock:
# the server of Debian's postgresql package (the highest version in
# /usr/lib/postgresql/*/bin), initdb'd into a temporary directory, on a
# Unix socket only (listen_addresses = ''), stopped and removed afterwards.
# Durability settings stay the server's defaults (fsync, synchronous_commit
# on): the tests kill webhookd and count on what it committed.
#
#   pg_start DIR     initdb into DIR/data, start on the socket dir DIR/sock,
#                    wait until it answers; sets $pg_url (database postgres),
#                    $pg_bin (the server's binaries), $pg_dir (DIR), $pg_log
#                    (the server's log). DIR is the cluster's own: pg_stop
#                    removes it. Anything failing prints the log and exits 1:
#                    a test that cannot start its database fails, never skips.
#   pg_newdb NAME    creates database NAME; prints its URI.
#   pg_stop          stops the server (pg_ctl -m fast) and removes DIR; safe
#                    to call twice, and when pg_start never ran.
#
# As root (CI), initdb refuses to run: the cluster runs as the postgres user
# (Debian's package makes it) with runuser, and pg_start makes DIR that
# user's. Otherwise it runs as the caller. The server is never run under
# $LEXC_WRAPPER (valgrind is for the programs under test).
#
# As root, DIR must be a directory the postgres user can reach: a mktemp -d
# of its own (its parent, /tmp, is open to everyone). When it is not (say
# DIR is inside the test's own mktemp -d, mode 700), the cluster goes to a
# fresh mktemp -d instead, which pg_stop removes as well.
#
# Cleaning up: POSIX sh has one EXIT trap, and pg_start leaves it to the
# test (dash cannot read a trap back to add to it): the test's trap calls
# pg_stop beside its own cleanup, set before or after pg_start:
#   trap 'kill -9 $pid 2>/dev/null || true; pg_stop; rm -rf "$tmp"' EXIT
# pg_start makes HUP, INT and TERM exit through that trap (exit 129, 130,
# 143), and starts a watcher that stops and removes the cluster within a
# second of the test's shell ending without pg_stop (killed with SIGKILL,
# say), so a cluster never outlives its test.

# Sourced twice (webhookd_lib.sh sources it too), the second time is a no-op.
if [ -n "${pg_lib_loaded:-}" ]; then
	return 0
fi
pg_lib_loaded=1
pg_dir=
pg_url=
pg_log=
pg_port=
pg_sock=
pg_watch=
pg_own=

# The libpq environment would change what the URIs below mean (PGHOSTADDR
# beats host=, for one).
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGSERVICEFILE PGOPTIONS \
	PGPASSWORD PGPASSFILE PGSSLMODE PGTARGETSESSIONATTRS PGDATA 2>/dev/null || true

# The highest version's binaries: pg_config --bindir names the client
# package's, which need not have a server beside it.
_pg_v=$(for _pg_p in /usr/lib/postgresql/*/bin/postgres; do
	if [ -x "$_pg_p" ] && [ -x "${_pg_p%/postgres}/initdb" ] && [ -x "${_pg_p%/postgres}/pg_ctl" ]; then
		_pg_p=${_pg_p#/usr/lib/postgresql/}
		echo "${_pg_p%%/*}"
	fi
done | sort -n | tail -n 1)
pg_bin=${_pg_v:+/usr/lib/postgresql/$_pg_v/bin}
if [ -z "$pg_bin" ]; then
	echo "FAIL: PostgreSQL is not installed (scripts/deps.sh installs it)"
	exit 1
fi
# psql and pg_dump of the same version when the server package has them,
# else the client package's.
pg_psql=$pg_bin/psql
[ -x "$pg_psql" ] || pg_psql=psql
pg_dump=$pg_bin/pg_dump
[ -x "$pg_dump" ] || pg_dump=pg_dump

# pg_as CMD...: runs a server command as the cluster's user, from DIR (a
# working directory that user can enter).
pg_as() {
	if [ "$(id -u)" = 0 ]; then
		(cd "$pg_dir" && runuser -u postgres -- "$@")
	else
		(cd "$pg_dir" && "$@")
	fi
}

# pg_fail MESSAGE: prints it and the server's log, then exits 1.
pg_fail() {
	echo "FAIL: PostgreSQL: $*"
	if [ -n "$pg_log" ] && [ -s "$pg_log" ]; then
		echo "--- $pg_log"
		cat "$pg_log"
	fi
	pg_stop
	exit 1
}

pg_start() {
	[ -z "$pg_dir" ] || { echo "FAIL: pg_start: a cluster is already running in $pg_dir"; exit 1; }
	if [ $# != 1 ] || [ -z "$1" ]; then
		echo "FAIL: usage: pg_start DIR"
		exit 1
	fi
	mkdir -p "$1" || { echo "FAIL: pg_start: cannot make $1"; exit 1; }
	pg_dir=$(cd "$1" && pwd)
	pg_own=
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || {
			echo "FAIL: PostgreSQL: running as root needs the postgres user (Debian's postgresql package makes it; scripts/deps.sh installs it)"
			exit 1
		}
		if ! chown postgres: "$pg_dir" || ! chmod 700 "$pg_dir"; then
			echo "FAIL: PostgreSQL: cannot give $pg_dir to the postgres user"
			exit 1
		fi
		if ! runuser -u postgres -- test -w "$pg_dir"; then
			# A parent is closed to postgres: a directory of the cluster's
			# own in /tmp.
			pg_own=$pg_dir
			pg_dir=$(mktemp -d) || { echo "FAIL: pg_start: mktemp -d"; exit 1; }
			if ! chown postgres: "$pg_dir" || ! runuser -u postgres -- test -w "$pg_dir"; then
				echo "FAIL: PostgreSQL: neither $pg_own nor a mktemp -d is reachable by the postgres user"
				exit 1
			fi
		fi
	fi
	pg_log=$pg_dir/server.log
	pg_sock=$pg_dir/sock
	# The socket's path must fit sun_path (107 bytes) with /.s.PGSQL.NNNNN.
	[ ${#pg_sock} -le 90 ] || pg_fail "the socket directory $pg_sock is too long a path"
	# Any port: only the socket's name has it, in a directory of its own.
	pg_port=$((20000 + $$ % 30000))
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	pg_as mkdir -m 700 "$pg_sock" || pg_fail "cannot make $pg_sock"
	pg_as "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres --no-sync -E UTF8 --locale=C \
		>"$pg_dir/initdb.log" 2>&1 || pg_fail "initdb failed: $(cat "$pg_dir/initdb.log")"
	# Small, and on the socket only; fsync and synchronous_commit stay on.
	cat >>"$pg_dir/data/postgresql.conf" <<CONF || pg_fail "cannot write postgresql.conf"
# tests/pg_lib.sh
listen_addresses = ''
unix_socket_directories = '$pg_sock'
port = $pg_port
max_connections = 200
shared_buffers = 16MB
log_line_prefix = '%m [%p] %d '
CONF
	# The watcher: stops the cluster if this shell dies without its EXIT trap.
	_pg_shell=$$
	(
		trap '' HUP INT
		cd /
		while kill -0 "$_pg_shell" 2>/dev/null; do sleep 1; done
		if [ "$(id -u)" = 0 ]; then
			runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop || true
		else
			"$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop || true
		fi
		rm -rf "$pg_dir" ${pg_own:+"$pg_own"}
	) </dev/null >/dev/null 2>&1 &
	pg_watch=$!
	pg_as "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_log" -w -t 60 start >"$pg_dir/pg_ctl.log" 2>&1 ||
		pg_fail "pg_ctl start failed: $(cat "$pg_dir/pg_ctl.log")"
	pg_url="postgresql:///postgres?host=$pg_sock&port=$pg_port&user=postgres"
	_pg_ok=
	for _ in $(seq 1 100); do
		if "$pg_psql" "$pg_url" -X -q -t -A -c 'select 1' 2>/dev/null | grep -qx 1; then
			_pg_ok=1
			break
		fi
		sleep 0.1
	done
	[ -n "$_pg_ok" ] || pg_fail "the server does not answer on $pg_sock"
	echo "PostgreSQL $("$pg_psql" "$pg_url" -X -q -t -A -c 'show server_version') on $pg_sock (port $pg_port)"
}

# pg_newdb NAME: a new database; prints its URI.
pg_newdb() {
	[ -n "$pg_url" ] || { echo "FAIL: pg_newdb before pg_start" >&2; exit 1; }
	case $1 in
	'' | *[!a-z0-9_]*) echo "FAIL: pg_newdb: '$1' is not a plain database name" >&2; exit 1 ;;
	esac
	if ! "$pg_psql" "$pg_url" -X -q -v ON_ERROR_STOP=1 -c "create database $1" >"$pg_dir/newdb.log" 2>&1; then
		echo "FAIL: PostgreSQL: create database $1: $(cat "$pg_dir/newdb.log")" >&2
		exit 1
	fi
	echo "postgresql:///$1?host=$pg_sock&port=$pg_port&user=postgres"
}

pg_stop() {
	[ -n "$pg_dir" ] || return 0
	if [ -n "$pg_watch" ]; then
		kill "$pg_watch" 2>/dev/null || true
		wait "$pg_watch" 2>/dev/null || true
		pg_watch=
	fi
	if [ -f "$pg_dir/data/postmaster.pid" ]; then
		pg_as "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
			echo "pg_stop: pg_ctl stop failed (the server in $pg_dir/data)"
	fi
	rm -rf "$pg_dir"
	[ -z "$pg_own" ] || rm -rf "$pg_own"
	pg_dir='' pg_own='' pg_url='' pg_log='' pg_sock='' pg_port=''
}
