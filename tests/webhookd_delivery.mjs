// webhookd's deliveries end to end, run by tests/webhookd_delivery.sh:
//   node webhookd_delivery.mjs PHASE BASE TMP RECEIVER_PORT KEY_USER KEY_OPERATOR [METRICS_URL]
// A real receiver (tests/webhook_receiver.c) on 127.0.0.1 logs every
// request to TMP/recv.log; each scenario is a webhook whose URL path tells
// the receiver how to answer. Signatures are checked with the
// standardwebhooks npm library (new Webhook(secret).verify(body, headers)),
// which we did not write. webhookd runs with a scaled-down schedule
// (tests/webhookd_delivery.sh says which).
// PHASE main: every outcome; before-kill / after-kill: an accepted event
// survives SIGKILL; blocked: the connect-time SSRF guard (a second server
// without --allow-net).
import fs from 'node:fs'
import { Webhook } from 'standardwebhooks'

const [phase, base, tmp, recvPort, keyUser, keyOp, metricsUrl] = process.argv.slice(2)
const recv = `http://127.0.0.1:${recvPort}`
const did = 'did:plc:alice'
let failures = 0

function check(name, cond, detail) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${name}${cond ? '' : ': ' + detail}`)
  if (!cond) failures++
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function xrpc(key, nsid, { params, body } = {}) {
  let url = `${base}/xrpc/${nsid}`
  if (params) url += '?' + new URLSearchParams(params)
  const init = { method: body === undefined ? 'GET' : 'POST', headers: {} }
  if (key) init.headers.authorization = `Bearer ${key}`
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  const res = await fetch(url, init)
  const text = await res.text()
  let json = null
  try { json = JSON.parse(text) } catch { /* not JSON */ }
  return { status: res.status, body: json, text }
}
async function call(nsid, opts, key = keyUser) {
  const r = await xrpc(key, nsid, opts)
  if (r.status !== 200) throw new Error(`${nsid}: ${r.status} ${r.text}`)
  return r.body
}

// The receiver's log, parsed.
function received() {
  let text = ''
  try { text = fs.readFileSync(`${tmp}/recv.log`, 'utf8') } catch { return [] }
  // The receiver may be midway through a record: only whole lines count.
  text = text.slice(0, text.lastIndexOf('\n') + 1)
  return text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l))
}
const requestsTo = (path) => received().filter((r) => r.path === path)

async function waitFor(name, fn, ms = 15000) {
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

async function attempts(webhookId) {
  const r = await call('dev.lexc.webhookd.listAttempts', { params: { webhookId, limit: 100 } })
  return r.attempts
}
// Waits until the webhook's log holds an attempt with this outcome.
async function outcome(name, hook, want, ms) {
  return waitFor(name, async () => {
    const a = await attempts(hook.id)
    return a.some((x) => x.outcome === want) ? a : null
  }, ms)
}

const hooks = {}
async function webhook(path, extra = {}) {
  const out = await call('place.stream.server.createWebhook', {
    body: { url: `${recv}${path}`, events: ['chat', 'livestream', 'follow', 'mention'], active: true, ...extra },
  })
  const secret = await call('dev.lexc.webhookd.getWebhookSecret', { params: { id: out.webhook.id } })
  const h = { id: out.webhook.id, path, secret: secret.secretValue }
  hooks[path] = h
  return h
}

function verifies(secret, r) {
  try {
    new Webhook(secret).verify(r.body, {
      'webhook-id': r.id, 'webhook-timestamp': r.ts, 'webhook-signature': r.sig,
    })
    return true
  } catch {
    return false
  }
}

const chat = (text, eventId) => ({
  did, type: 'chat', ...(eventId ? { eventId } : {}),
  data: { $type: 'dev.lexc.webhookd.defs#chat', text, author: { did: 'did:plc:bob', handle: 'bob.test' } },
})
const publish = (ev) => call('dev.lexc.webhookd.publishEvent', { body: ev }, keyOp)

async function main() {
  // Publishing: operator keys only; type and data must agree.
  let r = await xrpc(keyUser, 'dev.lexc.webhookd.publishEvent', { body: chat('hi') })
  check('publishEvent with a user key is 403', r.status === 403, r.text)
  r = await xrpc(keyOp, 'dev.lexc.webhookd.publishEvent', {
    body: { ...chat('x'), type: 'livestream' },
  })
  check('type and data must agree', r.status === 400 && /\$\.data/.test(r.text), r.text)
  r = await xrpc(keyOp, 'dev.lexc.webhookd.publishEvent', {
    body: { ...chat('x'), data: { $type: 'dev.lexc.webhookd.defs#chat', text: 'x' } },
  })
  check('data is validated by the lexicon', r.status === 400 && /author/.test(r.text), r.text)

  const ok = await webhook('/ok')
  const flaky = await webhook('/fail/2/500')
  const gone = await webhook('/status/410')
  const limited = await webhook('/retry-after/1/1')
  const slow = await webhook('/sleep/3000')
  const redirect = await webhook('/redirect')
  const muted = await webhook('/headers', { muteWords: ['SECRET'] })
  const discord = await webhook('/ok204', { prefix: '[', suffix: ']' })
  await call('dev.lexc.webhookd.setWebhookFormat', { body: { id: discord.id, format: 'discord' } })
  const refused = { id: (await call('place.stream.server.createWebhook', {
    body: { url: 'http://127.0.0.1:1/nothing-listens', events: ['chat'], active: true },
  })).webhook.id }

  const pub = await publish(chat('hello @everyone, a secret'))
  check('publishEvent fans out to every webhook of the DID', pub.webhooks === 9, JSON.stringify(pub))

  // success, signed, verified by standardwebhooks
  await outcome('success', ok, 'success')
  let got = requestsTo('/ok')
  check('the receiver got it once', got.length === 1, JSON.stringify(got))
  check('standardwebhooks verifies the delivery', got.length > 0 && verifies(ok.secret, got[0]), JSON.stringify(got[0]))
  const body = got.length > 0 ? JSON.parse(got[0].body) : {}
  check('the standard body is {type, timestamp, data}', body.type === 'chat' &&
    /^\d{4}-\d\d-\d\dT/.test(body.timestamp) && body.data.text === 'hello @everyone, a secret', got[0]?.body)
  check('content is the text after the anti-ping rewrite',
    body.data?.content === 'hello @\u200beveryone, a secret', body.data?.content)
  check('webhook-id is msg_…', got.length > 0 && /^msg_[0-9a-f]{32}$/.test(got[0].id), got[0]?.id)

  // retry then success: same webhook-id each time
  let a = await outcome('retry then success', flaky, 'success')
  got = requestsTo('/fail/2/500')
  check('three attempts: 500, 500, 200', got.map((x) => x.status).join() === '500,500,200', JSON.stringify(got.map((x) => x.status)))
  check('the same webhook-id on every retry', new Set(got.map((x) => x.id)).size === 1, JSON.stringify(got.map((x) => x.id)))
  check('webhook-timestamp is set per attempt', got.every((x) => verifies(flaky.secret, x)), 'a retry does not verify')
  if (a) {
    check('the attempt log says retry, retry, success (newest first)',
      a.map((x) => x.outcome).join() === 'success,retry,retry', JSON.stringify(a.map((x) => x.outcome)))
    check('the log keeps status and error class', a[1].status === 500 && a[1].errorClass === 'http', JSON.stringify(a[1]))
    check('the log keeps the response body', a[1].responseBody === 'status 500' || /500/.test(a[1].responseBody ?? ''), JSON.stringify(a[1]))
    const w = (await call('place.stream.server.getWebhook', { params: { id: flaky.id } })).webhook
    check('errorCount resets and lastTriggered is set on success', w.errorCount === 0 && typeof w.lastTriggered === 'string', JSON.stringify(w))
  }

  // 410 disables
  a = await outcome('410 disables the webhook', gone, 'disabled')
  let w = (await call('place.stream.server.getWebhook', { params: { id: gone.id } })).webhook
  check('after 410 the webhook is not active', w.active === false, JSON.stringify(w))
  check('after 410 errorCount is 1', w.errorCount === 1, JSON.stringify(w))
  check('410 is tried once', requestsTo('/status/410').length === 1, JSON.stringify(requestsTo('/status/410')))

  // 429 with Retry-After: 1 s, clamped to [delay, 2*delay]
  await outcome('429 then success', limited, 'success')
  got = requestsTo('/retry-after/1/1')
  check('429 then 200', got.map((x) => x.status).join() === '429,200', JSON.stringify(got.map((x) => x.status)))
  if (got.length === 2) {
    const gap = got[1].t - got[0].t
    // schedule delay 300 ms ±20%: without Retry-After the gap is below
    // 400 ms; with it, clamped to 2 × delay, at least 480 ms.
    check('Retry-After is honoured, clamped to twice the delay', gap >= 450 && gap < 1000, `gap ${gap} ms`)
  }

  // timeout
  a = await outcome('timeout is retried', slow, 'retry')
  check('a timeout is error class timeout', a && a.some((x) => x.errorClass === 'timeout' && !x.status), JSON.stringify(a?.[0]))

  // connection refused
  a = await outcome('connection refused is retried', refused, 'retry')
  check('a refused connection is error class connect', a && a[0].errorClass === 'connect', JSON.stringify(a?.[0]))

  // redirect not followed
  a = await outcome('a redirect is a failure', redirect, 'retry')
  check('a redirect is not followed', a && a[0].status === 302 && /redirect/.test(a[0].error), JSON.stringify(a?.[0]))
  const toOk = requestsTo('/ok').filter((x) => x.id !== requestsTo('/ok')[0]?.id)
  check('nothing reached the redirect target', toOk.length === 0, JSON.stringify(toOk))

  // muted
  a = await outcome('a muted chat is recorded as muted', muted, 'muted')
  check('a muted chat is not sent', requestsTo('/headers').length === 0, JSON.stringify(requestsTo('/headers')))
  w = (await call('place.stream.server.getWebhook', { params: { id: muted.id } })).webhook
  check('muted is not a success: lastTriggered unset', w.lastTriggered === undefined, JSON.stringify(w))

  // discord
  await outcome('discord format delivered', discord, 'success')
  got = requestsTo('/ok204')
  const d = got.length > 0 ? JSON.parse(got[0].body) : {}
  check('the Discord payload is content and username', d.username === '@bob.test' &&
    d.content === '[hello @\u200beveryone, a secret]' && d.type === undefined, got[0]?.body)
  check('a 204 is success', got[0]?.status === 204, JSON.stringify(got[0]))

  // ping
  const ping = await call('dev.lexc.webhookd.sendTestPing', { body: { id: ok.id } })
  const pinged = await waitFor('sendTestPing delivers a ping', () => requestsTo('/ok').find((x) => x.id === ping.messageId))
  check('the ping is signed like any delivery', pinged && verifies(ok.secret, pinged) && JSON.parse(pinged.body).type === 'ping', JSON.stringify(pinged))

  // redeliver: the same webhook-id again
  const first = requestsTo('/ok')[0]
  const red = await call('dev.lexc.webhookd.redeliver', { body: { eventId: pub.eventId, webhookId: ok.id } })
  check('redeliver keeps the webhook-id', red.messageId === first.id, JSON.stringify(red))
  await waitFor('redelivered', () => requestsTo('/ok').filter((x) => x.id === first.id).length === 2)
  r = await xrpc(keyUser, 'dev.lexc.webhookd.redeliver', { body: { eventId: 'nope', webhookId: ok.id } })
  check('redeliver of an unknown event is DeliveryNotFound', r.status === 400 && r.body?.error === 'DeliveryNotFound', r.text)

  // listAttempts: by event, paging with a cursor
  let page = await call('dev.lexc.webhookd.listAttempts', { params: { eventId: pub.eventId, limit: 2 } })
  check('listAttempts by event pages', page.attempts.length === 2 && typeof page.cursor === 'string', JSON.stringify(page))
  const seen = new Set(page.attempts.map((x) => x.id))
  while (page.cursor) {
    page = await call('dev.lexc.webhookd.listAttempts', { params: { eventId: pub.eventId, limit: 2, cursor: page.cursor } })
    for (const x of page.attempts) seen.add(x.id)
  }
  check('paging sees every attempt once', seen.size >= 10, `${seen.size}`)
  r = await xrpc(keyUser, 'dev.lexc.webhookd.listAttempts', { params: { webhookId: ok.id, cursor: 'bogus' } })
  check('a bad cursor is InvalidCursor', r.body?.error === 'InvalidCursor', r.text)

  // eventId: accepted twice, delivered once
  const e1 = await publish(chat('once', 'evt-1'))
  const e2 = await publish(chat('once', 'evt-1'))
  check('the same eventId is a duplicate', e1.eventId === 'evt-1' && e2.duplicate === true && e2.webhooks === e1.webhooks, JSON.stringify([e1, e2]))
  await waitFor('the eventId event arrives', () => requestsTo('/ok').some((x) => JSON.parse(x.body).data?.text === 'once'))
  await sleep(500)
  check('it is delivered once', requestsTo('/ok').filter((x) => JSON.parse(x.body).data?.text === 'once').length === 1, 'twice')

  // publishEvents: 1000 in one call (to the webhooks that answer)
  for (const h of [slow, redirect, refused])
    await call('place.stream.server.deleteWebhook', { body: { id: h.id } })
  const batch = []
  for (let i = 0; i < 1000; i++) batch.push(chat(`batch ${i}`))
  const pb = await call('dev.lexc.webhookd.publishEvents', { body: { events: batch } }, keyOp)
  check('publishEvents takes 1000 events', pb.results.length === 1000, JSON.stringify(pb).slice(0, 200))
  r = await xrpc(keyOp, 'dev.lexc.webhookd.publishEvents', { body: { events: [...batch, chat('one too many')] } })
  check('publishEvents refuses 1001', r.status === 400, r.text)
  await waitFor('all 1000 reach the receiver', () => requestsTo('/ok').filter((x) => JSON.parse(x.body).data?.text?.startsWith('batch ')).length === 1000, 30000)

  // deleting a webhook stops its pending deliveries
  const doomed = await webhook('/status/500')
  await publish({ ...chat('doomed'), eventId: 'doomed' })
  await waitFor('the doomed webhook is tried', () => requestsTo('/status/500').length >= 1)
  await call('place.stream.server.deleteWebhook', { body: { id: doomed.id } })
  const n = requestsTo('/status/500').length
  await sleep(1500)
  check('no attempt after delete', requestsTo('/status/500').length <= n + 1, `${n} -> ${requestsTo('/status/500').length}`)

  // rotation during a retry series: inside the grace both sign (current
  // first), after it only the new one.
  const rot = await webhook('/fail/5/503')
  await publish({ ...chat('rotating'), eventId: 'rotating' })
  await waitFor('the first attempt of the rotation series', () => requestsTo('/fail/5/503').length >= 1)
  const rotated = await call('dev.lexc.webhookd.rotateWebhookSecret', { body: { id: rot.id, graceSeconds: 1 } })
  const rotatedAt = Date.now()
  await outcome('the rotation series ends in success', rot, 'success', 20000)
  got = requestsTo('/fail/5/503')
  const two = got.filter((x) => x.sig.split(' ').length === 2)
  const one = got.filter((x) => x.t > rotatedAt + 1200)
  check('attempts inside the grace carry two signatures', two.length >= 1, JSON.stringify(got.map((x) => [x.t - rotatedAt, x.sig.split(' ').length])))
  check('each of them verifies with the old and the new secret',
    two.length > 0 && two.every((x) => verifies(rot.secret, x) && verifies(rotated.secretValue, x)), 'not both')
  check('after the grace only the new secret signs', one.length >= 1 &&
    one.every((x) => x.sig.split(' ').length === 1 && verifies(rotated.secretValue, x) && !verifies(rot.secret, x)),
  JSON.stringify(one.map((x) => [x.t - rotatedAt, x.sig])))

  // a revoked secret (grace 0) never signs again
  const rev = await webhook('/fail/3/503')
  await publish({ ...chat('revoking'), eventId: 'revoking' })
  await waitFor('the first attempt of the revoke series', () => requestsTo('/fail/3/503').length >= 1)
  const revoked = await call('dev.lexc.webhookd.rotateWebhookSecret', { body: { id: rev.id, graceSeconds: 0 } })
  const revokedAt = Date.now()
  await outcome('the revoke series ends in success', rev, 'success', 20000)
  const after = requestsTo('/fail/3/503').filter((x) => x.t > revokedAt + 50)
  check('after a revoke only the new secret signs', after.length >= 1 &&
    after.every((x) => !verifies(rev.secret, x) && verifies(revoked.secretValue, x)), JSON.stringify(after.map((x) => x.sig)))

  if (metricsUrl) {
    const m = await (await fetch(metricsUrl)).text()
    const success = Number(/webhookd_attempts_total\{outcome="success"\} (\d+)/.exec(m)?.[1] ?? 0)
    check('GET /metrics counts successes', success >= 1000, m.slice(0, 300))
    check('GET /metrics has the latency histogram and the outbox depth',
      /webhookd_attempt_duration_seconds_bucket\{le="\+Inf"\} \d+/.test(m) && /webhookd_outbox_waiting \d+/.test(m), m.slice(0, 300))
  }
  fs.writeFileSync(`${tmp}/state.json`, JSON.stringify({ ok }))
}

async function beforeKill() {
  const { ok } = JSON.parse(fs.readFileSync(`${tmp}/state.json`, 'utf8'))
  // The receiver answers slowly: the event is committed and in flight when
  // the shell kills webhookd.
  await call('place.stream.server.updateWebhook', { body: { id: ok.id, url: `${recv}/sleep/500` } })
  const p = await publish(chat('survives', 'survives'))
  fs.writeFileSync(`${tmp}/state.json`, JSON.stringify({ ok, published: p }))
}

async function afterKill() {
  const { ok } = JSON.parse(fs.readFileSync(`${tmp}/state.json`, 'utf8'))
  const got = await waitFor('an event accepted before SIGKILL is delivered after restart',
    () => requestsTo('/sleep/500').filter((x) => JSON.parse(x.body).data?.text === 'survives' && x.status === 200).length >= 1, 20000)
  if (got) {
    const all = requestsTo('/sleep/500').filter((x) => JSON.parse(x.body).data?.text === 'survives')
    check('every try of it has the same webhook-id', new Set(all.map((x) => x.id)).size === 1, JSON.stringify(all.map((x) => x.id)))
  }
  void ok
}

async function blocked() {
  // A name that resolved to a public address when the webhook was made
  // resolves to 127.0.0.1 now: the address connected to is what counts.
  const id = fs.readFileSync(`${tmp}/rebind.id`, 'utf8').trim()
  await publish(chat('rebound'))
  const a = await waitFor('the rebound name is refused at connect time', async () => {
    const x = await attempts(id)
    return x.length > 0 ? x : null
  })
  check('error class blocked, naming loopback', a && a[0].errorClass === 'blocked' && /loopback/.test(a[0].error), JSON.stringify(a?.[0]))
  check('nothing reached the receiver', !received().some((x) => JSON.parse(x.body || '{}').data?.text === 'rebound'), 'it did')
}

async function createRebind() {
  const out = await call('place.stream.server.createWebhook', {
    body: { url: `https://rebind.example.test:${recvPort}/ok`, events: ['chat'], active: true },
  })
  fs.writeFileSync(`${tmp}/rebind.id`, out.webhook.id)
}

const phases = { main, 'before-kill': beforeKill, 'after-kill': afterKill, blocked, 'create-rebind': createRebind }
await phases[phase]()
if (failures > 0) {
  console.log(`${failures} failed`)
  process.exit(1)
}
