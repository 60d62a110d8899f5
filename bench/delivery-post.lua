-- wrk script for bench/delivery.sh: POSTs a webhook-sized JSON body (about
-- what webhookd sends for a chat event) to the receiver.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["webhook-id"] = "msg_0123456789abcdef0123456789abcdef"
wrk.headers["webhook-timestamp"] = "1800000000"
wrk.headers["webhook-signature"] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
wrk.body = '{"data":{"$type":"dev.lexc.webhookd.defs#chat","author":{"did":"did:plc:bob",' ..
	'"handle":"bob.test"},"content":"hello from the benchmark","text":"hello from the benchmark"},' ..
	'"timestamp":"2026-12-03T13:25:09.870Z","type":"chat"}'
