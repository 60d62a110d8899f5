// bench/server-ts.js LEXICON_DIR PORT: the reference server for bench/server.sh.
// @atproto/xrpc-server 0.13.2 (Express) serving the same two methods as
// bench/server.c, with the same answers: place.stream.server.listWebhooks
// (a query with typed params) and place.stream.server.createWebhook (a JSON
// procedure whose input is validated). Output validation is on, as in lexc.
'use strict'
const fs = require('fs')
const path = require('path')
const { createServer } = require('@atproto/xrpc-server')

function load(dir, out = []) {
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name)
    if (fs.statSync(p).isDirectory()) load(p, out)
    else if (name.endsWith('.json')) out.push(JSON.parse(fs.readFileSync(p, 'utf8')))
  }
  return out
}

const [dir, port] = process.argv.slice(2)
const server = createServer(load(dir), { validateResponse: true })
const hook = (i) => ({
  id: `wh-${i}`,
  url: `https://example.com/hooks/${i}`,
  events: ['chat', 'follow'],
  active: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  name: `hook ${i}`,
})
server.method('place.stream.server.listWebhooks', async ({ params }) => {
  const n = Math.min(params.limit, 10)
  const webhooks = []
  for (let i = 0; i < n; i++) webhooks.push(hook(i))
  return { encoding: 'application/json', body: { webhooks, cursor: 'next' } }
})
server.method('place.stream.server.createWebhook', async ({ input }) => {
  const b = input.body
  const webhook = {
    id: 'wh-new',
    url: b.url,
    events: b.events,
    active: b.active ?? false,
    createdAt: '2026-01-01T00:00:00.000Z',
  }
  if (b.name !== undefined) webhook.name = b.name
  if (b.prefix !== undefined) webhook.prefix = b.prefix
  return { encoding: 'application/json', body: { webhook } }
})
server.listen(Number(port), () => console.log(`listening on ${port}`))
