// The publisher of bench/delivery.sh, bench/scaleout.sh and
// tests/webhookd_scaleout_pg.sh:
//   node delivery-publish.mjs BASES KEY MODE EVENTS [RATE]
// MODE burst: EVENTS chat events in publishEvents batches of 1000, four
// requests at a time, as fast as webhookd takes them. MODE paced: RATE
// events a second in batches every 10 ms, EVENTS in all. Prints how long
// publishing took. BASES is one server's URL or several, comma-separated
// (batches go round them); $PUBLISH_DIDS, comma-separated, spreads the
// events over those DIDs (default did:plc:bench). Event i's text is
// "bench i": the tests find lost and repeated events by it.
const [baseList, key, mode, total, rate] = process.argv.slice(2)
const bases = baseList.split(',')
const dids = (process.env.PUBLISH_DIDS || 'did:plc:bench').split(',')
const events = Number(total)
let turn = 0
const event = (i) => ({
  did: dids[i % dids.length], type: 'chat',
  data: { $type: 'dev.lexc.webhookd.defs#chat', text: `bench ${i}`, author: { did: 'did:plc:bob', handle: 'bob.test' } },
})
async function send(list) {
  const base = bases[turn++ % bases.length]
  const res = await fetch(`${base}/xrpc/dev.lexc.webhookd.publishEvents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events: list }),
  })
  if (res.status !== 200) throw new Error(`publishEvents: ${res.status} ${await res.text()}`)
  await res.text()
}
const t0 = Date.now()
if (mode === 'burst') {
  let next = 0
  const worker = async () => {
    while (next < events) {
      const first = next
      next = Math.min(events, next + 1000)
      const list = []
      for (let i = first; i < next; i++) list.push(event(i))
      await send(list)
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()])
} else {
  const per = Math.max(1, Math.round(Number(rate) / 100))
  let sent = 0
  const pending = []
  while (sent < events) {
    const due = t0 + (sent / Number(rate)) * 1000
    const wait = due - Date.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    const list = []
    for (let i = 0; i < per && sent < events; i++, sent++) list.push(event(sent))
    pending.push(send(list))
  }
  await Promise.all(pending)
}
console.log(`published ${events} events in ${Date.now() - t0} ms`)
