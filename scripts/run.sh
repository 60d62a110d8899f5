#!/bin/sh
# Quick start, command 1: install what is missing, build everything, and run
# the main job: webhookd on an embedded SQLite file. It checks the project's
# lexicons with lexc, makes a fresh demo data directory (build/webhookd-data)
# and an API key, starts webhookd on 127.0.0.1:2595 (WEBHOOKD_PORT to
# change it), runs the README's walk-through with curl, prints it again to
# copy, and serves until Ctrl-C.
set -eu
. "$(dirname "$0")/deps.sh"
. "$(dirname "$0")/build.sh"
deps_ensure build
lexc_build
cd "$top"
build/lexc --version
build/lexc lint lexicons
build/lexc gen -o build/generated lexicons

port=${WEBHOOKD_PORT:-2595}
data=build/webhookd-data
webhookd=build/webhookd
rm -rf "$data"
key=$($webhookd key create --data-dir "$data" --did did:plc:walkthrough)
log=$(mktemp)
# The walk-through's receiver is on 127.0.0.1; a real deployment posts to
# public https URLs and needs no --allow-net.
# --docs: this is a development run, so the lexicons' pages are at /docs/.
$webhookd serve --data-dir "$data" --listen "127.0.0.1:$port" --allow-net 127.0.0.0/8 --docs 2>"$log" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
trap 'exit 130' INT TERM
up=
for _ in $(seq 1 100); do
	grep -q '^lexc: listening on' "$log" && { up=1; break; }
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
cat "$log"
[ -n "$up" ] || { echo "webhookd did not start (is port $port taken? WEBHOOKD_PORT=... to change it)"; exit 1; }

base="http://127.0.0.1:$port"
echo
echo "webhookd serves $base with data in $data (database webhookd.db, key file webhookd.key)."
echo "Its lexicons' pages, with \"Try it\" (paste the key below as Bearer KEY): $base/docs/"
echo "An API key for did:plc:walkthrough was made with: webhookd key create --did did:plc:walkthrough"
echo
echo "export KEY=$key BASE=$base"
echo
sh scripts/walkthrough.sh "$base" "$key"
echo "Run them yourself after the export line above (ID is the webhook's id from step 2)."
echo "webhookd(8) and doc/webhookd.md say more. Ctrl-C stops webhookd."
wait "$pid"
