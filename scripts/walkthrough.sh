#!/bin/sh
# scripts/walkthrough.sh BASE KEY: the README's walk-through of webhookd,
# each curl command printed exactly as it runs, then its answer. Used by
# scripts/run.sh (the main job) and tests/webhookd_walkthrough.sh, which
# checks the answers. BASE is webhookd's URL (http://127.0.0.1:2595); the
# receiver URL is on 127.0.0.1, which the main job allows (--allow-net).
set -eu
base=$1 key=$2
# run CMD: prints the command as a user would type it, runs it, prints
# the answer indented; the answer also goes to $answer.
run() {
	printf '$ %s\n' "$1"
	answer=$(sh -c "$1")
	printf '  %s\n\n' "$answer"
}
export KEY="$key" BASE="$base"
auth='-H "Authorization: Bearer $KEY" -H "Content-Type: application/json"'
echo "# 1. A named secret (wisp.place's place.wisp.v2.secret.create); its token is shown once:"
run "curl -s $auth -d '{\"name\":\"deploy\"}' \$BASE/xrpc/place.wisp.v2.secret.create"
echo "# 2. A webhook (Streamplace's place.stream.server.createWebhook):"
run "curl -s $auth -d '{\"url\":\"http://127.0.0.1:8080/hook\",\"events\":[\"chat\",\"livestream\"],\"active\":true}' \$BASE/xrpc/place.stream.server.createWebhook"
id=$(printf '%s' "$answer" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
export ID="$id"
echo "# (its id: export ID=$id)"
echo
echo "# 3. Its signing secret (webhookd keeps it sealed, so it can be shown again):"
run "curl -s -H \"Authorization: Bearer \$KEY\" \"\$BASE/xrpc/dev.lexc.webhookd.getWebhookSecret?id=\$ID\""
echo "# 4. Rotate it; the old secret keeps signing for an hour:"
run "curl -s $auth -d \"{\\\"id\\\":\\\"\$ID\\\",\\\"graceSeconds\\\":3600}\" \$BASE/xrpc/dev.lexc.webhookd.rotateWebhookSecret"
echo "# 5. Rotate the named secret with a grace period of 10 minutes:"
run "curl -s $auth -d '{\"name\":\"deploy\",\"graceSeconds\":600}' \$BASE/xrpc/dev.lexc.webhookd.rotateSecret"
echo "# 6. List the webhooks:"
run "curl -s -H \"Authorization: Bearer \$KEY\" \$BASE/xrpc/place.stream.server.listWebhooks"
