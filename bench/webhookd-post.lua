-- wrk script for bench/webhookd.sh: POST a procedure with a body unique to
-- each request (webhook URLs and secret names must not repeat).
-- Arguments: KIND (webhook|secret) TAG (unique per wrk run) KEY.
local kind, tag, n = "webhook", "t", 0
function init(args)
  kind, tag = args[1], args[2]
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[3]
end
function request()
  n = n + 1
  local body
  if kind == "webhook" then
    body = '{"url":"http://127.0.0.1:9/' .. tag .. '/' .. n ..
      '","events":["chat","follow"],"active":true,"name":"bench","muteWords":["spam"]}'
  else
    body = '{"name":"' .. tag .. '-' .. n .. '"}'
  end
  return wrk.format(nil, nil, nil, body)
end
