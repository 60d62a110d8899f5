#!/bin/sh
# Runs every libFuzzer target of a build configured with --enable-fuzzing.
#   tests/fuzz/run.sh BUILDDIR SECONDS [JOBS]
# Each target runs SECONDS of wall time (JOBS targets at once; 2 keeps both
# cores busy; FUZZ_TARGETS="fuzz_json fuzz_decode" runs only those), seeded from the interop vectors, with its corpus kept in
# BUILDDIR/fuzz-corpus/TARGET. Prints one line per target with its exec
# count; exits non-zero if any target finds a crash.
set -u
builddir=$1
seconds=$2
jobs=${3:-1}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
vectors="$srcdir/tests/data/interop/syntax"
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

seed() { # seed TARGET VECTOR_PREFIX...
	dir="$builddir/fuzz-corpus/$1"
	mkdir -p "$dir"
	shift
	for prefix in "$@"; do
		for f in "$vectors/${prefix}"_*.txt; do
			[ -f "$f" ] || continue
			i=0
			grep -v '^#' "$f" | grep -v '^$' | while IFS= read -r line; do
				i=$((i + 1))
				printf '%s' "$line" >"$dir/$(basename "$f" .txt)-$i"
			done
		done
	done
}

run_one() { # run_one TARGET
	t=$1
	dir="$builddir/fuzz-corpus/$t"
	log="$results/$t.log"
	"$builddir/tests/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$builddir/fuzz-artifacts-$t-" -max_len=${FUZZ_MAX_LEN:-16384} "$dir" >"$log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	corpus=$(ls "$dir" | wc -l)
	if [ $status -eq 0 ]; then
		echo "$t: ok, ${execs:-?} execs, $cov, corpus $corpus" >"$results/$t.result"
	else
		echo "$t: FAILED (exit $status), ${execs:-?} execs" >"$results/$t.result"
		tail -n 40 "$log" >>"$results/$t.result"
	fi
}

targets=""
for t in at_identifier:"atidentifier did handle" at_uri:aturi cid:cid datetime:datetime \
	did:did handle:handle nsid:nsid tid:tid record_key:"recordkey tid" uri:uri \
	language:language; do
	name="fuzz_format_${t%%:*}"
	# shellcheck disable=SC2086
	seed "$name" ${t#*:}
	targets="$targets $name"
done
mkdir -p "$builddir/fuzz-corpus/fuzz_utf8"
cp "$vectors"/*.txt "$builddir/fuzz-corpus/fuzz_utf8/" 2>/dev/null
targets="$targets fuzz_utf8"

# JSON: the data-driven valid and invalid documents.
mkdir -p "$builddir/fuzz-corpus/fuzz_json"
for f in "$srcdir"/tests/data/json/valid/*.json "$srcdir"/tests/data/json/invalid/*.json; do
	[ -f "$f" ] && cp "$f" "$builddir/fuzz-corpus/fuzz_json/$(basename "$(dirname "$f")")-$(basename "$f")"
done
targets="$targets fuzz_json"

# Lexicon front end: the bad-lexicon cases and a slice of the official corpus.
mkdir -p "$builddir/fuzz-corpus/fuzz_lexicon"
for f in "$srcdir"/tests/data/lint/*.json "$srcdir"/tests/data/interop/lexicon/catalog/*.json \
	"$srcdir"/tests/data/lexicons-atproto/app/bsky/feed/*.json; do
	[ -f "$f" ] && cp "$f" "$builddir/fuzz-corpus/fuzz_lexicon/$(echo "$f" | tr / _)"
done
targets="$targets fuzz_lexicon"

# webhookd's URL check: the URLs the end-to-end suite sends.
dir="$builddir/fuzz-corpus/fuzz_webhookd_url"
mkdir -p "$dir"
i=0
for u in https://hooks.example.test/a http://127.0.0.1:9/x 'https://[::ffff:10.0.0.1]/x' \
	https://user@hooks.example.test/ https://2130706433/ 'https://[fe80::1%25eth0]/' \
	https://hooks.example.test:443/p?q#f 10.0.0.0/8 fd00::/8; do
	i=$((i + 1))
	printf '%s' "$u" >"$dir/seed-$i"
done
targets="$targets fuzz_webhookd_url"

# The record webhook index: scopes and records with at-uris and DIDs.
dir="$builddir/fuzz-corpus/fuzz_record_index"
mkdir -p "$dir"
i=0
for r in 'at://did:plc:x/app.bsky.feed.post/3k' 'at://did:plc:x' \
	'{"subject":{"uri":"at://did:plc:x/app.bsky.feed.post/3k","cid":"b"},"k":"did:plc:x"}' \
	'{"a":"at:\/\/did:plc:x\/app.bsky.feed.post","b":["did:plc:x","\"at://did:plc:x\""]}'; do
	i=$((i + 1))
	printf '%s' "$r" >"$dir/seed-$i"
done
targets="$targets fuzz_record_index"

# libwhsig's verify: the spec's vector and variations of its header.
dir="$builddir/fuzz-corpus/fuzz_whsig_verify"
mkdir -p "$dir"
i=0
for h in 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' 'v1a,abc v2,x v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' 'v1,' 'v1,g0hM9SsE'; do
	i=$((i + 1))
	printf 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\nmsg_p5jXN8AQM9LWM0D4loKWxJek\n1614265330\n%s\n{"test": 2432232314}' "$h" >"$dir/seed-$i"
done
targets="$targets fuzz_whsig_verify"

# liblexc-auth: a selector byte, then a token, a multikey, a DID document
# or a DID (fuzz_service_auth.c); the interop did:keys and a real token.
dir="$builddir/fuzz-corpus/fuzz_service_auth"
mkdir -p "$dir"
i=0
for seed in \
	'0eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NksifQ.eyJpYXQiOjE3MDAwMDAwMDAsImlzcyI6ImRpZDpwbGM6YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhIiwiYXVkIjoiZGlkOndlYjpzdmMudGVzdCIsImV4cCI6MTcwMDAwMDA2MCwibHhtIjoiY29tLmV4YW1wbGUubSIsImp0aSI6IjEyMyJ9.c2ln' \
	'1did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme' \
	'1zDnaeTiq1PdzvZXUaMdezchcMJQpBdH2VN4pgrrEhMCCbmwSb' \
	'2{"id":"did:plc:aaaaaaaaaaaaaaaaaaaaaaaa","verificationMethod":[{"id":"#atproto","type":"Multikey","publicKeyMultibase":"zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"}]}' \
	'3did:web:localhost%3A8443' '3did:plc:aaaaaaaaaaaaaaaaaaaaaaaa'; do
	i=$((i + 1))
	printf '%s' "$seed" >"$dir/seed-$i"
done
targets="$targets fuzz_service_auth"

# Decoders: a selector byte, then a record or input (see fuzz_decode.c).
dir="$builddir/fuzz-corpus/fuzz_decode"
mkdir -p "$dir"
i=0
for sel in 0 1 2; do
	case $sel in
	0) src="$srcdir/tests/data/validate/bench-posts-sample.jsonl" ;;
	1) src="$srcdir/tests/data/validate/createWebhook-input.jsonl" ;;
	2) src="$srcdir/tests/data/validate/interop-record-valid.jsonl" ;;
	esac
	[ -f "$src" ] || continue
	while IFS= read -r line; do
		i=$((i + 1))
		printf '%d%s' "$sel" "$line" >"$dir/seed-$i"
	done <"$src"
done
targets="$targets fuzz_decode"

if [ -n "${FUZZ_TARGETS:-}" ]; then
	chosen=""
	for t in $targets; do
		case " $FUZZ_TARGETS " in *" $t "*) chosen="$chosen $t" ;; esac
	done
	targets=$chosen
fi
running=0
for t in $targets; do
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
failed=0
passed=0
for t in $targets; do
	cat "$results/$t.result"
	if grep -q FAILED "$results/$t.result"; then failed=$((failed + 1)); else passed=$((passed + 1)); fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
