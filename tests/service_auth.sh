#!/bin/sh
# atproto service JWTs end to end: webhookd-test with --service-did against
# a PLC directory and a did:web host (https, a certificate made here) on
# 127.0.0.1, the reference @atproto/xrpc-server and @atproto/crypto making
# and checking tokens. The checks are tests/service_auth.mjs.
set -eu
. "$LEXC_SRCDIR/tests/webhookd_lib.sh"
. "$LEXC_SRCDIR/tests/node_client_lib.sh"
node_client_install
command -v openssl >/dev/null 2>&1 || { echo "FAIL: openssl is not installed (scripts/deps.sh)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A certificate for "localhost", the did:web host's name; webhookd trusts
# it through --did-ca-file only.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=localhost -addext subjectAltName=DNS:localhost \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1
cp "$LEXC_SRCDIR/tests/service_auth.mjs" "$node_dir/service_auth.mjs"
WEBHOOKD_WRAPPER="${LEXC_WRAPPER:-}" node "$node_dir/service_auth.mjs" "$WEBHOOKD" \
	"$LEXC_BUILDDIR/tests/jwt_mint" "$tmp" "$tmp/cert.pem" "$tmp/key.pem" \
	"$LEXC_BUILDDIR/examples/hello/hello"
