// Checks tests/jetstream_server.mjs with the ws client: cursor replay,
// live-only without a cursor, wantedCollections (exact and prefix) and
// wantedDids filtering, dropAll, pause, backpressure, 404, and the CLI.
//   node jetstream_server_selftest.mjs
// run from a copy beside a node_modules holding ws (ES modules resolve
// packages from the script's own folder, not NODE_PATH), e.g. the build
// tree's node-client/ with both .mjs files copied in.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import { startJetstream } from './jetstream_server.mjs'

let failures = 0
let passes = 0
function check(name, cond, detail) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${name}${cond ? '' : ': ' + detail}`)
  if (cond) passes++
  else failures++
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function waitFor(fn, ms = 5000) {
  const end = Date.now() + ms
  while (!fn() && Date.now() < end) await sleep(10)
  return fn()
}

// A client that records every message it gets and whether it was closed.
function client(url, query = '') {
  const c = { msgs: [], closed: false, ws: new WebSocket(url + query) }
  c.ws.on('message', (data) => c.msgs.push(JSON.parse(data.toString())))
  c.ws.on('close', () => { c.closed = true })
  c.ws.on('error', () => {})
  c.opened = new Promise((resolve, reject) => {
    c.ws.once('open', resolve)
    c.ws.once('unexpected-response', (req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    c.ws.once('error', reject)
  })
  return c
}

const like = (did, time_us, rkey) => ({
  did, time_us, kind: 'commit',
  commit: { rev: rkey, operation: 'create', collection: 'app.bsky.feed.like', rkey,
    record: { $type: 'app.bsky.feed.like', createdAt: '2024-09-09T19:46:02.102Z' }, cid: 'bafyreia' },
})
const follow = (did, time_us, rkey) => ({
  did, time_us, kind: 'commit',
  commit: { rev: rkey, operation: 'delete', collection: 'app.bsky.graph.follow', rkey },
})
const ident = (did, time_us) => ({
  did, time_us, kind: 'identity',
  identity: { did, handle: 'alice.test', seq: 1, time: '2024-09-09T19:46:02.102Z' },
})
const rkeys = (c) => c.msgs.map((m) => m.commit?.rkey ?? m.kind)

const js = await startJetstream({
  events: [like('did:plc:a', 100, 'l1'), follow('did:plc:b', 200, 'f1'), like('did:plc:b', 300, 'l2'), ident('did:plc:a', 400)],
})
check('url', js.url === `ws://127.0.0.1:${js.port}/subscribe`, js.url)

// Cursor replay: events with time_us >= 200, then live ones.
const replay = client(js.url, '?cursor=200')
await replay.opened
await waitFor(() => replay.msgs.length >= 3)
check('cursor replays time_us >= cursor in order', rkeys(replay).join() === 'f1,l2,identity', rkeys(replay))

// No cursor, and a cursor in the future: live only.
const live = client(js.url)
await live.opened
const future = client(js.url, '?cursor=99999999999999999')
await future.opened
await js.waitForConnections(3)
const pushed = js.push(like('did:plc:a', undefined, 'l3'))
check('push assigns time_us after the last', pushed.time_us > 400 && Object.keys(pushed)[1] === 'time_us', JSON.stringify(pushed))
const p2 = js.pushMany([follow('did:plc:c', undefined, 'f2')])[0]
check('time_us strictly increases', p2.time_us > pushed.time_us, `${p2.time_us} <= ${pushed.time_us}`)
await waitFor(() => live.msgs.length >= 2 && future.msgs.length >= 2 && replay.msgs.length >= 5)
check('no cursor: live only', rkeys(live).join() === 'l3,f2', rkeys(live))
check('future cursor: live only', rkeys(future).join() === 'l3,f2', rkeys(future))
check('cursor: replay then live', rkeys(replay).join() === 'f1,l2,identity,l3,f2', rkeys(replay))
check('connections[].query', js.connections[0].query.cursor === '200' && js.connections[1].query.cursor === null,
  JSON.stringify(js.connections.map((c) => c.query)))

// Filters.
const exact = client(js.url, '?cursor=0&wantedCollections=app.bsky.feed.like')
const prefix = client(js.url, '?cursor=0&wantedCollections=app.bsky.graph.*')
const wide = client(js.url, '?cursor=0&wantedCollections=app.bsky.*')
const near = client(js.url, '?cursor=0&wantedCollections=app.bsky.fe.*')
const dids = client(js.url, '?cursor=0&wantedDids=did:plc:a&wantedDids=did:plc:c')
const both = client(js.url, '?cursor=0&wantedDids=did:plc:b&wantedCollections=app.bsky.feed.like')
await Promise.all([exact, prefix, wide, near, dids, both].map((c) => c.opened))
await waitFor(() => wide.msgs.length >= 6 && dids.msgs.length >= 4)
await sleep(100)
check('wantedCollections exact (identity passes)', rkeys(exact).join() === 'l1,l2,identity,l3', rkeys(exact))
check('wantedCollections prefix', rkeys(prefix).join() === 'f1,identity,f2', rkeys(prefix))
check('wantedCollections app.bsky.*', rkeys(wide).join() === 'l1,f1,l2,identity,l3,f2', rkeys(wide))
check('prefix matches whole segments', rkeys(near).join() === 'identity', rkeys(near))
check('wantedDids', rkeys(dids).join() === 'l1,identity,l3,f2', rkeys(dids))
check('wantedDids and wantedCollections', rkeys(both).join() === 'l2', rkeys(both))
// Accepted in whatever order the handshakes finished: find each by query.
const conn = (cols, dids) => js.connections.find((c) =>
  c.query.wantedCollections.join() === cols && c.query.wantedDids.join() === dids)
check('connections[].query lists', conn('', 'did:plc:a,did:plc:c')?.query.cursor === '0',
  JSON.stringify(js.connections.map((c) => c.query)))
check('sent counts', conn('app.bsky.feed.like', '').sent === 4 && conn('app.bsky.feed.like', 'did:plc:b').sent === 1,
  js.connections.map((c) => c.sent).join())

// Bad requests.
const tooMany = '?' + Array.from({ length: 101 }, (_, i) => `wantedCollections=a.b.c${i}`).join('&')
for (const [name, url] of [['404 off /subscribe', js.url.replace('/subscribe', '/other')],
  ['400 for 101 wantedCollections', js.url + tooMany], ['400 for a bad cursor', js.url + '?cursor=x']]) {
  const err = await client(url).opened.then(() => null, (e) => e.message)
  check(name, err === `HTTP ${name.slice(0, 3)}`, err)
}
const plain = await fetch(js.url.replace('ws:', 'http:'))
check('plain HTTP: 404', plain.status === 404, plain.status)

// Pause holds messages; they all come after it is lifted.
js.setPaused(true)
js.push(like('did:plc:a', undefined, 'l4'))
js.push(like('did:plc:a', undefined, 'l5'))
await sleep(200)
check('paused: nothing sent', live.msgs.length === 2, rkeys(live))
js.setPaused(false)
await waitFor(() => live.msgs.length >= 4)
check('unpaused: held events in order', rkeys(live).join() === 'l3,f2,l4,l5', rkeys(live))

// dropAll: every client sees its connection end, without a close frame.
const codes = []
for (const c of [live, replay]) c.ws.on('close', (code) => codes.push(code))
js.dropAll()
await waitFor(() => live.closed && replay.closed && exact.closed)
check('dropAll closes the clients', live.closed && replay.closed && exact.closed, `${live.closed} ${replay.closed}`)
check('dropAll is abrupt (1006)', codes.every((c) => c === 1006) && codes.length === 2, codes)
check('connections[].open false', js.connections.every((c) => !c.open), js.connections.map((c) => c.open))
await js.close()

// Backpressure: a client that stops reading holds the server back.
const bp = await startJetstream()
const slow = client(bp.url)
await slow.opened
await bp.waitForConnections(1)
slow.ws.pause()
const n = 4000
const big = 'x'.repeat(10000) // 40 MB in all, beyond loopback's socket buffers
for (let i = 0; i < n; i++) bp.push({ ...like('did:plc:a', undefined, `r${i}`), pad: big })
await sleep(500)
const stalled = bp.connections[0].sent
check('slow client: server waits', stalled < n / 2, `${stalled} of ${n} sent`)
slow.ws.resume()
await waitFor(() => slow.msgs.length >= n, 30000)
check('slow client: all arrive in order after resuming', slow.msgs.length === n && slow.msgs.every((m, i) => m.commit.rkey === `r${i}`),
  slow.msgs.length)
let timedOut = null
await bp.waitForConnections(2, 100).catch((e) => { timedOut = e.message })
check('waitForConnections times out', /1 of 2/.test(timedOut ?? ''), timedOut)
await bp.close()

// The CLI: replay a JSONL file, write the port file, exit on SIGTERM.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jetstream-'))
fs.writeFileSync(`${tmp}/events.jsonl`, [like('did:plc:a', 10, 'c1'), follow('did:plc:a', 20, 'c2')].map((e) => JSON.stringify(e)).join('\n') + '\n')
const child = spawn(process.execPath, [new URL('./jetstream_server.mjs', import.meta.url).pathname,
  '--replay', `${tmp}/events.jsonl`, '--port-file', `${tmp}/port`], { stdio: ['ignore', 'pipe', 'inherit'] })
const exited = new Promise((r) => child.on('exit', (code, sig) => r(code ?? sig)))
await waitFor(() => fs.existsSync(`${tmp}/port`), 10000)
const cliPort = fs.readFileSync(`${tmp}/port`, 'utf8').trim()
const cli = client(`ws://127.0.0.1:${cliPort}/subscribe`, '?cursor=0')
await cli.opened
await waitFor(() => cli.msgs.length >= 2)
check('CLI replays the file', rkeys(cli).join() === 'c1,c2', rkeys(cli))
child.kill('SIGTERM')
check('CLI exits 0 on SIGTERM', (await exited) === 0, await exited)
await waitFor(() => cli.closed)
fs.rmSync(tmp, { recursive: true })

console.log(`${passes} passed, ${failures} failed`)
process.exit(failures ? 1 : 0)
