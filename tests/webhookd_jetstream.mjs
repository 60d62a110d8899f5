// Record webhooks end to end, run by tests/webhookd_jetstream.sh:
//   node webhookd_jetstream.mjs WEBHOOKD DATA_DIR TMP KEY_ALICE KEY_CAROL
// It runs a Jetstream stand-in (tests/jetstream_server.mjs, the `ws` npm
// package) and a receiver on 127.0.0.1, and webhookd-test itself (under
// $LEXC_WRAPPER when set) with --jetstream pointing at the stand-in.
// place.wisp.v2.wh records appear in the stream as they would on the
// network; deliveries are checked with the standardwebhooks npm library
// and with the check wisp.place's documentation gives receivers
// (X-Webhook-Signature: sha256=<hex HMAC of the raw body>).
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import { Webhook } from 'standardwebhooks'
import { startJetstream } from './jetstream_server.mjs'

const [webhookd, dataDir, tmp, keyAlice, keyCarol] = process.argv.slice(2)
const alice = 'did:plc:alice'
const bob = 'did:plc:bob'
const carol = 'did:plc:carol'
let failures = 0
function check(name, cond, detail) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${name}${cond ? '' : ': ' + detail}`)
  if (!cond) failures++
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
async function waitFor(name, fn, ms = 20000) {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) {
      check(name, false, 'timed out')
      return null
    }
    await sleep(50)
  }
}

// The receiver: every request, raw body kept. /gone answers 410.
const received = []
const receiver = http.createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    received.push({ path: req.url, headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') })
    res.writeHead(200).end('ok')
  })
})
await new Promise((r) => receiver.listen(0, '127.0.0.1', r))
const recv = `http://127.0.0.1:${receiver.address().port}`
const at = (path) => received.filter((r) => r.path === path)
const bodies = (path) => at(path).map((r) => JSON.parse(r.raw))

const js = await startJetstream()

// webhookd ------------------------------------------------------------------
// On PostgreSQL (STORE_URL) every process gets --store.
const store = process.env.STORE_URL ? ['--store', process.env.STORE_URL] : []
let proc = null
let base = null
let metricsPort = null
let runs = 0
async function freePort() {
  const s = http.createServer()
  await new Promise((r) => s.listen(0, '127.0.0.1', r))
  const p = s.address().port
  await new Promise((r) => s.close(r))
  return p
}
async function startWebhookd(extra = []) {
  runs++
  metricsPort = await freePort()
  const log = `${tmp}/webhookd${runs}.err`
  const args = ['serve', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--allow-net', '127.0.0.0/8',
    '--retry-schedule', '0,300ms,300ms,1s', '--timeout', '2s', '--jetstream', js.url,
    '--jetstream-rewind', '1s', '--metrics-listen', `127.0.0.1:${metricsPort}`, ...store, ...extra]
  const wrapper = process.env.LEXC_WRAPPER || ''
  const err = fs.openSync(log, 'w')
  proc = spawn('sh', ['-c', `exec ${wrapper} "$@"`, 'sh', webhookd, ...args],
    { stdio: ['ignore', 'ignore', err] })
  const me = proc
  const exited = new Promise((r) => me.on('exit', (code, signal) => r({ code, signal })))
  proc.exited = exited
  base = await waitFor(`webhookd ${runs} reports its port`, async () => {
    const m = fs.readFileSync(log, 'utf8').match(/lexc: listening on (http:\/\/[^ ]*):(\d+)\/xrpc\//)
    return m ? `http://127.0.0.1:${m[2]}` : null
  }, 60000)
  if (base === null) throw new Error(fs.readFileSync(log, 'utf8'))
  return log
}
async function kill9() {
  proc.kill('SIGKILL')
  await proc.exited
}
async function stopWebhookd() {
  proc.kill('SIGTERM')
  const { code } = await proc.exited
  check(`webhookd ${runs} stops cleanly on SIGTERM`, code === 0, `exit ${code}`)
}
async function metric(name) {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
  const m = text.match(new RegExp(`^${name} (-?\\d+)$`, 'm'))
  return m ? Number(m[1]) : null
}
async function call(key, nsid, body) {
  const res = await fetch(`${base}/xrpc/${nsid}`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`${nsid}: ${res.status} ${text}`)
  return JSON.parse(text)
}

// The stream ------------------------------------------------------------------
let rev = 0
const tid = () => `3l${String(++rev).padStart(11, '0')}`
const cid = (s) => 'bafyrei' + crypto.createHash('sha256').update(s).digest('hex').slice(0, 52)
function commit(did, operation, collection, rkey, record) {
  const c = { rev: tid(), operation, collection, rkey }
  if (record !== undefined) {
    c.record = { $type: collection, ...record }
    c.cid = cid(JSON.stringify(record) + rkey)
  }
  return js.push({ did, kind: 'commit', commit: c })
}
const whRecord = (fields) => ({ createdAt: '2026-12-04T10:00:00.000Z', ...fields })
const putWh = (did, rkey, fields, op = 'create') =>
  commit(did, op, 'place.wisp.v2.wh', rkey, whRecord(fields))
const post = (did, rkey, text, op = 'create') =>
  commit(did, op, 'app.bsky.feed.post', rkey, op === 'delete' ? undefined : { text, createdAt: '2026-12-04T10:00:00.000Z' })

function verifyStandard(r, secret, raw) {
  try {
    const wh = raw ? new Webhook(Buffer.from(secret), { format: 'raw' }) : new Webhook(secret)
    wh.verify(r.raw, { 'webhook-id': r.headers['webhook-id'], 'webhook-timestamp': r.headers['webhook-timestamp'], 'webhook-signature': r.headers['webhook-signature'] })
    return true
  } catch (e) {
    return false
  }
}
// What wisp.place's documentation tells receivers to do, verbatim in spirit.
function verifyWisp(r, secret) {
  const header = r.headers['x-webhook-signature']
  if (typeof header !== 'string') return false
  const expected = 'sha256=' + crypto.createHmac('sha256', secret).update(r.raw).digest('hex')
  return header.length === expected.length && crypto.timingSafeEqual(Buffer.from(header), Buffer.from(expected))
}

async function main() {
  let log = await startWebhookd()
  const conns = await js.waitForConnections(1, 30000)
  check('the first connection has no cursor (live)', conns[0].query.cursor === null, JSON.stringify(conns[0].query))
  check('no wantedCollections unless asked', conns[0].query.wantedCollections.length === 0, JSON.stringify(conns[0].query))

  const { token } = await call(keyAlice, 'place.wisp.v2.secret.create', { name: 'hooks' })
  const raw = 'a raw secret, in a public record'

  // Webhooks appear in the stream as records.
  putWh(alice, 'coll', { scope: { aturi: `at://${alice}/app.bsky.feed.post` }, url: `${recv}/coll`, secret: raw, events: ['create'] })
  putWh(alice, 'rec', { scope: { aturi: `at://${alice}/app.bsky.feed.post/3kpost1` }, url: `${recv}/rec`, events: ['update', 'delete'] })
  putWh(alice, 'back', { scope: { aturi: `at://${alice}/app.bsky.feed.post`, backlinks: true }, url: `${recv}/back`, secretId: 'hooks', events: ['create'] })
  putWh(carol, 'watch', { scope: { aturi: `at://${alice}/app.bsky.feed.post/3kpost1` }, url: `${recv}/carol`, secret: 'carol-secret' })
  putWh(alice, 'broken', { scope: { aturi: `at://${alice}` } }) // no url: invalid
  putWh(alice, 'nosecret', { scope: { aturi: `at://${alice}` }, url: `${recv}/x`, secretId: 'missing' })
  // Last: a DID scope sees every record change of the DID, wh records too.
  putWh(alice, 'did', { scope: { aturi: `at://${alice}` }, url: `${recv}/did`, secretId: 'hooks' })
  await waitFor('the webhooks are indexed', async () => (await metric('webhookd_record_webhooks')) === 5)
  check('an invalid wh record is logged and ignored', /wh\/broken: not a valid place.wisp.v2.wh record/.test(fs.readFileSync(log, 'utf8')), fs.readFileSync(log, 'utf8'))
  check('a wh record naming a missing secret is logged and ignored', /wh\/nosecret: no named secret/.test(fs.readFileSync(log, 'utf8')), fs.readFileSync(log, 'utf8'))

  const e1 = post(alice, '3kpost1', 'hello')
  const e2 = commit(bob, 'create', 'app.bsky.feed.like', 'like1', { subject: { uri: `at://${alice}/app.bsky.feed.post/3kpost1`, cid: e1.commit.cid }, createdAt: '2026-12-04T10:00:00.000Z' })
  const e3 = post(alice, '3kpost1', 'hello, edited', 'update')
  const e5 = commit(alice, 'create', 'app.bsky.graph.follow', 'f1', { subject: bob, createdAt: '2026-12-04T10:00:00.000Z' })
  const e4 = post(alice, '3kpost1', '', 'delete')
  commit('did:plc:dave', 'create', 'app.bsky.feed.post', 'd1', { text: 'unrelated', createdAt: '2026-12-04T10:00:00.000Z' })
  const expect = { '/did': [e1, e3, e5, e4], '/coll': [e1], '/rec': [e3, e4], '/back': [e2], '/carol': [e1, e3, e4] }
  await waitFor('every matching event is delivered', () =>
    Object.entries(expect).every(([p, evs]) => at(p).length >= evs.length))
  await sleep(500) // nothing more may come
  for (const [p, evs] of Object.entries(expect)) {
    const got = bodies(p).map((b) => b.time_us)
    check(`${p} got exactly its events, in order`, JSON.stringify(got) === JSON.stringify(evs.map((e) => e.time_us)), `${JSON.stringify(got)} vs ${JSON.stringify(evs.map((e) => e.time_us))}`)
  }
  check('an event no webhook watches goes nowhere', received.length === 11, `${received.length} requests`)

  // The payload: the record event, with wisp.place's names beside the stream's.
  const b1 = bodies('/coll')[0]
  check('the body is the record event', b1.did === alice && b1.collection === 'app.bsky.feed.post' && b1.rkey === '3kpost1' &&
    b1.operation === 'create' && b1.event === 'create' && b1.cid === e1.commit.cid && b1.record.text === 'hello' &&
    b1.time_us === e1.time_us && /^rec_[0-9a-f]{32}$/.test(b1.id) && b1.timestamp.endsWith('Z'), JSON.stringify(b1))
  const bDel = bodies('/rec')[1]
  check('a delete has no record and no cid', bDel.operation === 'delete' && !('record' in bDel) && !('cid' in bDel), JSON.stringify(bDel))
  check('the same event has the same id for every owner', bodies('/did')[0].id === bodies('/carol')[0].id && bodies('/did')[0].id === b1.id, '')

  // Signatures: standardwebhooks and a wisp-style receiver.
  check('secretId: standardwebhooks verifies with the named secret', at('/did').every((r) => verifyStandard(r, token, false)), at('/did')[0].headers)
  check('secretId: X-Webhook-Signature verifies with the token', at('/did').every((r) => verifyWisp(r, token)), at('/did')[0].headers['x-webhook-signature'])
  check('raw secret: standardwebhooks (raw format) verifies', at('/coll').every((r) => verifyStandard(r, raw, true)), '')
  check('raw secret: X-Webhook-Signature verifies', at('/coll').every((r) => verifyWisp(r, raw)), '')
  check("carol's raw secret signs carol's deliveries", at('/carol').every((r) => verifyWisp(r, 'carol-secret') && verifyStandard(r, 'carol-secret', true)), '')
  check('no secret: no X-Webhook-Signature', at('/rec').every((r) => r.headers['x-webhook-signature'] === undefined), '')
  check('backlink deliveries are signed', at('/back').every((r) => verifyWisp(r, token)), '')

  // Rotation of the named secret with a grace period: the next delivery's
  // X-Webhook-Signature uses the new token, and Standard Webhooks signs
  // with both.
  const rot = await call(keyAlice, 'dev.lexc.webhookd.rotateSecret', { name: 'hooks', graceSeconds: 3600 })
  const e6 = commit(alice, 'create', 'app.bsky.graph.follow', 'f2', { subject: carol, createdAt: '2026-12-04T10:00:00.000Z' })
  await waitFor('the delivery after a rotation', () => bodies('/did').some((b) => b.time_us === e6.time_us))
  const r6 = at('/did').find((r) => JSON.parse(r.raw).time_us === e6.time_us)
  check('after rotation X-Webhook-Signature uses the new token', verifyWisp(r6, rot.token), JSON.stringify(Object.keys(rot)))
  check('after rotation the old token still verifies the Standard Webhooks signature (grace)', verifyStandard(r6, token, false), '')
  check('and so does the new one', verifyStandard(r6, rot.token, false), '')

  // An update changes a webhook; enabled: false pauses one; a delete stops one.
  putWh(alice, 'coll', { scope: { aturi: `at://${alice}/app.bsky.feed.post` }, url: `${recv}/coll2`, secret: raw, events: ['create', 'update'] }, 'update')
  putWh(alice, 'did', { scope: { aturi: `at://${alice}` }, url: `${recv}/did`, secretId: 'hooks', enabled: false }, 'update')
  commit(alice, 'delete', 'place.wisp.v2.wh', 'rec')
  // (The DID-scoped webhook sees these wh changes: counted apart.)
  const others = () => received.filter((r) => r.path !== '/did').length
  const before = others()
  const e7 = post(alice, '3kpost1', 'again')
  const e8 = post(alice, '3kpost1', 'again, edited', 'update')
  await waitFor('the updated webhook fires at its new URL', () => at('/coll2').length >= 2)
  await sleep(500)
  check('the update took: create and update go to the new URL', JSON.stringify(bodies('/coll2').map((b) => b.time_us)) === JSON.stringify([e7.time_us, e8.time_us]), JSON.stringify(bodies('/coll2')))
  check('nothing goes to the old URL', bodies('/coll').length === 1, '')
  check('enabled: false pauses', !bodies('/did').some((b) => b.time_us >= e7.time_us), '')
  check('a deleted wh record stops its deliveries', !bodies('/rec').some((b) => b.time_us >= e7.time_us), '')
  check("carol's webhook still fires", bodies('/carol').filter((b) => b.time_us >= e7.time_us).length === 2, JSON.stringify(bodies('/carol')))
  check('those were all the deliveries', others() - before === 4, `${others() - before}`)
  // An update the store refuses (no such named secret) leaves the webhook
  // as it was, in the store and in the index.
  putWh(alice, 'coll', { scope: { aturi: `at://${alice}/app.bsky.feed.post` }, url: `${recv}/coll3`, secretId: 'nope', events: ['create', 'update'] }, 'update')
  const e8b = post(alice, '3kpost9', 'after a refused update')
  await waitFor('a refused update leaves the webhook as it was', () => bodies('/coll2').some((b) => b.time_us === e8b.time_us))
  check('nothing goes to the refused URL', at('/coll3').length === 0, '')
  putWh(alice, 'did', { scope: { aturi: `at://${alice}` }, url: `${recv}/did`, secretId: 'hooks' }, 'update')
  const e9 = commit(alice, 'create', 'app.bsky.graph.follow', 'f3', { subject: carol, createdAt: '2026-12-04T10:00:00.000Z' })
  await waitFor('re-enabled, it fires again', () => bodies('/did').some((b) => b.time_us === e9.time_us))

  // A dropped connection: webhookd reconnects from its cursor, and what
  // was pushed meanwhile arrives once.
  const n0 = js.connections.length
  js.setPaused(true)
  js.dropAll()
  const during = [post(alice, 'gap1', 'while away'), post(alice, 'gap2', 'while away')]
  js.setPaused(false)
  const re = await js.waitForConnections(n0 + 1, 30000)
  const cur = Number(re[n0].query.cursor)
  check('the reconnection resumes from the cursor less the rewind', cur > 0 && cur <= e9.time_us && cur >= e9.time_us - 1500000, `${re[n0].query.cursor} vs ${e9.time_us}`)
  await waitFor('what came while disconnected is delivered', () => during.every((e) => bodies('/coll2').some((b) => b.time_us === e.time_us)))
  await sleep(700)
  const ids = bodies('/did').map((b) => b.id)
  check('the rewind replays nothing twice', new Set(ids).size === ids.length, `${ids.length} deliveries, ${new Set(ids).size} distinct`)
  check('the replays were dropped as duplicates', (await metric('webhookd_record_duplicates_total')) > 0, 'no duplicates counted')

  // SIGKILL midway through a burst; the restart loses nothing.
  const N = 400
  const burst = []
  for (let i = 0; i < N; i++) burst.push(post(alice, `burst${i}`, `n${i}`))
  await waitFor('the burst starts arriving', () => bodies('/coll2').filter((b) => b.rkey.startsWith('burst')).length >= 50)
  await kill9()
  const afterKill = bodies('/coll2').filter((b) => b.rkey.startsWith('burst')).length
  const more = []
  for (let i = 0; i < 50; i++) more.push(post(alice, `late${i}`, `l${i}`))
  const nConn = js.connections.length
  log = await startWebhookd(['--jetstream-collection', 'app.bsky.feed.*', '--jetstream-collection', 'app.bsky.graph.follow'])
  const c2 = await js.waitForConnections(nConn + 1, 30000)
  const q = c2[nConn].query
  check('after a restart it resumes from the stored cursor', Number(q.cursor) > 0, JSON.stringify(q))
  check('wantedCollections are sent, with place.wisp.v2.wh', JSON.stringify(q.wantedCollections) === JSON.stringify(['app.bsky.feed.*', 'app.bsky.graph.follow', 'place.wisp.v2.wh']), JSON.stringify(q))
  const all = [...burst, ...more]
  await waitFor('every event of the burst is delivered after the restart', () => {
    const got = new Set(bodies('/coll2').map((b) => b.time_us))
    return all.every((e) => got.has(e.time_us))
  }, 60000)
  const burstBodies = bodies('/coll2').filter((b) => /^(burst|late)/.test(b.rkey))
  const distinct = new Set(burstBodies.map((b) => b.id)).size
  const dups = burstBodies.length - distinct
  console.log(`     SIGKILL after ${afterKill} of ${N}: ${distinct} distinct events delivered, ${dups} twice`)
  check('none lost across SIGKILL', distinct === all.length, `${distinct} of ${all.length}`)
  // Duplicates can only be deliveries that were in flight at the kill
  // (at-least-once); the stream's replay itself adds none.
  const ids2 = new Set(at('/coll2').filter((r) => /^(burst|late)/.test(JSON.parse(r.raw).rkey)).map((r) => r.headers['webhook-id']))
  check('each event has one webhook-id (a duplicate is a resend, not a new delivery)', ids2.size === distinct, `${ids2.size} webhook-ids for ${distinct} events`)
  if (store.length > 0) {
    // Processes sharing the database take turns: a second one waits while
    // the first reads the stream, and takes over when it is killed.
    const first = proc
    const firstBase = base
    const firstMetrics = metricsPort
    const logB = await startWebhookd()
    await waitFor('the second process says it waits', () =>
      /another process reads the stream/.test(fs.readFileSync(logB, 'utf8')))
    const second = proc
    const connsBefore = js.connections.length
    proc = first
    base = firstBase
    metricsPort = firstMetrics
    await kill9()
    proc = second
    const e10 = post(alice, 'takeover', 'after the first reader died')
    await js.waitForConnections(connsBefore + 1, 30000)
    await waitFor('the second process delivers after taking over', () =>
      bodies('/coll2').some((b) => b.time_us === e10.time_us), 30000)
    check('the second process says it took over', /this process reads the stream now/.test(fs.readFileSync(logB, 'utf8')), fs.readFileSync(logB, 'utf8'))
  }
  await stopWebhookd()

  for (const f of fs.readdirSync(tmp).filter((f) => f.startsWith('webhookd'))) {
    const t = fs.readFileSync(`${tmp}/${f}`, 'utf8')
    check(`${f} holds no secret`, !t.includes('whsec_') && !t.includes(raw) && !t.includes('carol-secret'), '')
  }
}

try {
  await main()
} catch (e) {
  console.log(`FAIL ${e.stack}`)
  failures++
} finally {
  if (proc && proc.exitCode === null) proc.kill('SIGKILL')
  await js.close()
  receiver.close()
}
console.log(failures === 0 ? 'all passed' : `${failures} failed`)
process.exit(failures === 0 ? 0 : 1)
