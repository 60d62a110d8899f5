// tests/ts_client.mjs LEXICON_DIR URL: drives tests/xrpc_fixture with the
// reference TypeScript client, @atproto/xrpc (XrpcClient), and checks both
// successful calls and errors as that client reports them. Exit status 1 on
// any mismatch; one line per check.
import { XrpcClient } from '@atproto/xrpc'
import { check, expectError, expectOk, failed, load } from './xrpc_client_lib.mjs'

const [dir, url] = process.argv.slice(2)
const docs = load(dir)
const client = new XrpcClient({ service: url }, docs)
const authed = new XrpcClient({ service: url, headers: { authorization: 'Bearer good' } }, docs)
const banned = new XrpcClient({ service: url, headers: { authorization: 'Bearer banned' } }, docs)

const input = { url: 'https://example.com/a', events: ['chat', 'mention'], active: true, name: 'n' }

await expectOk('query with params', () =>
  client.call('place.stream.server.listWebhooks', { limit: 2 }),
  (d) => d.webhooks.length === 2 && d.webhooks[1].id === 'wh-1' && d.cursor === 'next')
await expectOk('query with a default param', () =>
  client.call('place.stream.server.listWebhooks', {}),
  (d) => d.webhooks.length === 3)
await expectOk('procedure with a JSON body', () =>
  client.call('place.stream.server.createWebhook', {}, input),
  (d) => d.webhook.id === 'wh-new' && d.webhook.url === input.url &&
    d.webhook.events.join() === 'chat,mention' && d.webhook.active === true)
await expectOk('authenticated query', () =>
  authed.call('place.stream.server.getWebhook', { id: 'x1' }),
  (d) => d.webhook.id === 'x1' && d.webhook.name === 'did:plc:fixture')

await expectError('declared error of a query', () =>
  client.call('place.stream.server.listWebhooks', { cursor: 'bad' }), 400, 'InvalidCursor',
  'cursor bad is unknown')
await expectError('declared error of a procedure', () =>
  client.call('place.stream.server.createWebhook', {}, { ...input, url: 'https://invalid.example/' }),
  400, 'InvalidUrl', 'not reachable')
await expectError('second declared error', () =>
  client.call('place.stream.server.createWebhook', {}, { ...input, name: 'dup' }),
  400, 'DuplicateWebhook')
await expectError('server-side validation (param out of range)', () =>
  client.call('place.stream.server.listWebhooks', { limit: 1000 }), 400, 'InvalidRequest', 'limit')
await expectError('server-side validation (body)', () =>
  client.call('place.stream.server.createWebhook', {}, { ...input, events: ['nope'] }),
  400, 'InvalidRequest', 'events[0]')
await expectError('authentication required', () =>
  client.call('place.stream.server.getWebhook', { id: 'x1' }), 401, 'AuthenticationRequired')
await expectError('forbidden caller', () =>
  banned.call('place.stream.server.getWebhook', { id: 'x1' }), 403, 'Forbidden', 'banned')
await expectError('declared error after authentication', () =>
  authed.call('place.stream.server.getWebhook', { id: 'missing' }), 400, 'WebhookNotFound')
await expectError('method without a handler', () =>
  client.call('place.wisp.v2.secret.list', {}), 501, 'MethodNotImplemented')
await expectError('handler output fails validation', () =>
  client.call('place.stream.server.createWebhook', {}, { ...input, name: 'bad-output' }),
  500, 'InternalServerError')

process.exit(failed() === 0 ? 0 : 1)
