#!/bin/sh
# webhookd's per-DID rules hold across processes: three webhookd-test serve
# on one PostgreSQL database (a throwaway cluster on a Unix socket,
# tests/pg_lib.sh, started by tests/webhookd_lib.sh) sharing one key file.
# Each race is one curl sending every call at once (-Z), spread over the
# processes:
#   - 16 createWebhook calls of one DID allowed 10 (--max-webhooks 10): 10
#     created, 6 TooManyWebhooks, and each process lists the same 10; a
#     deletion on one process frees a place on another;
#   - one URL created at once on two processes: one webhook, one
#     DuplicateWebhook (5 rounds);
#   - one eventId published at once to two processes: both answer it, one
#     of them marked duplicate; the event is stored once and delivered once
#     (5 rounds).
# Without PostgreSQL it fails; it never skips.
set -eu
WEBHOOKD_TEST_STORE=postgres
export WEBHOOKD_TEST_STORE
. "$LEXC_SRCDIR/tests/webhookd_lib.sh"

tmp=$(mktemp -d)
pids=
rpid=
trap 'for p in $pids $rpid; do kill -9 "$p" 2>/dev/null || true; done; wh_cleanup; rm -rf "$tmp"' EXIT
data="$tmp/data" # one key file for the three processes
fail() {
	echo "FAIL: $*"
	for f in "$tmp"/server*.err; do
		[ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }
	done
	echo "--- $pg_log"
	tail -20 "$pg_log"
	exit 1
}

wh_receiver "$tmp"
key_limit=$(wh_key "$data" did:web:limit.example.com)
key_same=$(wh_key "$data" did:web:same.example.com)
key_events=$(wh_key "$data" did:web:events.example.com)
key_op=$(wh_key "$data" did:web:host.example.com --operator)
for k in "$key_limit" "$key_same" "$key_events" "$key_op"; do
	[ -n "$k" ] || fail "key create on PostgreSQL printed no key"
done

# Three processes, one after another (the first makes the key file).
for i in 1 2 3; do
	# shellcheck disable=SC2086
	wh_serve "$tmp/server$i.err" "$data" --allow-net 127.0.0.0/8 --max-webhooks 10
	pids="$pids $pid"
	eval "base_$i=\$base"
done
pid=
server() { # server I: the base URL of process I (1..3), I taken mod 3
	eval "echo \"\$base_$((($1 - 1) % 3 + 1))\""
}

# race_add NAME I BASE KEY NSID BODY: call I of race NAME; race_run NAME
# sends them all at once. $tmp/NAME.I is the answer's body, and a line
# "I STATUS" of $tmp/NAME.status its HTTP status.
race_add() {
	printf '%s' "$6" >"$tmp/$1.$2.in"
	[ ! -s "$tmp/$1.cfg" ] || echo next >>"$tmp/$1.cfg"
	cat >>"$tmp/$1.cfg" <<CFG
url = "$3/xrpc/$5"
header = "Authorization: Bearer $4"
header = "Content-Type: application/json"
data-binary = "@$tmp/$1.$2.in"
output = "$tmp/$1.$2"
write-out = "$2 %{http_code}\\n"
CFG
}
race_run() {
	curl -s --no-progress-meter -Z --parallel-immediate --parallel-max 64 -K "$tmp/$1.cfg" >"$tmp/$1.status" ||
		fail "curl of race $1: $(cat "$tmp/$1.status")"
}
status_of() { # status_of NAME I
	awk -v i="$2" '$1 == i { print $2 }' "$tmp/$1.status"
}
xrpc() { # xrpc BASE KEY NSID [BODY]: prints the answer's body
	if [ $# = 4 ]; then
		curl -s -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$4" "$1/xrpc/$3"
	else
		curl -s -H "Authorization: Bearer $2" "$1/xrpc/$3"
	fi
}
ids_of() { # ids_of FILE...: the webhook ids in createWebhook or listWebhooks answers, sorted
	cat "$@" | grep -o '"id":"[0-9a-f-]*"' | sort
}

# --- 16 creates at once for the last 10 places --------------------------------
for i in $(seq 1 16); do
	race_add limit "$i" "$(server "$i")" "$key_limit" place.stream.server.createWebhook \
		"{\"url\":\"http://127.0.0.1:$rport/limit/$i\",\"events\":[\"chat\"]}"
done
race_run limit
created=0
refused=0
: >"$tmp/limit.created"
for i in $(seq 1 16); do
	st=$(status_of limit "$i")
	body=$(cat "$tmp/limit.$i")
	case "$st $body" in
	'200 '*'"webhook":{'*)
		created=$((created + 1))
		cat "$tmp/limit.$i" >>"$tmp/limit.created"
		;;
	'400 '*'"error":"TooManyWebhooks"'*)
		refused=$((refused + 1))
		case $body in *10*) ;; *) fail "TooManyWebhooks does not say the limit (10): $body" ;; esac
		;;
	*) fail "createWebhook $i on process $(((i - 1) % 3 + 1)): $st $body" ;;
	esac
done
if [ "$created" != 10 ] || [ "$refused" != 6 ]; then
	fail "16 creates at once across 3 processes for 10 places: $created created, $refused TooManyWebhooks (want 10 and 6)"
fi
echo "ok   16 creates at once on 3 processes for 10 places: 10 created, 6 TooManyWebhooks"
ids_of "$tmp/limit.created" >"$tmp/limit.ids"
for i in 1 2 3; do
	xrpc "$(server "$i")" "$key_limit" "place.stream.server.listWebhooks?limit=100" >"$tmp/list.$i"
	ids_of "$tmp/list.$i" >"$tmp/list.$i.ids"
	n=$(wc -l <"$tmp/list.$i.ids")
	[ "$n" = 10 ] || fail "process $i lists $n webhooks, want 10: $(cat "$tmp/list.$i")"
	cmp -s "$tmp/list.$i.ids" "$tmp/limit.ids" ||
		fail "process $i lists other webhooks than the 10 created: $(cat "$tmp/list.$i")"
done
echo "ok   each of the 3 processes lists the same 10"
for i in 1 2 3; do
	out=$(xrpc "$(server "$i")" "$key_limit" place.stream.server.createWebhook \
		"{\"url\":\"http://127.0.0.1:$rport/limit/more/$i\",\"events\":[\"chat\"]}")
	case $out in *'"error":"TooManyWebhooks"'*) ;; *) fail "an 11th create on process $i: $out" ;; esac
done
first=$(head -n 1 "$tmp/limit.ids" | sed 's/"id":"\(.*\)"/\1/')
out=$(xrpc "$(server 1)" "$key_limit" place.stream.server.deleteWebhook "{\"id\":\"$first\"}")
case $out in *'"error"'*) fail "deleteWebhook on process 1: $out" ;; esac
out=$(xrpc "$(server 2)" "$key_limit" place.stream.server.createWebhook \
	"{\"url\":\"http://127.0.0.1:$rport/limit/after-delete\",\"events\":[\"chat\"]}")
case $out in *'"webhook":{'*) ;; *) fail "a create on process 2 after a delete on process 1: $out" ;; esac
out=$(xrpc "$(server 3)" "$key_limit" place.stream.server.createWebhook \
	"{\"url\":\"http://127.0.0.1:$rport/limit/one-too-many\",\"events\":[\"chat\"]}")
case $out in *'"error":"TooManyWebhooks"'*) ;; *) fail "a create on process 3 at the limit again: $out" ;; esac
echo "ok   at the limit every process refuses; a delete on one frees a place on another"

# --- one URL at once on two processes -----------------------------------------
for r in 1 2 3 4 5; do
	for j in 1 2; do
		race_add "same$r" "$j" "$(server $((r + j)))" "$key_same" place.stream.server.createWebhook \
			"{\"url\":\"http://127.0.0.1:$rport/same/$r\",\"events\":[\"chat\"]}"
	done
	race_run "same$r"
	got="$(status_of "same$r" 1) $(status_of "same$r" 2)"
	case "$got" in
	'200 400') loser=2 ;;
	'400 200') loser=1 ;;
	*) fail "round $r: one URL created at once on 2 processes answered $got: $(cat "$tmp/same$r.1") $(cat "$tmp/same$r.2")" ;;
	esac
	grep -q '"error":"DuplicateWebhook"' "$tmp/same$r.$loser" ||
		fail "round $r: the second create of one URL: $(cat "$tmp/same$r.$loser")"
done
n=$(xrpc "$(server 3)" "$key_same" "place.stream.server.listWebhooks?limit=100" | grep -o '"id":"' | wc -l)
[ "$n" = 5 ] || fail "after 5 rounds of one URL created twice at once: $n webhooks, want 5"
echo "ok   one URL created at once on 2 processes: 1 webhook and 1 DuplicateWebhook (5 rounds)"

# --- one eventId published at once to two processes ----------------------------
out=$(xrpc "$(server 1)" "$key_events" place.stream.server.createWebhook \
	"{\"url\":\"http://127.0.0.1:$rport/ok\",\"events\":[\"chat\"],\"active\":true}")
case $out in *'"webhook":{'*) ;; *) fail "createWebhook for the events: $out" ;; esac
for r in 1 2 3 4 5; do
	ev="{\"did\":\"did:web:events.example.com\",\"type\":\"chat\",\"eventId\":\"race-$r\",\"data\":{\"\$type\":\"dev.lexc.webhookd.defs#chat\",\"text\":\"race-text-$r\",\"author\":{\"did\":\"did:plc:bob\",\"handle\":\"bob.test\"}}}"
	for j in 1 2; do
		race_add "event$r" "$j" "$(server $((r + j)))" "$key_op" dev.lexc.webhookd.publishEvent "$ev"
	done
	race_run "event$r"
	dup=0
	fresh=0
	for j in 1 2; do
		st=$(status_of "event$r" "$j")
		body=$(cat "$tmp/event$r.$j")
		[ "$st" = 200 ] || fail "round $r: publishEvent on process $(((r + j - 1) % 3 + 1)): $st $body"
		case $body in *'"eventId":"race-'"$r"'"'*) ;; *) fail "round $r: the answer names another event: $body" ;; esac
		case $body in
		*'"duplicate":true'*) dup=$((dup + 1)) ;;
		*'"webhooks":1'*) fresh=$((fresh + 1)) ;;
		*) fail "round $r: neither a duplicate nor fanned out to the 1 webhook: $body" ;;
		esac
	done
	if [ "$fresh" != 1 ] || [ "$dup" != 1 ]; then
		fail "round $r: one eventId published at once to 2 processes: $fresh stored, $dup duplicates: $(cat "$tmp/event$r.1") $(cat "$tmp/event$r.2")"
	fi
	# Stored once: the store's events table (schema of store_pg.c).
	rows=$("$pg_psql" "$wh_store_url" -X -q -t -A \
		-c "select count(*) from events where did = 'did:web:events.example.com' and event_id = 'race-$r'") ||
		fail "psql: counting the events"
	[ "$rows" = 1 ] || fail "round $r: event race-$r is stored $rows times"
done
echo "ok   one eventId published at once to 2 processes: stored once, the other answer a duplicate (5 rounds)"
# Delivered once each: wait for all 5, then a while for any second one.
for _ in $(seq 1 300); do
	got=$(grep '"status":200' "$tmp/recv.log" | grep -o 'race-text-[0-9]*' | sort -u | wc -l)
	[ "$got" -ge 5 ] && break
	sleep 0.1
done
[ "$got" = 5 ] || fail "the receiver got $got of the 5 raced events"
sleep 2
for r in 1 2 3 4 5; do
	n=$(grep -c "race-text-$r\\\\\"" "$tmp/recv.log" || true)
	[ "$n" = 1 ] || fail "event race-$r reached the receiver $n times"
done
echo "ok   each raced event was delivered once"

for p in $pids; do
	kill -TERM "$p"
	st=0
	wait "$p" || st=$?
	[ "$st" = 0 ] || fail "a server exited with status $st after SIGTERM"
done
pids=
for f in "$tmp"/server*.err; do
	if grep -q "whsec_" "$f"; then
		fail "$f holds a secret"
	fi
done
echo "ok   no secret in the logs"
