// tests/webhookd_ts.mjs LEXICON_DIR URL KEY: the README's walk-through
// through the reference TypeScript client (@atproto/xrpc's XrpcClient),
// which validates every response against the lexicons it was given.
import { XrpcClient } from '@atproto/xrpc'
import { check, expectError, expectOk, failed, load } from './xrpc_client_lib.mjs'

const [dir, url, key] = process.argv.slice(2)
const docs = load(dir)
const client = new XrpcClient({ service: url, headers: { authorization: `Bearer ${key}` } }, docs)
const anonymous = new XrpcClient({ service: url }, docs)

const secret = /^whsec_[A-Za-z0-9+/]{43}=$/
await expectOk('secret.create', () => client.call('place.wisp.v2.secret.create', {}, { name: 'deploy' }),
  (d) => d.name === 'deploy' && secret.test(d.token))
await expectOk('secret.list', () => client.call('place.wisp.v2.secret.list'),
  (d) => d.secrets.length === 1 && d.secrets[0].name === 'deploy' && d.secrets[0].token === undefined)
const created = await expectOk('createWebhook', () => client.call('place.stream.server.createWebhook', {},
  { url: 'https://hooks.example.test/streamplace', events: ['chat', 'livestream'], active: true, name: 'walk' }),
  (d) => d.webhook.url === 'https://hooks.example.test/streamplace' && d.webhook.active === true)
const id = created && created.webhook.id
await expectOk('listWebhooks', () => client.call('place.stream.server.listWebhooks', { limit: 10 }),
  (d) => d.webhooks.length === 1 && d.webhooks[0].id === id)
const first = await expectOk('getWebhookSecret', () => client.call('dev.lexc.webhookd.getWebhookSecret', { id }),
  (d) => secret.test(d.secretValue))
await expectOk('rotateWebhookSecret with a grace period', () =>
  client.call('dev.lexc.webhookd.rotateWebhookSecret', {}, { id, graceSeconds: 3600 }),
  (d) => secret.test(d.secretValue) && d.retiredSecretId === (first && first.secretId) &&
    d.secrets.length === 2 && d.secrets[0].current && !d.secrets[1].current && d.retiredUntil)
await expectOk('rotateSecret with a grace period', () =>
  client.call('dev.lexc.webhookd.rotateSecret', {}, { name: 'deploy', graceSeconds: 600 }),
  (d) => d.name === 'deploy' && secret.test(d.token) && d.retiredUntil)
await expectOk('bindWebhookSecret', () =>
  client.call('dev.lexc.webhookd.bindWebhookSecret', {}, { id, secretName: 'deploy' }),
  (d) => d.state.secretName === 'deploy' && d.state.secrets.length === 2)
await expectOk('updateWebhook', () => client.call('place.stream.server.updateWebhook', {}, { id, active: false }),
  (d) => d.webhook.active === false && d.webhook.name === 'walk')
await expectOk('setWebhookStatus', () => client.call('dev.lexc.webhookd.setWebhookStatus', {}, { id, status: 'archived' }),
  (d) => d.state.status === 'archived')
await expectError('a declared error by name', () =>
  client.call('dev.lexc.webhookd.rotateWebhookSecret', {}, { id }), 400, 'WebhookArchived')
await expectOk('deleteWebhook', () => client.call('place.stream.server.deleteWebhook', {}, { id }),
  (d) => d.success === true)
await expectError('getWebhook after delete', () => client.call('place.stream.server.getWebhook', { id }),
  400, 'WebhookNotFound')
await expectError('no key', () => anonymous.call('place.wisp.v2.secret.list'), 401, 'AuthenticationRequired')
await expectOk('secret.delete', () => client.call('place.wisp.v2.secret.delete', {}, { name: 'deploy' }), () => true)
console.log(failed() === 0 ? 'ok   webhookd through @atproto/xrpc' : `FAIL ${failed()} checks`)
process.exit(failed() === 0 ? 0 : 1)
