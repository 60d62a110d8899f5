// Shared by the tests that drive a lexc server with the reference
// TypeScript client (tests/ts_client.mjs, tests/webhookd_ts.mjs): loading
// lexicon documents, and checks that print one line each and count
// failures.
import fs from 'node:fs'
import path from 'node:path'
import { XRPCError } from '@atproto/xrpc'

// Every lexicon document under dir, in a stable order.
export function load(dir, out = []) {
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name)
    if (fs.statSync(p).isDirectory()) load(p, out)
    else if (name.endsWith('.json')) out.push(JSON.parse(fs.readFileSync(p, 'utf8')))
  }
  return out
}

let failures = 0
export const failed = () => failures

export function check(name, ok, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : ': ' + detail}`)
  if (!ok) failures++
}

// A call that must succeed with data passing test(); returns the data.
export async function expectOk(name, fn, test) {
  try {
    const res = await fn()
    check(name, res.success === true && test(res.data), JSON.stringify(res.data))
    return res.data
  } catch (e) {
    check(name, false, `threw ${e.constructor.name} ${e.status} ${e.error}: ${e.message}`)
    return undefined
  }
}

// A call that must fail as XRPCError with this status and error name (and
// a message containing messagePart, when given).
export async function expectError(name, fn, status, error, messagePart) {
  try {
    const res = await fn()
    check(name, false, `succeeded: ${JSON.stringify(res.data)}`)
  } catch (e) {
    const ok = e instanceof XRPCError && e.status === status && e.error === error &&
      (messagePart === undefined || e.message.includes(messagePart))
    check(name, ok, `got ${e.constructor.name} status=${e.status} error=${e.error} message=${e.message}`)
  }
}
