// The publisher of tests/webhookd_crash.sh:
//   node webhookd_crash.mjs TMP KEY_OPERATOR EVENTS BATCH PAUSE_MS
// Publishes EVENTS chat events (eventId crash-N, text "crash N") in
// publishEvents batches of BATCH, PAUSE_MS apart (so that publishing lasts
// long enough for many kills), while the shell kills and restarts
// webhookd; a batch that fails (connection refused or reset) is sent again,
// with the same event ids, to whatever address TMP/base holds then. Writes
// TMP/published when every batch has been accepted.
import fs from 'node:fs'

const [tmp, key, total, size, pause] = process.argv.slice(2)
const events = Number(total)
const batch = Number(size)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
let retries = 0
for (let first = 0; first < events; first += batch) {
  const list = []
  for (let i = first; i < Math.min(events, first + batch); i++)
    list.push({
      did: 'did:plc:alice', type: 'chat', eventId: `crash-${i}`,
      data: { $type: 'dev.lexc.webhookd.defs#chat', text: `crash ${i}`, author: { did: 'did:plc:bob', handle: 'bob.test' } },
    })
  for (;;) {
    try {
      const base = fs.readFileSync(`${tmp}/base`, 'utf8').trim()
      const res = await fetch(`${base}/xrpc/dev.lexc.webhookd.publishEvents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: list }),
      })
      if (res.status === 200) {
        await res.text()
        await sleep(Number(pause))
        break
      }
      console.log(`publishEvents: ${res.status} ${await res.text()}`)
      process.exit(1)
    } catch {
      retries++ // the server is down or restarting: the same batch again
      await sleep(50)
    }
  }
}
fs.writeFileSync(`${tmp}/published`, `${retries}\n`)
console.log(`published ${events} events in batches of ${batch}; ${retries} batch sends were retried`)
