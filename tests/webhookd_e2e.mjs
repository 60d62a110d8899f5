// webhookd end to end over HTTP (node's fetch), run by tests/webhookd_e2e.sh:
//   node webhookd_e2e.mjs PHASE BASE TMP KEY_A KEY_B KEY_P KEY_OPERATOR
// PHASE main runs every method and declared error, isolation, rotation on
// the injected clock (TMP/clock), the limit under 16 parallel creates,
// injected failures (TMP/fail) and bad input, then leaves TMP/state.json;
// after-restart, before-kill and after-kill check that state survives.
// Every secret value seen is appended to TMP/secrets.txt, which the shell
// greps the database and logs for.
import fs from 'node:fs';

const [phase, base, tmp, keyA, keyB, keyP] = process.argv.slice(2);
const clockFile = `${tmp}/clock`;
const failFile = `${tmp}/fail`;
const stateFile = `${tmp}/state.json`;
let failures = 0;
let passes = 0;

function ok(name, cond, detail) {
	if (cond) {
		passes++;
	} else {
		failures++;
		console.log(`FAIL ${name}${detail === undefined ? '' : ': ' + detail}`);
	}
}
function eq(name, got, want) {
	const g = JSON.stringify(got);
	const w = JSON.stringify(want);
	ok(name, g === w, `got ${g}, want ${w}`);
}

function remember(secret) {
	if (typeof secret === 'string' && secret.length > 0)
		fs.appendFileSync(`${tmp}/secrets.txt`, secret + '\n');
}
const now = () => Number(fs.readFileSync(clockFile, 'utf8').trim());
const setClock = (ms) => fs.writeFileSync(clockFile, `${ms}\n`);
const advance = (seconds) => setClock(now() + seconds * 1000);
const iso = (ms) => new Date(ms).toISOString();

// xrpc(key, nsid, {params, body, raw, contentType}) -> {status, body, headers}
async function xrpc(key, nsid, opts = {}) {
	const headers = { ...(opts.headers ?? {}) };
	if (key) headers.authorization = `Bearer ${key}`;
	let url = `${base}/xrpc/${nsid}`;
	if (opts.params) {
		const q = new URLSearchParams();
		for (const [k, v] of Object.entries(opts.params)) q.append(k, String(v));
		url += `?${q}`;
	}
	const init = { method: 'GET', headers };
	if (opts.body !== undefined || opts.raw !== undefined) {
		init.method = 'POST';
		headers['content-type'] = opts.contentType ?? 'application/json';
		init.body = opts.raw !== undefined ? opts.raw : JSON.stringify(opts.body);
	}
	if (opts.method) init.method = opts.method;
	const res = await fetch(url, init);
	const text = await res.text();
	let body = null;
	try {
		body = JSON.parse(text);
	} catch {
		body = text;
	}
	return { status: res.status, body, headers: res.headers };
}
const A = (nsid, o) => xrpc(keyA, nsid, o);
const B = (nsid, o) => xrpc(keyB, nsid, o);

// expectError(name, response, status, error): and a message for people.
function expectError(name, r, status, error) {
	ok(name, r.status === status && r.body && r.body.error === error &&
		typeof r.body.message === 'string' && r.body.message.length > 0,
		`got ${r.status} ${JSON.stringify(r.body)}, want ${status} ${error}`);
}
function expect200(name, r) {
	ok(name, r.status === 200, `got ${r.status} ${JSON.stringify(r.body)}`);
	return r.body;
}

const M = {
	create: 'place.wisp.v2.secret.create',
	rotate: 'place.wisp.v2.secret.rotate',
	list: 'place.wisp.v2.secret.list',
	del: 'place.wisp.v2.secret.delete',
	createWebhook: 'place.stream.server.createWebhook',
	getWebhook: 'place.stream.server.getWebhook',
	listWebhooks: 'place.stream.server.listWebhooks',
	updateWebhook: 'place.stream.server.updateWebhook',
	deleteWebhook: 'place.stream.server.deleteWebhook',
	rotateWebhookSecret: 'dev.lexc.webhookd.rotateWebhookSecret',
	rotateSecret: 'dev.lexc.webhookd.rotateSecret',
	getWebhookSecret: 'dev.lexc.webhookd.getWebhookSecret',
	getWebhookState: 'dev.lexc.webhookd.getWebhookState',
	bind: 'dev.lexc.webhookd.bindWebhookSecret',
	setStatus: 'dev.lexc.webhookd.setWebhookStatus',
};
const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;

async function createWebhook(call, url, extra = {}) {
	const r = await call(M.createWebhook, { body: { url, events: ['chat'], ...extra } });
	const w = expect200(`createWebhook ${url}`, r);
	return w && w.webhook;
}
async function state(call, id) {
	const r = await call(M.getWebhookState, { params: { id } });
	return expect200(`getWebhookState ${id}`, r).state;
}
async function currentSecret(call, id) {
	const r = await call(M.getWebhookSecret, { params: { id } });
	const s = expect200(`getWebhookSecret ${id}`, r);
	remember(s && s.secretValue);
	return s;
}

// --- authentication ---------------------------------------------------------
async function authentication() {
	const calls = [
		[M.list, {}],
		[M.create, { body: { name: 'x' } }],
		[M.createWebhook, { body: { url: 'https://hooks.example.test/', events: ['chat'] } }],
		[M.listWebhooks, {}],
		[M.getWebhookState, { params: { id: 'x' } }],
		[M.rotateWebhookSecret, { body: { id: 'x' } }],
	];
	for (const [nsid, o] of calls) {
		for (const [how, key] of [['no key', null], ['unknown key', 'whk_' + 'A'.repeat(43)],
			['malformed key', 'nope'], ['basic auth', null]]) {
			const r = how === 'basic auth'
				? await xrpc(null, nsid, { ...o, headers: { authorization: 'Basic YTpi' } })
				: await xrpc(key, nsid, o);
			expectError(`${nsid} with ${how}`, r, 401, 'AuthenticationRequired');
			ok(`${nsid} with ${how}: WWW-Authenticate`,
				(r.headers.get('www-authenticate') || '').startsWith('Bearer'));
		}
	}
}

// --- named secrets (wisp) -----------------------------------------------------
async function namedSecrets() {
	const t0 = now();
	const c = expect200('secret.create', await A(M.create, { body: { name: 'deploy' } }));
	ok('secret.create token', SECRET.test(c.token), c.token);
	remember(c.token);
	eq('secret.create name', c.name, 'deploy');
	eq('secret.create createdAt', c.createdAt, iso(t0));
	expectError('secret.create twice', await A(M.create, { body: { name: 'deploy' } }), 400,
		'AlreadyExists');
	for (const [why, body] of [['no name', {}], ['an empty name', { name: '' }],
		['a name with a slash', { name: 'a/b' }], ['65 characters', { name: 'a'.repeat(65) }],
		['the name "."', { name: '.' }], ['a number', { name: 7 }]])
		expectError(`secret.create with ${why}`, await A(M.create, { body }), 400,
			'InvalidRequest');
	ok('secret.create of 64 characters', (await A(M.create, { body: { name: 'n'.repeat(64) } })).status === 200);
	expect200('secret.delete of 64 characters', await A(M.del, { body: { name: 'n'.repeat(64) } }));

	const l = expect200('secret.list', await A(M.list));
	eq('secret.list names', l.secrets.map((s) => s.name), ['deploy']);
	ok('secret.list shows no token', !JSON.stringify(l).includes('whsec_'));
	ok('secret.list: never rotated', l.secrets[0].lastRotatedAt === undefined);

	advance(10);
	const r = expect200('secret.rotate', await A(M.rotate, { body: { name: 'deploy' } }));
	remember(r.token);
	ok('secret.rotate gives a new token', SECRET.test(r.token) && r.token !== c.token);
	eq('secret.rotate rotatedAt', r.rotatedAt, iso(now()));
	eq('secret.list lastRotatedAt', (await A(M.list)).body.secrets[0].lastRotatedAt, iso(now()));
	expectError('secret.rotate unknown', await A(M.rotate, { body: { name: 'nope' } }), 400,
		'NotFound');
	expectError('rotateSecret unknown', await A(M.rotateSecret, { body: { name: 'nope' } }), 400,
		'NotFound');

	// rotateSecret: the configured default grace (86400 s) and the bounds
	// (this server: --grace-max 172800; the lexicon: 604800).
	const d = expect200('rotateSecret default grace', await A(M.rotateSecret, { body: { name: 'deploy' } }));
	remember(d.token);
	eq('rotateSecret default retiredUntil', d.retiredUntil, iso(now() + 86400 * 1000));
	const g = expect200('rotateSecret grace 600', await A(M.rotateSecret, { body: { name: 'deploy', graceSeconds: 600 } }));
	remember(g.token);
	eq('rotateSecret retiredUntil', g.retiredUntil, iso(now() + 600 * 1000));
	const z = expect200('rotateSecret grace 0', await A(M.rotateSecret, { body: { name: 'deploy', graceSeconds: 0 } }));
	remember(z.token);
	ok('rotateSecret grace 0 has no retiredUntil', z.retiredUntil === undefined, JSON.stringify(z));
	for (const grace of [172801, 604800, 604801, -1])
		expectError(`rotateSecret graceSeconds ${grace}`,
			await A(M.rotateSecret, { body: { name: 'deploy', graceSeconds: grace } }), 400,
			'InvalidRequest');
	expectError('rotateSecret graceSeconds as a string',
		await A(M.rotateSecret, { body: { name: 'deploy', graceSeconds: '60' } }), 400,
		'InvalidRequest');

	expect200('secret.create temp', await A(M.create, { body: { name: 'temp' } })).token;
	eq('secret.delete', (await A(M.del, { body: { name: 'temp' } })).status, 200);
	expectError('secret.delete again', await A(M.del, { body: { name: 'temp' } }), 400, 'NotFound');
	expectError('secret.rotate deleted', await A(M.rotate, { body: { name: 'temp' } }), 400, 'NotFound');
	eq('secret.list after delete', (await A(M.list)).body.secrets.map((s) => s.name), ['deploy']);
}

// --- webhooks -----------------------------------------------------------------
const badUrls = [
	['http', 'http://hooks.example.test/x'],
	['ftp', 'ftp://hooks.example.test/x'],
	['user info', 'https://user:pw@hooks.example.test/x'],
	['a private name', 'https://internal.example.test/x'],
	['a metadata name', 'https://meta.example.test/latest'],
	['an IPv6 ULA name', 'https://v6.example.test/x'],
	['an unknown name', 'https://unknown.example.test/x'],
	['a private IPv4 literal', 'https://10.1.2.3/x'],
	['a CGNAT literal', 'https://100.64.0.1/x'],
	['a link-local literal', 'https://169.254.1.1/x'],
	['a metadata literal', 'https://169.254.169.254/latest/meta-data'],
	['multicast', 'https://224.0.0.1/x'],
	['IPv6 loopback', 'https://[::1]/x'],
	['IPv4-mapped private', 'https://[::ffff:10.0.0.1]/x'],
	['IPv4-mapped metadata', 'https://[::ffff:169.254.169.254]/x'],
	['NAT64 of private', 'https://[64:ff9b::a00:1]/x'],
	['link-local IPv6', 'https://[fe80::1]/x'],
	['decimal IPv4', 'https://2130706433/x'],
	['localhost', 'https://localhost/x'],
	['a bad port', 'https://hooks.example.test:99999/x'],
	['2049 bytes', 'https://hooks.example.test/' + 'a'.repeat(2049 - 'https://hooks.example.test/'.length)],
];

async function webhooks(st) {
	const t0 = now();
	const w = await createWebhook(A, 'https://hooks.example.test/a');
	ok('createWebhook id is a UUIDv7', /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(w.id), w.id);
	eq('createWebhook defaults', [w.url, w.events, w.active, w.createdAt, w.errorCount],
		['https://hooks.example.test/a', ['chat'], false, iso(t0), 0]);
	const full = await createWebhook(A, 'https://hooks.example.test/full', {
		events: ['chat', 'livestream', 'mention'], active: true, prefix: 'P: ', suffix: ' :S',
		name: 'full', description: 'every field', rewrite: [{ from: 'a', to: 'b' }],
		muteWords: ['spoiler', 'ü'],
	});
	eq('createWebhook keeps every field',
		[full.events, full.active, full.prefix, full.suffix, full.name, full.description, full.rewrite, full.muteWords],
		[['chat', 'livestream', 'mention'], true, 'P: ', ' :S', 'full', 'every field', [{ from: 'a', to: 'b' }], ['spoiler', 'ü']]);
	const empty = await createWebhook(A, 'https://hooks.example.test/empty-lists', { rewrite: [], muteWords: [] });
	eq('createWebhook keeps empty lists', [empty.rewrite, empty.muteWords], [[], []]);
	eq('getWebhook', (await A(M.getWebhook, { params: { id: full.id } })).body.webhook, full);
	const local = await createWebhook(A, 'http://127.0.0.1:9/allowed-net');
	ok('http to an allowed network', local && local.url === 'http://127.0.0.1:9/allowed-net');
	const max = 'https://hooks.example.test/' + 'm'.repeat(2048 - 'https://hooks.example.test/'.length);
	ok('a 2048-byte url', (await createWebhook(A, max)).url === max);
	expect200('deleteWebhook the 2048-byte one', await A(M.deleteWebhook, { body: { id: (await A(M.listWebhooks, { params: { limit: 100 } })).body.webhooks.find((x) => x.url === max).id } }));

	for (const [why, url] of badUrls)
		expectError(`createWebhook with ${why}`, await A(M.createWebhook, { body: { url, events: ['chat'] } }),
			400, 'InvalidUrl');
	expectError('createWebhook twice', await A(M.createWebhook, { body: { url: 'https://hooks.example.test/a', events: ['chat'] } }),
		400, 'DuplicateWebhook');
	for (const [why, body] of [
		['no events', { url: 'https://hooks.example.test/e' }],
		['no url', { events: ['chat'] }],
		['an unknown event', { url: 'https://hooks.example.test/e', events: ['boom'] }],
		['events not an array', { url: 'https://hooks.example.test/e', events: 'chat' }],
		['a prefix of 101 characters', { url: 'https://hooks.example.test/e', events: ['chat'], prefix: 'p'.repeat(101) }],
		['a rewrite without to', { url: 'https://hooks.example.test/e', events: ['chat'], rewrite: [{ from: 'x' }] }],
		['active as a string', { url: 'https://hooks.example.test/e', events: ['chat'], active: 'yes' }],
		['a url that is not a uri', { url: 'not a uri', events: ['chat'] }],
		['a url without a scheme', { url: 'hooks.example.test/x', events: ['chat'] }],
		['a url with a space', { url: 'https://hooks.example.test/a b', events: ['chat'] }],
	]) {
		const r = await A(M.createWebhook, { body });
		ok(`createWebhook with ${why}: 400 InvalidRequest or InvalidUrl`,
			r.status === 400 && ['InvalidRequest', 'InvalidUrl'].includes(r.body.error) && r.body.message,
			JSON.stringify(r.body));
	}
	expectError('getWebhook unknown', await A(M.getWebhook, { params: { id: '0190aaaa-0000-7000-8000-000000000000' } }),
		400, 'WebhookNotFound');
	expectError('getWebhook without id', await A(M.getWebhook), 400, 'InvalidRequest');

	// updateWebhook changes only what it is given.
	advance(5);
	const u = expect200('updateWebhook name', await A(M.updateWebhook, { body: { id: full.id, name: 'renamed' } })).webhook;
	eq('updateWebhook changed the name only',
		{ ...u, updatedAt: undefined }, { ...full, name: 'renamed', updatedAt: undefined });
	eq('updateWebhook updatedAt', u.updatedAt, iso(now()));
	const u2 = expect200('updateWebhook several', await A(M.updateWebhook, {
		body: { id: full.id, url: 'https://hooks.example.test/full2', events: ['follow'], active: false, muteWords: [] },
	})).webhook;
	eq('updateWebhook several fields', [u2.url, u2.events, u2.active, u2.muteWords, u2.prefix, u2.name],
		['https://hooks.example.test/full2', ['follow'], false, [], 'P: ', 'renamed']);
	eq('updateWebhook is stored', (await A(M.getWebhook, { params: { id: full.id } })).body.webhook, u2);
	expectError('updateWebhook to a duplicate url',
		await A(M.updateWebhook, { body: { id: full.id, url: 'https://hooks.example.test/a' } }), 400, 'DuplicateWebhook');
	expect200('updateWebhook to its own url', await A(M.updateWebhook, { body: { id: full.id, url: u2.url } }));
	expectError('updateWebhook to a private url',
		await A(M.updateWebhook, { body: { id: full.id, url: 'https://10.0.0.1/' } }), 400, 'InvalidUrl');
	expectError('updateWebhook unknown', await A(M.updateWebhook, { body: { id: 'nope', name: 'x' } }), 400, 'WebhookNotFound');
	eq('failed updates changed nothing', (await A(M.getWebhook, { params: { id: full.id } })).body.webhook.url, u2.url);

	expect200('deleteWebhook', await A(M.deleteWebhook, { body: { id: empty.id } }));
	eq('deleteWebhook success', true, true);
	expectError('getWebhook after delete', await A(M.getWebhook, { params: { id: empty.id } }), 400, 'WebhookNotFound');
	expectError('deleteWebhook again', await A(M.deleteWebhook, { body: { id: empty.id } }), 400, 'WebhookNotFound');
	expectError('getWebhookSecret after delete', await A(M.getWebhookSecret, { params: { id: empty.id } }), 400, 'WebhookNotFound');
	await createWebhook(A, 'https://hooks.example.test/empty-lists'); // the url is free again

	// Statuses.
	const s1 = expect200('setWebhookStatus active', await A(M.setStatus, { body: { id: w.id, status: 'active' } })).state;
	eq('setWebhookStatus state', [s1.id, s1.status], [w.id, 'active']);
	eq('active is Streamplace active', (await A(M.getWebhook, { params: { id: w.id } })).body.webhook.active, true);
	expect200('setWebhookStatus suspended', await A(M.setStatus, { body: { id: w.id, status: 'suspended' } }));
	eq('suspended is not active', (await A(M.getWebhook, { params: { id: w.id } })).body.webhook.active, false);
	expect200('updateWebhook active true', await A(M.updateWebhook, { body: { id: w.id, active: true } }));
	eq('updateWebhook active sets the status', (await state(A, w.id)).status, 'active');
	expectError('setWebhookStatus unknown status', await A(M.setStatus, { body: { id: w.id, status: 'paused' } }), 400, 'InvalidRequest');
	expectError('setWebhookStatus unknown webhook', await A(M.setStatus, { body: { id: 'nope', status: 'active' } }), 400, 'WebhookNotFound');

	const arch = await createWebhook(A, 'https://hooks.example.test/archived');
	expect200('setWebhookStatus archived', await A(M.setStatus, { body: { id: arch.id, status: 'archived' } }));
	expectError('archived stays archived', await A(M.setStatus, { body: { id: arch.id, status: 'active' } }), 400, 'WebhookArchived');
	expectError('rotate an archived webhook', await A(M.rotateWebhookSecret, { body: { id: arch.id } }), 400, 'WebhookArchived');
	expectError('bind an archived webhook', await A(M.bind, { body: { id: arch.id, secretName: 'deploy' } }), 400, 'WebhookArchived');
	expectError('update an archived webhook', await A(M.updateWebhook, { body: { id: arch.id, name: 'x' } }), 400, 'InvalidRequest');
	eq('an archived webhook is readable', (await A(M.getWebhook, { params: { id: arch.id } })).body.webhook.active, false);
	eq('archived state', (await state(A, arch.id)).status, 'archived');
	st.archived = arch.id;
	st.plain = w.id;
	st.full = full.id;
	return { w, full, arch };
}

// --- rotation on the injected clock ---------------------------------------------
async function rotation(st, w) {
	const first = await currentSecret(A, w.id);
	ok('getWebhookSecret value', SECRET.test(first.secretValue), first.secretValue);
	let s = await state(A, w.id);
	eq('one current secret at first', s.secrets.map((x) => [x.id, x.current, x.expiresAt]), [[first.secretId, true, undefined]]);

	advance(60);
	const r = expect200('rotateWebhookSecret grace 3600',
		await A(M.rotateWebhookSecret, { body: { id: w.id, graceSeconds: 3600 } }));
	remember(r.secretValue);
	ok('rotate returns a new value', SECRET.test(r.secretValue) && r.secretValue !== first.secretValue);
	eq('rotate names the retired secret', r.retiredSecretId, first.secretId);
	const until = now() + 3600 * 1000;
	eq('rotate retiredUntil', r.retiredUntil, iso(until));
	eq('rotate lists current then retired', r.secrets.map((x) => [x.id, x.current, x.expiresAt ?? null]),
		[[r.secretId, true, null], [first.secretId, false, iso(until)]]);
	ok('rotate lists no values', !JSON.stringify(r.secrets).includes('whsec_'));
	const cur = await currentSecret(A, w.id);
	eq('getWebhookSecret shows the new secret', [cur.secretId, cur.secretValue], [r.secretId, r.secretValue]);

	advance(3599);
	eq('the retired secret is valid 1 s before it ends', (await state(A, w.id)).secrets.length, 2);
	advance(1);
	eq('and not at its end', (await state(A, w.id)).secrets.map((x) => x.id), [r.secretId]);

	// grace 0 revokes at once.
	const z = expect200('rotateWebhookSecret grace 0', await A(M.rotateWebhookSecret, { body: { id: w.id, graceSeconds: 0 } }));
	remember(z.secretValue);
	eq('grace 0: the old one is gone', [z.retiredSecretId, z.retiredUntil, z.secrets.map((x) => x.id)],
		[r.secretId, undefined, [z.secretId]]);
	// The default grace is the configured 86400 s.
	const d = expect200('rotateWebhookSecret default grace', await A(M.rotateWebhookSecret, { body: { id: w.id } }));
	remember(d.secretValue);
	eq('default grace', d.retiredUntil, iso(now() + 86400 * 1000));
	for (const grace of [172801, 604801, -5])
		expectError(`rotateWebhookSecret graceSeconds ${grace}`,
			await A(M.rotateWebhookSecret, { body: { id: w.id, graceSeconds: grace } }), 400, 'InvalidRequest');
	expectError('rotateWebhookSecret unknown', await A(M.rotateWebhookSecret, { body: { id: 'nope' } }), 400, 'WebhookNotFound');

	// At most 10 retired secrets are valid at once.
	for (let i = 0; i < 9; i++) {
		advance(1);
		const x = expect200(`rotation ${i + 2} with grace`, await A(M.rotateWebhookSecret, { body: { id: w.id, graceSeconds: 7200 } }));
		remember(x.secretValue);
	}
	s = await state(A, w.id);
	eq('1 current and 10 retired', [s.secrets.length, s.secrets.filter((x) => x.current).length], [11, 1]);
	const before = s.secrets.map((x) => x.id);
	expectError('an 11th retired secret', await A(M.rotateWebhookSecret, { body: { id: w.id, graceSeconds: 60 } }), 400,
		'TooManyRetiredSecrets');
	eq('the refused rotation wrote nothing', (await state(A, w.id)).secrets.map((x) => x.id), before);
	const zz = expect200('grace 0 is still allowed at 10', await A(M.rotateWebhookSecret, { body: { id: w.id, graceSeconds: 0 } }));
	remember(zz.secretValue);
	eq('grace 0 at 10 keeps the 10 retired', (await state(A, w.id)).secrets.length, 11);
	advance(7200);
	eq('the 9 of 7200 s expired; the one of 86400 s remains', (await state(A, w.id)).secrets.length, 2);
	advance(86400);
	eq('all retired secrets expired', (await state(A, w.id)).secrets.map((x) => x.current), [true]);
	const again = expect200('rotation with grace works again', await A(M.rotateWebhookSecret, { body: { id: w.id, graceSeconds: 60 } }));
	remember(again.secretValue);
	st.plainSecret = (await currentSecret(A, w.id)).secretValue;
}

// --- named secrets bound to webhooks ----------------------------------------------
async function binding(st, w) {
	const b = expect200('bindWebhookSecret', await A(M.bind, { body: { id: w.id, secretName: 'deploy' } })).state;
	eq('bound state', [b.secretName, b.secrets.length, b.secrets[0].current], ['deploy', 1, true]);
	expectError('getWebhookSecret of a bound webhook', await A(M.getWebhookSecret, { params: { id: w.id } }), 400, 'SecretIsNamed');
	expectError('rotateWebhookSecret of a bound webhook', await A(M.rotateWebhookSecret, { body: { id: w.id } }), 400, 'SecretIsNamed');
	expectError('bind to an unknown secret', await A(M.bind, { body: { id: w.id, secretName: 'nope' } }), 400, 'NotFound');
	expectError('bind an unknown webhook', await A(M.bind, { body: { id: 'nope', secretName: 'deploy' } }), 400, 'WebhookNotFound');
	expectError('bind to an invalid name', await A(M.bind, { body: { id: w.id, secretName: 'a/b' } }), 400, 'InvalidRequest');
	eq('a failed bind kept the binding', (await state(A, w.id)).secretName, 'deploy');
	// Rotating the named secret is seen by every webhook bound to it.
	const other = await createWebhook(A, 'https://other.example.test/bound');
	expect200('bind a second webhook', await A(M.bind, { body: { id: other.id, secretName: 'deploy' } }));
	const r = expect200('rotateSecret of a bound secret', await A(M.rotateSecret, { body: { name: 'deploy', graceSeconds: 600 } }));
	remember(r.token);
	for (const id of [w.id, other.id]) {
		const s = await state(A, id);
		eq(`webhook ${id === w.id ? 1 : 2} sees the rotation`, [s.secrets.length, s.secrets[1].expiresAt], [2, iso(now() + 600000)]);
	}
	advance(600);
	eq('the named secret\'s retired token expired', (await state(A, other.id)).secrets.length, 1);
	const rr = expect200('wisp secret.rotate', await A(M.rotate, { body: { name: 'deploy' } }));
	remember(rr.token);
	eq('wisp rotate: the old token stops at once', (await state(A, other.id)).secrets.length, 1);
	const inUse = await A(M.del, { body: { name: 'deploy' } });
	ok('secret.delete of a bound secret is refused', inUse.status === 400 && /bind/.test(inUse.body.message), JSON.stringify(inUse.body));
	expect200('unbind', await A(M.bind, { body: { id: other.id } }));
	const back = expect200('unbind the first', await A(M.bind, { body: { id: w.id } })).state;
	ok('unbound: its own secret again', back.secretName === undefined && back.secrets[0].current);
	eq('its own secret is the one it had', (await currentSecret(A, w.id)).secretValue, st.plainSecret);
	expect200('bind back for the restart check', await A(M.bind, { body: { id: other.id, secretName: 'deploy' } }));
	st.bound = other.id;
}

// --- listing and cursors --------------------------------------------------------------
async function listing() {
	const all = expect200('listWebhooks', await A(M.listWebhooks, { params: { limit: 100 } }));
	const ids = all.webhooks.map((x) => x.id);
	ok('listWebhooks is in creation order', JSON.stringify([...ids].sort()) === JSON.stringify(ids));
	ok('no cursor on the last page', all.cursor === undefined);
	const n = ids.length;
	ok('A has several webhooks', n >= 5, String(n));

	// Pages of 2 put together are the whole list.
	let got = [];
	let cursor;
	do {
		const p = expect200('a page', await A(M.listWebhooks, { params: cursor ? { limit: 2, cursor } : { limit: 2 } }));
		ok('a page has at most 2', p.webhooks.length <= 2);
		got = got.concat(p.webhooks.map((x) => x.id));
		cursor = p.cursor;
	} while (cursor);
	eq('pages of 2 are the whole list', got, ids);

	// Filters.
	const active = (await A(M.listWebhooks, { params: { active: true, limit: 100 } })).body.webhooks;
	ok('active filter', active.length > 0 && active.every((x) => x.active), JSON.stringify(active.map((x) => x.active)));
	const inactive = (await A(M.listWebhooks, { params: { active: false, limit: 100 } })).body.webhooks;
	eq('active and inactive are all', active.length + inactive.length, n);
	const follow = (await A(M.listWebhooks, { params: { event: 'follow', limit: 100 } })).body.webhooks;
	ok('event filter', follow.length >= 1 && follow.every((x) => x.events.includes('follow')));
	expectError('listWebhooks limit 0', await A(M.listWebhooks, { params: { limit: 0 } }), 400, 'InvalidRequest');
	expectError('listWebhooks limit 101', await A(M.listWebhooks, { params: { limit: 101 } }), 400, 'InvalidRequest');
	expectError('listWebhooks unknown event', await A(M.listWebhooks, { params: { event: 'boom' } }), 400, 'InvalidRequest');

	// Cursors the server did not issue.
	const p1 = (await A(M.listWebhooks, { params: { limit: 1 } })).body;
	ok('limit 1 gives a cursor', typeof p1.cursor === 'string');
	const tampered = p1.cursor.slice(0, -2) + (p1.cursor.endsWith('AA') ? 'BA' : 'AA');
	for (const [why, c] of [['garbage', 'garbage'], ['empty', ''], ['tampered', tampered],
		['a bare id', ids[0]], ['base64 of an id', Buffer.from(ids[0]).toString('base64url')],
		['very long', 'A'.repeat(5000)]])
		expectError(`InvalidCursor: ${why}`, await A(M.listWebhooks, { params: { cursor: c } }), 400, 'InvalidCursor');
	expectError('InvalidCursor: another DID\'s cursor', await B(M.listWebhooks, { params: { cursor: p1.cursor } }), 400,
		'InvalidCursor');

	// The cursor stays right while webhooks are created and deleted: a
	// page ends at p1; p1 (the cursor's own webhook) and p3 (further on)
	// are deleted and one is added before the next pages are read.
	const p = [];
	for (let i = 1; i <= 3; i++) p.push(await createWebhook(A, `https://hooks.example.test/page/${i}`));
	const now_ids = (await A(M.listWebhooks, { params: { limit: 100 } })).body.webhooks.map((x) => x.id);
	const k = now_ids.indexOf(p[0].id);
	const q1 = (await A(M.listWebhooks, { params: { limit: k + 1 } })).body;
	eq('the page ends at p1', q1.webhooks[k].id, p[0].id);
	expect200('delete the cursor\'s webhook', await A(M.deleteWebhook, { body: { id: p[0].id } }));
	expect200('delete one further on', await A(M.deleteWebhook, { body: { id: p[2].id } }));
	const added = await createWebhook(A, 'https://hooks.example.test/added-while-paging');
	let rest = [];
	cursor = q1.cursor;
	while (cursor) {
		const page = (await A(M.listWebhooks, { params: { limit: 2, cursor } })).body;
		rest = rest.concat(page.webhooks.map((x) => x.id));
		cursor = page.cursor;
	}
	eq('the pages after create and delete', rest, now_ids.slice(k + 1).filter((x) => x !== p[2].id).concat([added.id]));
}

// --- cross-DID isolation ------------------------------------------------------------
// B tries each of A's objects with every method; each answer must be
// exactly the answer for an object that does not exist.
async function isolation(st) {
	const missing = '01900000-0000-7000-8000-000000000000';
	const aw = st.plain;
	const table = [
		['getWebhook', (id) => B(M.getWebhook, { params: { id } })],
		['updateWebhook', (id) => B(M.updateWebhook, { body: { id, name: 'pwned' } })],
		['updateWebhook url', (id) => B(M.updateWebhook, { body: { id, url: 'https://hooks.example.test/pwned' } })],
		['deleteWebhook', (id) => B(M.deleteWebhook, { body: { id } })],
		['getWebhookSecret', (id) => B(M.getWebhookSecret, { params: { id } })],
		['getWebhookState', (id) => B(M.getWebhookState, { params: { id } })],
		['rotateWebhookSecret', (id) => B(M.rotateWebhookSecret, { body: { id } })],
		['rotateWebhookSecret grace 0', (id) => B(M.rotateWebhookSecret, { body: { id, graceSeconds: 0 } })],
		['bindWebhookSecret', (id) => B(M.bind, { body: { id, secretName: 'deploy' } })],
		['unbind', (id) => B(M.bind, { body: { id } })],
		['setWebhookStatus', (id) => B(M.setStatus, { body: { id, status: 'archived' } })],
	];
	for (const id of [aw, st.bound, st.archived]) {
		for (const [name, f] of table) {
			const theirs = await f(id);
			const none = await f(missing);
			ok(`isolation: B ${name} of A's webhook answers as for none`,
				theirs.status === none.status && theirs.body.error === none.body.error &&
				theirs.body.error === 'WebhookNotFound' &&
				theirs.body.message === none.body.message,
				`${JSON.stringify(theirs.body)} vs ${JSON.stringify(none.body)}`);
		}
	}
	const named = [
		['secret.rotate', (name) => B(M.rotate, { body: { name } })],
		['rotateSecret', (name) => B(M.rotateSecret, { body: { name, graceSeconds: 0 } })],
		['secret.delete', (name) => B(M.del, { body: { name } })],
	];
	const bw = await createWebhook(B, 'https://hooks.example.test/a'); // A's url: fine for B
	named.push(['bindWebhookSecret of own webhook to A\'s secret', (name) => B(M.bind, { body: { id: bw.id, secretName: name } })]);
	for (const [name, f] of named) {
		const theirs = await f('deploy');
		const none = await f('no-such-secret');
		ok(`isolation: B ${name} of A's secret answers as for none`,
			theirs.status === none.status && theirs.body.error === 'NotFound' &&
			theirs.body.error === none.body.error && theirs.body.message === none.body.message,
			`${JSON.stringify(theirs.body)} vs ${JSON.stringify(none.body)}`);
	}
	eq('isolation: B lists only its own webhooks', (await B(M.listWebhooks)).body.webhooks.map((x) => x.id), [bw.id]);
	eq('isolation: B lists no secrets', (await B(M.list)).body.secrets, []);
	const bs = expect200('isolation: B may use the name A uses', await B(M.create, { body: { name: 'deploy' } }));
	remember(bs.token);
	// Nothing B did touched A's objects.
	const s = await state(A, aw);
	eq('isolation: A\'s webhook is unchanged', [s.status, s.secretName, (await A(M.getWebhook, { params: { id: aw } })).body.webhook.name], ['active', undefined, undefined]);
	eq('isolation: A\'s secret is as it was', (await currentSecret(A, aw)).secretValue, st.plainSecret);
	eq('isolation: A\'s bound webhook is still bound', (await state(A, st.bound)).secretName, 'deploy');
	eq('isolation: A\'s archived webhook is still archived', (await state(A, st.archived)).status, 'archived');
}

// --- the limit under concurrency --------------------------------------------------------
async function limit() {
	// P is 8 short of its limit (--max-webhooks 20); 16 calls race for them.
	const P = (nsid, o) => xrpc(keyP, nsid, o);
	for (let i = 0; i < 12; i++) await createWebhook(P, `https://hooks.example.test/before/${i}`);
	const results = await Promise.all(Array.from({ length: 16 }, (_, i) =>
		P(M.createWebhook, { body: { url: `https://hooks.example.test/parallel/${i}`, events: ['chat'] } })));
	const okCount = results.filter((r) => r.status === 200).length;
	const tooMany = results.filter((r) => r.status === 400 && r.body.error === 'TooManyWebhooks');
	eq('16 parallel creates for the last 8 places: 8 created', okCount, 8);
	eq('and 8 TooManyWebhooks', tooMany.length, 8);
	ok('TooManyWebhooks says the limit', tooMany.length > 0 && /20/.test(tooMany[0].body.message), tooMany[0] && tooMany[0].body.message);
	eq('the list has exactly 20', (await P(M.listWebhooks, { params: { limit: 100 } })).body.webhooks.length, 20);
	// Parallel creates of one URL: exactly one.
	const same = await Promise.all(Array.from({ length: 8 }, () =>
		A(M.createWebhook, { body: { url: 'https://hooks.example.test/same', events: ['chat'] } })));
	eq('8 parallel creates of one url: 1 created', same.filter((r) => r.status === 200).length, 1);
	eq('and 7 DuplicateWebhook', same.filter((r) => r.body.error === 'DuplicateWebhook').length, 7);
	// Parallel creates of one secret name: exactly one.
	const names = await Promise.all(Array.from({ length: 8 }, () => A(M.create, { body: { name: 'race' } })));
	eq('8 parallel secret.create: 1 created', names.filter((r) => r.status === 200).length, 1);
	names.forEach((r) => remember(r.body.token));
	eq('and 7 AlreadyExists', names.filter((r) => r.body.error === 'AlreadyExists').length, 7);
}

// --- injected failures: nothing half-written ------------------------------------------------
async function injected(st) {
	const arm = (name) => fs.writeFileSync(failFile, name);
	const disarm = () => fs.writeFileSync(failFile, '');
	const countOf = async () => (await A(M.listWebhooks, { params: { limit: 100 } })).body.webhooks.length;
	const n = await countOf();

	// createWebhook: the webhook row is written, then its secret fails.
	arm('SECRET_INSERT');
	const r = await A(M.createWebhook, { body: { url: 'https://hooks.example.test/injected', events: ['chat'] } });
	disarm();
	expectError('createWebhook with a failing secret insert', r, 500, 'InternalServerError');
	ok('the 500 names no secret', !JSON.stringify(r.body).includes('whsec_'));
	eq('nothing of it was written', await countOf(), n);
	ok('the url is still free', (await createWebhook(A, 'https://hooks.example.test/injected')) !== undefined);

	// rotateWebhookSecret: the old secret is retired, then the new one fails.
	const before = await state(A, st.plain);
	arm('SECRET_INSERT');
	expectError('rotate with a failing insert', await A(M.rotateWebhookSecret, { body: { id: st.plain, graceSeconds: 60 } }), 500,
		'InternalServerError');
	disarm();
	eq('the rotation left the secrets as they were', (await state(A, st.plain)).secrets, before.secrets);
	eq('and the current value', (await currentSecret(A, st.plain)).secretValue, st.plainSecret);

	// secret.create: the name is written, then its secret fails.
	arm('SECRET_INSERT');
	expectError('secret.create with a failing insert', await A(M.create, { body: { name: 'halfway' } }), 500, 'InternalServerError');
	disarm();
	ok('the name was not kept', !(await A(M.list)).body.secrets.some((x) => x.name === 'halfway'));
	remember(expect200('the name is free', await A(M.create, { body: { name: 'halfway' } })).token);

	// secret.delete: its secrets are deleted, then the name fails.
	arm('NAMED_DELETE');
	expectError('secret.delete with a failing delete', await A(M.del, { body: { name: 'halfway' } }), 500, 'InternalServerError');
	disarm();
	const again = expect200('the secret still rotates', await A(M.rotateSecret, { body: { name: 'halfway', graceSeconds: 0 } }));
	remember(again.token);

	// deleteWebhook: its secrets are deleted, then the webhook fails.
	arm('WEBHOOK_DELETE');
	expectError('deleteWebhook with a failing delete', await A(M.deleteWebhook, { body: { id: st.plain } }), 500, 'InternalServerError');
	disarm();
	eq('the webhook keeps its secret', (await currentSecret(A, st.plain)).secretValue, st.plainSecret);

	// updateWebhook and a failing commit.
	arm('COMMIT');
	expectError('updateWebhook with a failing commit', await A(M.updateWebhook, { body: { id: st.full, name: 'lost' } }), 500,
		'InternalServerError');
	disarm();
	ok('the update was rolled back', (await A(M.getWebhook, { params: { id: st.full } })).body.webhook.name !== 'lost');
	arm('NAMED_ROTATED');
	expectError('rotateSecret failing last', await A(M.rotateSecret, { body: { name: 'deploy', graceSeconds: 60 } }), 500, 'InternalServerError');
	disarm();
	eq('the named secret did not rotate', (await state(A, st.bound)).secrets.length, 1);
}

// --- bad input of every kind ---------------------------------------------------------------
async function badInput() {
	const bad = [
		['not JSON', () => A(M.create, { raw: '{"name": ' }), 400],
		['JSON that is not an object', () => A(M.create, { raw: '[1,2]' }), 400],
		['a wrong content type', () => A(M.create, { raw: 'name=x', contentType: 'application/x-www-form-urlencoded' }), 400],
		['an empty body', () => A(M.create, { raw: '' }), 400],
		['invalid UTF-8', () => A(M.create, { raw: Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]) }), 400],
		['a lone surrogate', () => A(M.create, { raw: '{"name":"\\ud800"}' }), 400],
		['deep nesting', () => A(M.createWebhook, { raw: '{"url":"https://hooks.example.test/","events":["chat"],"x":' + '['.repeat(5000) + ']'.repeat(5000) + '}' }), 400],
		['a duplicate key', () => A(M.create, { raw: '{"name":"a","name":"b"}' }), 400],
		['a GET of a procedure', () => A(M.create, { method: 'GET' }), 405],
		['a POST of a query', () => A(M.list, { body: {} }), 405],
		['an unknown method', () => A('dev.lexc.webhookd.noSuchMethod'), 501],
		['a bad limit', () => A(M.listWebhooks, { params: { limit: 'ten' } }), 400],
		['an unknown query parameter type', () => A(M.listWebhooks, { params: { active: 'maybe' } }), 400],
	];
	for (const [why, f, status] of bad) {
		const r = await f();
		ok(`bad input: ${why} is ${status} with a message`,
			r.status === status && r.body && typeof r.body.error === 'string' && typeof r.body.message === 'string',
			`got ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
	}
	// The server may answer 413 and close before it has read the body.
	let big;
	try {
		big = (await A(M.create, { raw: JSON.stringify({ name: 'x', pad: 'y'.repeat(3 * 1024 * 1024) }) })).status;
	} catch (e) {
		big = `closed (${e.cause ? e.cause.code : e.message})`;
	}
	ok('bad input: a 3 MiB body is refused', big === 413 || /^closed/.test(big), String(big));
	const path = await A(M.createWebhook, { body: { url: 'https://hooks.example.test/p', events: ['chat'], rewrite: [{ from: 'a', to: 'b' }, { from: 1, to: 'c' }] } });
	ok('bad input: the message names the JSON path', path.status === 400 && /rewrite\[1\]\.from/.test(path.body.message), JSON.stringify(path.body));
	eq('the server is up after bad input', (await A(M.list)).status, 200);
}

// --- phases -----------------------------------------------------------------------------
async function main() {
	const st = {};
	if (phase === 'main') {
		await authentication();
		await namedSecrets();
		const { w } = await webhooks(st);
		await rotation(st, w);
		await binding(st, w);
		await listing();
		await isolation(st);
		await limit();
		await injected(st);
		await badInput();
		st.count = (await A(M.listWebhooks, { params: { limit: 100 } })).body.webhooks.length;
		st.secrets = (await A(M.list)).body.secrets.map((x) => x.name);
		fs.writeFileSync(stateFile, JSON.stringify(st));
	} else {
		Object.assign(st, JSON.parse(fs.readFileSync(stateFile, 'utf8')));
	}
	if (phase === 'after-restart' || phase === 'after-kill') {
		eq(`${phase}: the webhooks are there`, (await A(M.listWebhooks, { params: { limit: 100 } })).body.webhooks.length, st.count);
		eq(`${phase}: the named secrets are there`, (await A(M.list)).body.secrets.map((x) => x.name), st.secrets);
		eq(`${phase}: the secret still decrypts`, (await currentSecret(A, st.plain)).secretValue, st.plainSecret);
		eq(`${phase}: the binding is kept`, (await state(A, st.bound)).secretName, 'deploy');
		eq(`${phase}: archived is kept`, (await state(A, st.archived)).status, 'archived');
	}
	if (phase === 'after-kill') {
		eq('after-kill: the last webhook created is there', (await A(M.getWebhook, { params: { id: st.lastId } })).body.webhook.url,
			'https://hooks.example.test/just-before-kill');
		eq('after-kill: the last rotation is there', (await currentSecret(A, st.plain)).secretValue, st.plainSecret);
	}
	if (phase === 'before-kill') {
		const w = await createWebhook(A, 'https://hooks.example.test/just-before-kill');
		const r = expect200('rotate just before the kill', await A(M.rotateWebhookSecret, { body: { id: st.plain, graceSeconds: 0 } }));
		remember(r.secretValue);
		st.lastId = w.id;
		st.plainSecret = r.secretValue;
		st.count += 1;
		fs.writeFileSync(stateFile, JSON.stringify(st));
	}
	console.log(`${failures === 0 ? 'ok  ' : 'FAIL'} webhookd_e2e.mjs ${phase}: ${passes} checks passed, ${failures} failed`);
	process.exit(failures === 0 ? 0 : 1);
}

main().catch((e) => {
	console.log(`FAIL webhookd_e2e.mjs ${phase}: ${e.stack}`);
	process.exit(1);
});
