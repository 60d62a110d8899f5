// atproto service JWTs end to end (tests/service_auth.sh): webhookd-test
// with --service-did, a PLC directory (http) and a did:web host (https, a
// certificate made by the test) on 127.0.0.1, keys of both curves made by
// the reference @atproto/crypto, tokens made by the reference
// createServiceJwt and by hand for the bad cases, and a token that
// liblexc-auth mints (tests/jwt_mint) checked by the reference verifyJwt.
//   node service_auth.mjs WEBHOOKD JWT_MINT TMPDIR CERT KEY HELLO
// HELLO (examples/hello --service-did) checks liblexc-auth's generic hook.
import { spawn, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import crypto from 'node:crypto'
import { Secp256k1Keypair, P256Keypair, bytesToMultibase } from '@atproto/crypto'
import { createServiceJwt, verifyJwt } from '@atproto/xrpc-server'

const [webhookd, jwtMint, tmp, certFile, keyFile, hello] = process.argv.slice(2)
let failures = 0
function check(name, ok, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || detail === undefined ? '' : ': ' + detail}`)
  if (!ok) failures++
}

const LIST = 'place.stream.server.listWebhooks'
const CREATE = 'place.stream.server.createWebhook'
const SERVICE = 'did:web:webhookd.test'
const now = () => Math.floor(Date.now() / 1000)
const b32 = 'abcdefghijklmnopqrstuvwxyz234567'
const randomPlc = () => 'did:plc:' + Array.from(crypto.randomBytes(24), (b) => b32[b % 32]).join('')

// Keys and DID documents -------------------------------------------------------
const k256 = await Secp256k1Keypair.create({ exportable: true })
const k256b = await Secp256k1Keypair.create({ exportable: true }) // alice's next key
const p256 = await P256Keypair.create({ exportable: true })
const k256c = await Secp256k1Keypair.create({ exportable: true })
const kweb = await P256Keypair.create({ exportable: true })
const alice = randomPlc() // secp256k1, Multikey; rotated later
const bob = randomPlc() // P-256, Multikey
const carol = randomPlc() // secp256k1, the legacy method form
const failing = randomPlc() // the directory answers 500
const nobody = randomPlc() // not in the directory: 404
const dave = randomPlc() // answered slowly: concurrent first requests share one fetch

function doc(did, kp, legacy) {
  const method = legacy
    ? { type: kp.jwtAlg === 'ES256K' ? 'EcdsaSecp256k1VerificationKey2019' : 'EcdsaSecp256r1VerificationKey2019',
        publicKeyMultibase: bytesToMultibase(kp.publicKeyBytes(), 'base58btc') }
    : { type: 'Multikey', publicKeyMultibase: kp.did().slice('did:key:'.length) }
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    alsoKnownAs: [`at://${did.slice(8)}.test`],
    verificationMethod: [{ id: `${did}#atproto`, controller: did, ...method }],
    service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: 'https://pds.test' }],
  }
}
const docs = new Map([[alice, doc(alice, k256)], [bob, doc(bob, p256)], [carol, doc(carol, k256c, true)], [dave, doc(dave, p256)]])
const hits = new Map()

const plc = http.createServer(async (req, res) => {
  const did = decodeURIComponent(req.url.slice(1))
  if (did === dave) await new Promise((r) => setTimeout(r, 300))
  hits.set(did, (hits.get(did) ?? 0) + 1)
  if (did === failing) { res.writeHead(500); res.end('{"message":"down"}'); return }
  const d = docs.get(did)
  if (!d) { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"message":"DID not registered"}'); return }
  res.writeHead(200, { 'content-type': 'application/did+ld+json' })
  res.end(JSON.stringify(d))
})
const web = https.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) }, (req, res) => {
  if (req.url !== '/.well-known/did.json') { res.writeHead(404); res.end(); return }
  hits.set('web', (hits.get('web') ?? 0) + 1)
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify(doc(webDid, kweb)))
})
const listen = (s) => new Promise((r) => s.listen(0, '127.0.0.1', () => r(s.address().port)))
const plcPort = await listen(plc)
const webPort = await listen(web)
const webDid = `did:web:localhost%3A${webPort}`
// A closed port: nothing listens there once the probe server is closed.
const probe = http.createServer()
const deadPort = await listen(probe)
await new Promise((r) => probe.close(r))
const deadWebDid = `did:web:localhost%3A${deadPort}`

// webhookd -------------------------------------------------------------------------
const procs = []
async function start(name, extra, env = { WEBHOOKD_TEST_DID_REFRESH_MS: '1' }) {
  const data = `${tmp}/${name}`
  const key = execFileSync(webhookd, ['key', 'create', '--data-dir', data, '--did', alice]).toString().trim()
  // Under valgrind (LEXC_WRAPPER) the server runs inside it.
  const wrapper = (process.env.WEBHOOKD_WRAPPER ?? '').split(' ').filter((w) => w !== '')
  const argv = [...wrapper, webhookd]
  const p = spawn(argv[0], [...argv.slice(1), 'serve', '--data-dir', data, '--listen', '127.0.0.1:0',
    '--service-did', SERVICE, '--plc-url', `http://127.0.0.1:${plcPort}`, '--did-ca-file', certFile, ...extra],
  { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } })
  procs.push(p)
  let log = ''
  const port = await new Promise((resolve, reject) => {
    p.stderr.on('data', (d) => {
      log += d
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\/xrpc\//.exec(log)
      if (m) resolve(m[1])
    })
    p.on('exit', (code) => reject(new Error(`webhookd exited ${code}: ${log}`)))
  })
  p.logText = () => log
  return { base: `http://127.0.0.1:${port}`, key, proc: p }
}
process.on('exit', () => procs.forEach((p) => p.kill('SIGKILL')))
// A free port for the metrics listener.
const mprobe = http.createServer()
const metricsPort = await listen(mprobe)
await new Promise((r) => mprobe.close(r))
const main = await start('main', ['--allow-net', '127.0.0.0/8', '--metrics-listen', `127.0.0.1:${metricsPort}`])

async function call(srv, nsid, token, body) {
  const headers = token === null ? {} : { authorization: `Bearer ${token}` }
  const init = body === undefined ? { headers }
    : { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }
  const r = await fetch(`${srv.base}/xrpc/${nsid}`, init)
  const text = await r.text()
  let json = null
  try { json = JSON.parse(text) } catch {}
  return { status: r.status, body: json, text, www: r.headers.get('www-authenticate') }
}
const mint = (kp, iss, o = {}) => createServiceJwt({
  iss, aud: o.aud ?? SERVICE, keypair: kp, lxm: o.lxm === undefined ? LIST : o.lxm, iat: o.iat, exp: o.exp,
})
const b64u = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')
// A token signed by kp over the given header and payload, its signature
// passed through change() first.
async function byHand(kp, header, payload, change = (s) => s) {
  const signing = `${b64u(header)}.${b64u(payload)}`
  const sig = Buffer.from(await kp.sign(Buffer.from(signing)))
  return `${signing}.${Buffer.from(change(sig)).toString('base64url')}`
}
const claims = (iss, o = {}) => ({ iat: now(), iss, aud: SERVICE, exp: now() + 60, lxm: LIST, jti: crypto.randomBytes(16).toString('hex'), ...o })
const ORDER = {
  ES256K: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
  ES256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
}
const big = (b) => BigInt('0x' + Buffer.from(b).toString('hex'))
const bytes32 = (n) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex')
const highS = (alg) => (sig) => Buffer.concat([sig.subarray(0, 32), bytes32(ORDER[alg] - big(sig.subarray(32)))])
function der(sig) {
  const int = (b) => { let i = 0; while (i < b.length - 1 && b[i] === 0) i++; b = b.subarray(i); return b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b }
  const r = int(sig.subarray(0, 32)), s = int(sig.subarray(32))
  return Buffer.concat([Buffer.from([0x30, r.length + s.length + 4, 2, r.length]), r, Buffer.from([2, s.length]), s])
}
async function refused(name, token, error, pattern, srv = main) {
  const r = await call(srv, LIST, token)
  check(`${name}: 401 ${error}`, r.status === 401 && r.body?.error === error && (!pattern || pattern.test(r.body?.message)),
    `${r.status} ${r.text}`)
}

// The good cases ----------------------------------------------------------------
let r = await call(main, LIST, await mint(k256, alice))
check('a reference token (secp256k1, did:plc) is accepted', r.status === 200 && Array.isArray(r.body?.webhooks), `${r.status} ${r.text}`)
r = await call(main, LIST, await mint(p256, bob))
check('a reference token (P-256, did:plc) is accepted', r.status === 200, `${r.status} ${r.text}`)
r = await call(main, LIST, await mint(p256, bob))
check('a second token of the same DID comes from the cache (one PLC fetch)', r.status === 200 && hits.get(bob) === 1, `${r.status} hits ${hits.get(bob)}`)
r = await call(main, LIST, await mint(k256c, carol))
check('a legacy EcdsaSecp256k1VerificationKey2019 method works', r.status === 200, `${r.status} ${r.text}`)
r = await call(main, LIST, await mint(kweb, webDid))
check('a did:web issuer over https (the test CA) works', r.status === 200 && hits.get('web') === 1, `${r.status} ${r.text}`)
await refused('a service\'s token (iss#fragment) does not act as the account', await mint(k256, `${alice}#atproto_labeler`), 'BadJwtIss', /service/)
const hs = await byHand(k256, { typ: 'JWT', alg: 'ES256K' }, claims(alice), highS('ES256K'))
r = await call(main, LIST, hs)
check('a high-S signature is accepted (as the reference: allowMalleableSig)', r.status === 200, `${r.status} ${r.text}`)
const hsp = await byHand(p256, { typ: 'JWT', alg: 'ES256' }, claims(bob), highS('ES256'))
r = await call(main, LIST, hsp)
check('a high-S P-256 signature is accepted', r.status === 200, `${r.status} ${r.text}`)
let refOk = false
try { await verifyJwt(hs, SERVICE, LIST, async () => k256.did()); refOk = true } catch {}
check('the reference verifyJwt accepts the same high-S token', refOk)

const together = await Promise.all(Array.from({ length: 8 }, async () => call(main, LIST, await mint(p256, dave))))
check('8 concurrent first requests of one DID: all accepted, one directory fetch',
  together.every((x) => x.status === 200) && hits.get(dave) === 1, `${together.map((x) => x.status)} fetches ${hits.get(dave)}`)

// One caller through both credentials.
r = await call(main, CREATE, await mint(k256, alice, { lxm: CREATE }),
  { url: 'http://127.0.0.1:9/hook', events: ['chat'], active: true })
check('createWebhook with a service JWT', r.status === 200 && typeof r.body?.webhook?.id === 'string', `${r.status} ${r.text}`)
const made = r.body?.webhook?.id
r = await call(main, LIST, main.key)
check('the API key of the same DID sees that webhook', r.status === 200 && r.body.webhooks.some((w) => w.id === made), r.text)

// lexc's own token, checked by the reference, then by webhookd.
const hex = Buffer.from(await k256.export()).toString('hex')
const [lexcToken, lexcDid] = execFileSync(jwtMint, ['k256', hex, alice, SERVICE, LIST,
  crypto.randomBytes(8).toString('hex'), String(now()), String(now() + 60)]).toString().trim().split('\n')
check('liblexc-auth derives the same did:key as @atproto/crypto', lexcDid === k256.did(), `${lexcDid} vs ${k256.did()}`)
let verified = null
try { verified = await verifyJwt(lexcToken, SERVICE, LIST, async () => k256.did()) } catch (e) { verified = e }
check('the reference verifyJwt accepts a token liblexc-auth minted', verified?.iss === alice, String(verified))
const p256hex = Buffer.from(await p256.export()).toString('hex')
const [lexcP256] = execFileSync(jwtMint, ['p256', p256hex, bob, SERVICE, LIST, '', String(now()), String(now() + 60)]).toString().split('\n')
verified = null
try { verified = await verifyJwt(lexcP256, SERVICE, LIST, async () => p256.did()) } catch (e) { verified = e }
check('... and a P-256 one', verified?.iss === bob, String(verified))
r = await call(main, LIST, lexcToken)
check('webhookd accepts the token liblexc-auth minted', r.status === 200, `${r.status} ${r.text}`)

// The refusals ---------------------------------------------------------------------
r = await call(main, LIST, null)
check('no credentials: 401 AuthenticationRequired with WWW-Authenticate', r.status === 401 && r.body?.error === 'AuthenticationRequired' && /Bearer/.test(r.www ?? ''), `${r.status} ${r.text}`)
await refused('wrong aud', await mint(k256, alice, { aud: 'did:web:other.test' }), 'BadJwtAudience')
await refused('a token for another method', await mint(k256, alice, { lxm: CREATE }), 'BadJwtLexiconMethod', /bad/)
await refused('no lxm', await mint(k256, alice, { lxm: null }), 'BadJwtLexiconMethod', /missing/)
await refused('expired', await mint(k256, alice, { iat: now() - 120, exp: now() - 60 }), 'JwtExpired')
await refused('iat in the future', await mint(k256, alice, { iat: now() + 300, exp: now() + 360 }), 'BadJwt', /future/)
await refused('a lifetime over an hour', await mint(k256, alice, { exp: now() + 7200 }), 'BadJwt', /lifetime/)
const good = await mint(k256, alice)
const parts = good.split('.')
const sig = Buffer.from(parts[2], 'base64url'); sig[10] ^= 1
await refused('a bad signature', `${parts[0]}.${parts[1]}.${sig.toString('base64url')}`, 'BadJwtSignature')
await refused('a DER signature', await byHand(k256, { typ: 'JWT', alg: 'ES256K' }, claims(alice), der), 'BadJwtSignature', /64 bytes/)
await refused('another key than the DID\'s', await mint(p256, alice), 'BadJwtSignature')
await refused('an unknown DID (404)', await mint(k256, nobody), 'BadJwtIss', /does not exist/)
await refused('the unknown DID again', await mint(k256, nobody), 'BadJwtIss', /does not exist/)
check('... answered from the cache: one directory fetch for both', hits.get(nobody) === 1, `fetches ${hits.get(nobody)}`)
await refused('an unresolvable DID (the directory fails)', await mint(k256, failing), 'BadJwtIss', /could not be resolved/)
await refused('an unresolvable did:web (nothing listens)', await mint(kweb, deadWebDid), 'BadJwtIss', /could not be resolved/)
await refused('alg none', `${b64u({ alg: 'none', typ: 'JWT' })}.${b64u(claims(alice))}.`, 'BadJwtSignature')
const hsPayload = `${b64u({ alg: 'HS256', typ: 'JWT' })}.${b64u(claims(alice))}`
const hmac = crypto.createHmac('sha256', 'secret').update(hsPayload).digest('base64url')
await refused('alg HS256', `${hsPayload}.${hmac}`, 'BadJwtSignature')
await refused('typ at+jwt', await byHand(k256, { typ: 'at+jwt', alg: 'ES256K' }, claims(alice)), 'BadJwtType')
await refused('not a JWT', 'abc.def', 'BadJwt')
await refused('an iss that is not a DID', await mint(k256, 'alice.test'), 'BadJwtIss')
const once = await mint(k256, alice)
r = await call(main, LIST, once)
check('a token with a jti works once', r.status === 200, `${r.status} ${r.text}`)
await refused('the same token again (replay)', once, 'BadJwt', /replayed/)

// Rotation: the cached key fails, one fresh resolution finds the new key.
docs.set(alice, doc(alice, k256b))
const before = hits.get(alice)
r = await call(main, LIST, await mint(k256b, alice))
check('a rotated key is picked up after one failure (one more PLC fetch)', r.status === 200 && hits.get(alice) === before + 1,
  `${r.status} ${r.text}; fetches ${before} -> ${hits.get(alice)}`)
await refused('the old key after the rotation', await mint(k256, alice), 'BadJwtSignature')

// The SSRF guard: without --allow-net, did:web on 127.0.0.1 is never fetched.
const strict = await start('strict', [], {}) // the default: one re-fetch per DID per 30 s
const webBefore = hits.get('web')
await refused('did:web on loopback without --allow-net', await mint(kweb, webDid), 'BadJwtIss', /not an allowed address/, strict)
check('... and nothing reached the did:web host', hits.get('web') === webBefore, `${webBefore} -> ${hits.get('web')}`)
// Forged signatures for a cached DID do not make the server fetch again.
r = await call(strict, LIST, await mint(p256, bob))
check('the strict server accepts bob (one fetch to cache his key)', r.status === 200, `${r.status} ${r.text}`)
const bobBefore = hits.get(bob)
for (let i = 0; i < 5; i++) {
  const f = (await mint(p256, bob)).split('.')
  const bad = Buffer.from(f[2], 'base64url'); bad[5] ^= 1
  await call(strict, LIST, `${f[0]}.${f[1]}.${bad.toString('base64url')}`)
}
const shortSig = (await mint(p256, bob)).split('.')
await call(strict, LIST, `${shortSig[0]}.${shortSig[1]}.AAAA`)
check('5 forged and 1 short signature: no more fetches (one per DID per 30 s at most)', hits.get(bob) === bobBefore, `${bobBefore} -> ${hits.get(bob)}`)

// liblexc-auth's own hook, as a lexc user wires it (examples/hello).
const wrapper = (process.env.WEBHOOKD_WRAPPER ?? '').split(' ').filter((w) => w !== '')
const hargv = [...wrapper, hello]
const hp = spawn(hargv[0], [...hargv.slice(1), '--port', '0', '--service-did', SERVICE,
  '--plc-url', `http://127.0.0.1:${plcPort}`], { stdio: ['ignore', 'ignore', 'pipe'] })
procs.push(hp)
let hlog = ''
const hport = await new Promise((resolve, reject) => {
  hp.stderr.on('data', (d) => { hlog += d; const m = /listening on http:\/\/[^ ]*:(\d+)\/xrpc\//.exec(hlog); if (m) resolve(m[1]) })
  hp.on('exit', (code) => reject(new Error(`hello exited ${code}: ${hlog}`)))
})
hp.logText = () => hlog
const helloSrv = { base: `http://127.0.0.1:${hport}` }
const GREET = 'com.example.hello.greet'
r = await call(helloSrv, GREET, await mint(p256, bob, { lxm: GREET }))
check('examples/hello with lexc_service_auth_hook: a token for greet works', r.status === 200 && typeof r.body?.message === 'string', `${r.status} ${r.text}`)
r = await call(helloSrv, GREET, null)
check('... no token: 401 AuthenticationRequired', r.status === 401 && r.body?.error === 'AuthenticationRequired', `${r.status} ${r.text}`)
r = await call(helloSrv, GREET, await mint(p256, bob))
check('... a token for another method: 401 BadJwtLexiconMethod', r.status === 401 && r.body?.error === 'BadJwtLexiconMethod', `${r.status} ${r.text}`)

const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
const metric = (name) => Number((new RegExp(`^${name.replace(/[{}"]/g, (c) => '\\' + c)} (\\d+)$`, 'm').exec(metrics) ?? [])[1])
check('GET /metrics counts accepted, refused and replayed JWTs',
  metric('webhookd_jwt_total{verdict="accepted"}') >= 10 && metric('webhookd_jwt_total{verdict="refused"}') >= 20 &&
  metric('webhookd_jwt_total{verdict="replayed"}') === 1, metrics.split('\n').filter((l) => /jwt|did_/.test(l)).join('; '))
check('... and DID resolutions and cache hits', metric('webhookd_did_resolutions_total{result="any"}') >= 5 &&
  metric('webhookd_did_key_cache_hits_total') >= 5)

const logs = procs.map((p) => p.logText()).join('')
check('no token in webhookd\'s logs', !logs.includes(good.split('.')[2]) && !logs.includes(once.split('.')[1]))
plc.close(); web.close()
console.log(failures === 0 ? 'all checks passed' : `${failures} checks failed`)
process.exit(failures === 0 ? 0 : 1)
