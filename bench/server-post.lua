-- wrk script for bench/server.sh: POST a valid createWebhook input.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"url":"https://example.com/hooks/new","events":["chat","follow","mention"],' ..
  '"active":true,"name":"my hook","prefix":"[stream] ",' ..
  '"rewrite":[{"from":"foo","to":"bar"}],"muteWords":["spam","scam"]}'
