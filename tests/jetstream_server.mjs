// A stand-in for Bluesky's Jetstream (github.com/bluesky-social/jetstream)
// for end-to-end tests: a WebSocket server (the ws npm package) on
// 127.0.0.1 whose /subscribe streams Jetstream's JSON events, one text
// message each, from an in-memory log the test fills.
//   import { startJetstream } from './jetstream_server.mjs'
//   const js = await startJetstream({ events: [...] })   // js.url, js.push(ev)
// or as a process:
//   node jetstream_server.mjs --replay FILE.jsonl [--port N] [--port-file F]
// Query parameters as Jetstream's: cursor (unix µs: replay the logged events
// with time_us >= cursor, then live; none, or one in the future: live only),
// wantedCollections (repeatable, exact NSIDs or prefixes ending in ".*", at
// most 100) and wantedDids (repeatable). Identity and account events pass
// the DID filter only, as in Jetstream.
import fs from 'node:fs'
import http from 'node:http'
import { pathToFileURL } from 'node:url'
import { WebSocketServer } from 'ws'

const MAX_BUFFERED = 1 << 20 // bytes queued per socket before we wait
const RETRY_MS = 5 // how often a stalled sender looks at its socket again
const MAX_COLLECTIONS = 100

export async function startJetstream(opts = {}) {
  const log = [] // every event, in push order
  const conns = [] // internal state, parallel to `connections`
  const connections = []
  const waiters = []
  let paused = false

  function push(event) {
    let ev = event
    if (typeof ev.time_us !== 'number') {
      // Clients resume from the last time_us they saw, so it must increase.
      const prev = log.length ? log[log.length - 1].time_us : 0
      const { time_us: _, ...rest } = event // keep Jetstream's key order
      ev = { did: event.did, time_us: Math.max(Date.now() * 1000, prev + 1), ...rest }
    }
    log.push(ev)
    for (const c of conns) pump(c)
    return ev
  }

  function matches(c, ev) {
    if (c.dids.size && !c.dids.has(ev.did)) return false
    if (ev.kind !== 'commit' || !c.exact.size && !c.prefixes.length) return true
    const col = ev.commit?.collection ?? ''
    return c.exact.has(col) || c.prefixes.some((p) => col.startsWith(p))
  }

  // Sends what c has not yet seen, stopping while paused or while the socket
  // holds ~1 MiB unsent: a slow reader stalls us instead of growing a buffer.
  function pump(c) {
    clearTimeout(c.timer)
    c.timer = null
    while (c.info.open && c.ws.readyState === c.ws.OPEN && !paused && c.pos < log.length) {
      const i = c.pos
      const ev = log[i]
      // The replayed part (logged before the connection) honours the
      // cursor; everything pushed later is live and goes out.
      if ((i < c.liveFrom && ev.time_us < c.cursor) || !matches(c, ev)) {
        c.pos++
        continue
      }
      const msg = JSON.stringify(ev)
      // An empty buffer takes any one message, however large.
      if (c.ws.bufferedAmount > 0 && c.ws.bufferedAmount + Buffer.byteLength(msg) > MAX_BUFFERED) {
        c.timer = setTimeout(() => pump(c), RETRY_MS)
        return
      }
      c.ws.send(msg)
      c.pos++
      c.info.sent++
    }
  }

  // Returns the parsed subscription, or an error string for a 400.
  function parseQuery(url) {
    const q = url.searchParams
    const cursor = q.get('cursor')
    const wantedCollections = q.getAll('wantedCollections')
    const wantedDids = q.getAll('wantedDids')
    if (cursor !== null && !/^-?\d+$/.test(cursor)) return 'invalid cursor'
    if (wantedCollections.length > MAX_COLLECTIONS) return 'too many wantedCollections'
    return { cursor, wantedCollections, wantedDids }
  }

  const server = http.createServer((req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
  })
  const wss = new WebSocketServer({ noServer: true })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url, 'http://127.0.0.1')
    const query = url.pathname === '/subscribe' ? parseQuery(url) : null
    if (typeof query !== 'object' || query === null) {
      const status = query === null ? '404 Not Found' : '400 Bad Request'
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, query))
  })

  function accept(ws, query) {
    const info = { query, sent: 0, open: true }
    const cols = query.wantedCollections
    const c = {
      ws, info, timer: null,
      cursor: query.cursor === null ? Infinity : Number(query.cursor),
      liveFrom: log.length,
      exact: new Set(cols.filter((w) => !w.endsWith('.*'))),
      prefixes: cols.filter((w) => w.endsWith('.*')).map((w) => w.slice(0, -1)),
      dids: new Set(query.wantedDids),
    }
    // Without a cursor, skip straight to the live tail.
    c.pos = query.cursor === null ? log.length : 0
    ws.on('close', () => { info.open = false; clearTimeout(c.timer) })
    ws.on('error', () => {}) // a reset client just closes
    conns.push(c)
    connections.push(info)
    for (const w of waiters.slice()) if (connections.length >= w.n) w.done()
    pump(c)
  }

  function waitForConnections(n, ms = 15000) {
    if (connections.length >= n) return Promise.resolve(connections)
    return new Promise((resolve, reject) => {
      const w = { n }
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(w), 1)
        reject(new Error(`jetstream: ${connections.length} of ${n} connections after ${ms} ms`))
      }, ms)
      w.done = () => {
        clearTimeout(timer)
        waiters.splice(waiters.indexOf(w), 1)
        resolve(connections)
      }
      waiters.push(w)
    })
  }

  function dropAll() {
    for (const c of conns) {
      if (!c.info.open) continue
      c.info.open = false
      clearTimeout(c.timer)
      c.ws.terminate() // no close frame: the client sees the TCP connection die
    }
  }

  function setPaused(p) {
    paused = !!p
    if (!paused) for (const c of conns) pump(c)
  }

  async function close() {
    dropAll()
    wss.close()
    await new Promise((r) => {
      server.close(r)
      server.closeAllConnections()
    })
  }

  for (const ev of opts.events ?? []) push(ev)
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', resolve)
  })
  const port = server.address().port
  return {
    port,
    url: `ws://127.0.0.1:${port}/subscribe`,
    push,
    pushMany: (events) => events.map(push),
    connections,
    waitForConnections,
    dropAll,
    setPaused,
    close,
  }
}

async function main(argv) {
  const args = {}
  for (let i = 0; i < argv.length; i += 2) {
    if (!['--replay', '--port', '--port-file'].includes(argv[i]) || argv[i + 1] === undefined) {
      console.error('usage: node jetstream_server.mjs --replay FILE.jsonl [--port N] [--port-file F]')
      process.exit(2)
    }
    args[argv[i].slice(2)] = argv[i + 1]
  }
  const events = args.replay === undefined ? [] : fs.readFileSync(args.replay, 'utf8')
    .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l))
  const js = await startJetstream({ events, port: Number(args.port ?? 0) })
  if (args['port-file']) {
    // Written whole then renamed: a script polling for the file never
    // reads half a number.
    fs.writeFileSync(`${args['port-file']}.tmp`, `${js.port}\n`)
    fs.renameSync(`${args['port-file']}.tmp`, args['port-file'])
  }
  console.log(`jetstream: ${events.length} events on ${js.url}`)
  const stop = async () => {
    const sent = js.connections.map((c) => c.sent).join(',')
    console.log(`jetstream: stopping; ${js.connections.length} connections, sent ${sent || 'nothing'}`)
    await js.close()
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`jetstream: ${e.stack || e}`)
    process.exit(1)
  })
}
