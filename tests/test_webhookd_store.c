/* Unit tests of webhookd's stores (examples/webhookd/store.h): the SQLite
 * store on a real file, and with $WEBHOOKD_TEST_PG_URL set (by
 * tests/webhookd_store_pg.sh, which starts a throwaway PostgreSQL cluster)
 * the PostgreSQL store on a real database: every operation and result,
 * rotation rules, keyset pages, the per-DID limit under threads, injected
 * statement failures that leave nothing behind, leases, migrations, and
 * reopening. */
#include "config.h"

#include "store.h"
#include "webhookd.h"

#include <check.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64], path[128];
static wh_store *s;
static lexc_arena a;
static lexc_error err;
static const lexc_str A = LEXC_STR_INIT("did:plc:alice");
static const lexc_str B = LEXC_STR_INIT("did:plc:bobby");
static const unsigned char sealed_bytes[] = "sealed-bytes-not-a-secret";

static void setup(void)
{
	strcpy(dir, "/tmp/wh-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/webhookd.db", dir);
	lexc_error_clear(&err);
	s = wh_store_sqlite_open(path, WH_SYNC_NORMAL, &err);
	ck_assert_msg(s != NULL, "%s", err.message);
	lexc_arena_init(&a);
	unsetenv("WEBHOOKD_TEST_FAIL");
}

/* The PostgreSQL store on an empty database (the schema dropped). Claims
 * lease for 1 s, so that the tests can let them lapse. */
static const char *pg_url;
enum { PG_LEASE_MS = 1000 };

static void pg_sql(const char *sql)
{
	PGconn *db = PQconnectdb(pg_url);
	ck_assert_msg(PQstatus(db) == CONNECTION_OK, "%s", PQerrorMessage(db));
	PGresult *res = PQexec(db, sql);
	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK ||
	                      PQresultStatus(res) == PGRES_TUPLES_OK,
	              "%s: %s", sql, PQerrorMessage(db));
	PQclear(res);
	PQfinish(db);
}

static wh_store *pg_open(void)
{
	wh_pg_config pc = {.conninfo = pg_url, .pool = 8, .lease_ms = PG_LEASE_MS, .listen = true};
	lexc_error_clear(&err);
	return wh_store_pg_open(&pc, &err);
}

static void setup_pg(void)
{
	pg_sql("SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA "
	       "public");
	path[0] = dir[0] = '\0';
	s = pg_open();
	ck_assert_msg(s != NULL, "%s", err.message);
	lexc_arena_init(&a);
	unsetenv("WEBHOOKD_TEST_FAIL");
}

static void teardown(void)
{
	if (pg_url != NULL) {
		if (s != NULL)
			s->ops->close(s);
		s = NULL;
		lexc_arena_free(&a);
		return;
	}

	if (s != NULL)
		s->ops->close(s);
	s = NULL;
	lexc_arena_free(&a);
	char p[160];
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
		unlink(p);
	}
	rmdir(dir);
}

static unsigned counter;

static wh_new_secret new_secret(int64_t now)
{
	char *id = lexc_arena_alloc(&a, 32);
	snprintf(id, 32, "sec-%06u", counter++);
	return (wh_new_secret){lexc_str_borrow(id), {sealed_bytes, sizeof sealed_bytes}, now};
}

static wh_webhook webhook(lexc_str did, const char *url, int64_t now)
{
	char *id = lexc_arena_alloc(&a, 32);
	snprintf(id, 32, "wh-%06u", counter++);
	return (wh_webhook){.id = lexc_str_borrow(id),
	                    .did = did,
	                    .url = lexc_str_copy(&a, url),
	                    .events = WH_EVENT_CHAT,
	                    .status = WH_STATUS_SUSPENDED,
	                    .created_at = now};
}

static wh_result create(const wh_webhook *w, size_t max)
{
	wh_new_secret sec = new_secret(w->created_at);
	return s->ops->webhook_create(s, w, &sec, max, &err);
}

static size_t secrets_of(lexc_str did, lexc_str id, int64_t now)
{
	wh_secret *out;
	size_t n = 0;
	bool named;
	ck_assert_int_eq(
	        s->ops->webhook_secrets(s, did, id, now, false, &a, &out, &n, &named, &err), WH_OK);
	return n;
}

START_TEST(api_keys)
{
	unsigned char h1[32] = {1}, h2[32] = {2}, h3[32] = {3};
	wh_api_key k1 = {.id = LEXC_STR("k1"), .did = A, .created_at = 10};
	wh_api_key k2 = {.id = LEXC_STR("k2"), .did = B, .operator_key = true, .created_at = 20};
	ck_assert_int_eq(s->ops->key_create(s, &k1, h1, &err), WH_OK);
	ck_assert_int_eq(s->ops->key_create(s, &k2, h2, &err), WH_OK);
	ck_assert_int_eq(s->ops->key_create(s, &k2, h3, &err), WH_FAILED); /* the id is taken */
	wh_api_key got;
	ck_assert_int_eq(s->ops->key_lookup(s, h2, &a, &got, &err), WH_OK);
	ck_assert(lexc_str_eq(got.id, k2.id) && lexc_str_eq(got.did, B) && got.operator_key);
	ck_assert(memcmp(got.hash, h2, 32) == 0);
	ck_assert_int_eq(s->ops->key_lookup(s, h3, &a, &got, &err), WH_NOT_FOUND);
	ck_assert_int_eq(s->ops->key_revoke(s, LEXC_STR("k1"), 30, &err), WH_OK);
	ck_assert_int_eq(s->ops->key_revoke(s, LEXC_STR("k1"), 31, &err), WH_NOT_FOUND);
	ck_assert_int_eq(s->ops->key_revoke(s, LEXC_STR("nope"), 31, &err), WH_NOT_FOUND);
	ck_assert_int_eq(s->ops->key_lookup(s, h1, &a, &got, &err), WH_NOT_FOUND);
	wh_api_key *all;
	size_t n;
	ck_assert_int_eq(s->ops->key_list(s, &a, &all, &n, &err), WH_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert(lexc_str_eq_cstr(all[0].id, "k1") && all[0].revoked_at == 30);
	ck_assert(lexc_str_eq_cstr(all[1].id, "k2") && all[1].revoked_at == 0);
}
END_TEST

START_TEST(named_secrets)
{
	wh_new_secret s1 = new_secret(100);
	lexc_str name = LEXC_STR("deploy");
	ck_assert_int_eq(s->ops->secret_create(s, A, name, &s1, &err), WH_OK);
	wh_new_secret s2 = new_secret(100);
	ck_assert_int_eq(s->ops->secret_create(s, A, name, &s2, &err), WH_ALREADY_EXISTS);
	ck_assert_int_eq(s->ops->secret_create(s, B, name, &s2, &err), WH_OK); /* per DID */

	int64_t until = -1;
	wh_new_secret s3 = new_secret(200);
	ck_assert_int_eq(s->ops->secret_rotate(s, A, name, &s3, 1000, &until, &err), WH_OK);
	ck_assert_int_eq(until, 1200);
	wh_new_secret s4 = new_secret(300);
	ck_assert_int_eq(s->ops->secret_rotate(s, A, LEXC_STR("nope"), &s4, 0, &until, &err),
	                 WH_NOT_FOUND);

	wh_named_secret *list;
	size_t n;
	ck_assert_int_eq(s->ops->secret_list(s, A, &a, &list, &n, &err), WH_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert(lexc_str_eq(list[0].name, name));
	ck_assert_int_eq(list[0].created_at, 100);
	ck_assert_int_eq(list[0].last_rotated_at, 200);

	/* Bound to a webhook, the named secret's tokens are its secrets. */
	wh_webhook w = webhook(A, "https://x.test/1", 300);
	ck_assert_int_eq(create(&w, 50), WH_OK);
	ck_assert_int_eq(s->ops->webhook_bind(s, A, w.id, name, 310, &err), WH_OK);
	ck_assert_uint_eq(secrets_of(A, w.id, 310), 2); /* current and the retired one */
	ck_assert_uint_eq(secrets_of(A, w.id, 1200), 1);
	ck_assert_int_eq(s->ops->webhook_bind(s, A, w.id, LEXC_STR("nope"), 320, &err),
	                 WH_SECRET_NOT_FOUND);
	ck_assert_int_eq(s->ops->webhook_bind(s, B, w.id, name, 320, &err), WH_NOT_FOUND);
	ck_assert_int_eq(s->ops->secret_delete(s, A, name, &err), WH_SECRET_IN_USE);
	ck_assert_int_eq(s->ops->webhook_bind(s, A, w.id, lexc_str_borrow(NULL), 330, &err), WH_OK);
	ck_assert_uint_eq(secrets_of(A, w.id, 330), 1); /* its own again */
	ck_assert_int_eq(s->ops->secret_delete(s, A, name, &err), WH_OK);
	ck_assert_int_eq(s->ops->secret_delete(s, A, name, &err), WH_NOT_FOUND);
	ck_assert_int_eq(s->ops->secret_list(s, A, &a, &list, &n, &err), WH_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(s->ops->secret_list(s, B, &a, &list, &n, &err), WH_OK);
	ck_assert_uint_eq(n, 1);
}
END_TEST

START_TEST(webhooks)
{
	wh_webhook w = webhook(A, "https://x.test/a", 1000);
	lexc_str words[] = {LEXC_STR_INIT("x"), LEXC_STR_INIT("")};
	wh_rewrite rw[] = {{LEXC_STR_INIT("a"), LEXC_STR_INIT("b")}};
	w.has_mute_words = true;
	w.n_mute_words = 2;
	w.mute_words = words;
	w.has_rewrite = true;
	w.n_rewrite = 1;
	w.rewrite = rw;
	w.prefix = LEXC_STR("P");
	ck_assert_int_eq(create(&w, 3), WH_OK);
	wh_webhook dup = webhook(A, "https://x.test/a", 1001);
	ck_assert_int_eq(create(&dup, 3), WH_DUPLICATE);
	wh_webhook other = webhook(B, "https://x.test/a", 1001);
	ck_assert_int_eq(create(&other, 3), WH_OK);
	wh_webhook w2 = webhook(A, "https://x.test/b", 1002),
	           w3 = webhook(A, "https://x.test/c", 1003),
	           w4 = webhook(A, "https://x.test/d", 1004);
	ck_assert_int_eq(create(&w2, 3), WH_OK);
	ck_assert_int_eq(create(&w3, 3), WH_OK);
	ck_assert_int_eq(create(&w4, 3), WH_TOO_MANY);

	wh_webhook got;
	ck_assert_int_eq(s->ops->webhook_get(s, A, w.id, &a, &got, &err), WH_OK);
	ck_assert(lexc_str_eq(got.url, w.url) && lexc_str_eq_cstr(got.prefix, "P"));
	ck_assert_ptr_null(got.suffix.ptr);
	ck_assert(got.has_mute_words && got.n_mute_words == 2 &&
	          lexc_str_eq_cstr(got.mute_words[1], ""));
	ck_assert(got.has_rewrite && got.n_rewrite == 1 &&
	          lexc_str_eq_cstr(got.rewrite[0].to, "b"));
	ck_assert_int_eq(s->ops->webhook_get(s, B, w.id, &a, &got, &err), WH_NOT_FOUND);

	/* A patch changes only its fields. */
	wh_webhook_patch p = {.has_name = true, .now = 2000};
	p.value.name = LEXC_STR("named");
	ck_assert_int_eq(s->ops->webhook_update(s, A, w.id, &p, &a, &got, &err), WH_OK);
	ck_assert(lexc_str_eq_cstr(got.name, "named") && lexc_str_eq_cstr(got.prefix, "P") &&
	          got.n_mute_words == 2 && got.updated_at == 2000);
	wh_webhook_patch pu = {.has_url = true, .now = 2001};
	pu.value.url = w2.url;
	ck_assert_int_eq(s->ops->webhook_update(s, A, w.id, &pu, &a, &got, &err), WH_DUPLICATE);
	ck_assert_int_eq(s->ops->webhook_update(s, B, w.id, &p, &a, &got, &err), WH_NOT_FOUND);

	/* Statuses; archived is final and read-only. */
	ck_assert_int_eq(s->ops->webhook_set_status(s, A, w3.id, WH_STATUS_ARCHIVED, 3000, &err),
	                 WH_OK);
	ck_assert_int_eq(s->ops->webhook_set_status(s, A, w3.id, WH_STATUS_ACTIVE, 3001, &err),
	                 WH_ARCHIVED);
	ck_assert_int_eq(s->ops->webhook_update(s, A, w3.id, &p, &a, &got, &err), WH_ARCHIVED);
	wh_new_secret sec = new_secret(3002);
	lexc_str rid;
	int64_t until;
	ck_assert_int_eq(s->ops->webhook_rotate(s, A, w3.id, &sec, 0, &a, &rid, &until, &err),
	                 WH_ARCHIVED);
	ck_assert_int_eq(s->ops->webhook_delete(s, A, w3.id, &err), WH_OK);
	ck_assert_int_eq(s->ops->webhook_delete(s, A, w3.id, &err), WH_NOT_FOUND);
	ck_assert_int_eq(s->ops->webhook_delete(s, A, other.id, &err), WH_NOT_FOUND);
	ck_assert_int_eq(create(&w4, 3), WH_OK); /* a place is free again */
}
END_TEST

START_TEST(rotation)
{
	wh_webhook w = webhook(A, "https://x.test/r", 0);
	ck_assert_int_eq(create(&w, 50), WH_OK);
	wh_secret *list;
	size_t n;
	bool named;
	ck_assert_int_eq(s->ops->webhook_secrets(s, A, w.id, 0, true, &a, &list, &n, &named, &err),
	                 WH_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert(!named && list[0].expires_at == 0 && list[0].sealed.len == sizeof sealed_bytes);
	lexc_str first = list[0].id;

	lexc_str rid;
	int64_t until;
	wh_new_secret sec = new_secret(100);
	ck_assert_int_eq(s->ops->webhook_rotate(s, A, w.id, &sec, 500, &a, &rid, &until, &err),
	                 WH_OK);
	ck_assert(lexc_str_eq(rid, first));
	ck_assert_int_eq(until, 600);
	ck_assert_int_eq(
	        s->ops->webhook_secrets(s, A, w.id, 599, false, &a, &list, &n, &named, &err),
	        WH_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert(lexc_str_eq(list[0].id, sec.id) && list[0].expires_at == 0);
	ck_assert(lexc_str_eq(list[1].id, first) && list[1].expires_at == 600);
	ck_assert_ptr_null(list[1].sealed.data); /* no values unless asked */
	ck_assert_uint_eq(secrets_of(A, w.id, 600), 1);

	/* Ten retired at most while they are valid; grace 0 is always allowed. */
	for (int i = 0; i < 9; i++) {
		wh_new_secret x = new_secret(200 + i);
		ck_assert_int_eq(
		        s->ops->webhook_rotate(s, A, w.id, &x, 10000, &a, &rid, &until, &err),
		        WH_OK);
	}
	ck_assert_uint_eq(secrets_of(A, w.id, 300), 11);
	wh_new_secret x = new_secret(300);
	ck_assert_int_eq(s->ops->webhook_rotate(s, A, w.id, &x, 10, &a, &rid, &until, &err),
	                 WH_TOO_MANY_RETIRED);
	ck_assert_uint_eq(secrets_of(A, w.id, 300), 11);
	ck_assert_int_eq(s->ops->webhook_rotate(s, A, w.id, &x, 0, &a, &rid, &until, &err), WH_OK);
	ck_assert_int_eq(until, 0);
	ck_assert_uint_eq(secrets_of(A, w.id, 300), 11);
	/* Once the first retired secret expired, a rotation with grace fits. */
	wh_new_secret y = new_secret(700);
	ck_assert_int_eq(s->ops->webhook_rotate(s, A, w.id, &y, 10, &a, &rid, &until, &err), WH_OK);
	ck_assert_int_eq(s->ops->webhook_rotate(s, B, w.id, &y, 10, &a, &rid, &until, &err),
	                 WH_NOT_FOUND);
	ck_assert_int_eq(s->ops->webhook_bind(s, A, w.id, LEXC_STR("nope"), 0, &err),
	                 WH_SECRET_NOT_FOUND);
}
END_TEST

START_TEST(pages)
{
	wh_webhook ws[7];
	for (int i = 0; i < 7; i++) {
		char url[32];
		snprintf(url, sizeof url, "https://x.test/%d", i);
		ws[i] = webhook(A, url, i);
		if (i % 2)
			ws[i].status = WH_STATUS_ACTIVE;
		if (i == 3)
			ws[i].events = WH_EVENT_FOLLOW | WH_EVENT_CHAT;
		ck_assert_int_eq(create(&ws[i], 50), WH_OK);
	}
	wh_webhook b = webhook(B, "https://x.test/b", 0);
	ck_assert_int_eq(create(&b, 50), WH_OK);
	wh_list_query q = {.limit = 3};
	wh_webhook *out;
	size_t n, total = 0;
	bool more = true;
	while (more) {
		ck_assert_int_eq(s->ops->webhook_list(s, A, &q, &a, &out, &n, &more, &err), WH_OK);
		for (size_t i = 0; i < n; i++)
			ck_assert(lexc_str_eq(out[i].id, ws[total + i].id));
		total += n;
		if (n > 0)
			q.after_id = out[n - 1].id;
	}
	ck_assert_uint_eq(total, 7);
	wh_list_query act = {.limit = 10, .has_active = true, .active = true};
	ck_assert_int_eq(s->ops->webhook_list(s, A, &act, &a, &out, &n, &more, &err), WH_OK);
	ck_assert_uint_eq(n, 3);
	act.active = false;
	ck_assert_int_eq(s->ops->webhook_list(s, A, &act, &a, &out, &n, &more, &err), WH_OK);
	ck_assert_uint_eq(n, 4);
	wh_list_query ev = {.limit = 10, .event = WH_EVENT_FOLLOW};
	ck_assert_int_eq(s->ops->webhook_list(s, A, &ev, &a, &out, &n, &more, &err), WH_OK);
	ck_assert(n == 1 && lexc_str_eq(out[0].id, ws[3].id) && !more);
	wh_list_query exact = {.limit = 7};
	ck_assert_int_eq(s->ops->webhook_list(s, A, &exact, &a, &out, &n, &more, &err), WH_OK);
	ck_assert(n == 7 && !more); /* a full last page says there is no more */
}
END_TEST

/* 16 threads race for the last 4 places of a DID. */
static void *racer(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;
	lexc_arena ta;
	lexc_arena_init(&ta);
	char id[32], url[64], sid[32];
	snprintf(id, sizeof id, "race-%02u", i);
	snprintf(sid, sizeof sid, "race-sec-%02u", i);
	snprintf(url, sizeof url, "https://x.test/race/%u", i);
	wh_webhook w = {.id = lexc_str_borrow(id),
	                .did = A,
	                .url = lexc_str_borrow(url),
	                .events = WH_EVENT_CHAT,
	                .created_at = 5};
	wh_new_secret sec = {lexc_str_borrow(sid), {sealed_bytes, sizeof sealed_bytes}, 5};
	lexc_error e;
	lexc_error_clear(&e);
	wh_result r = s->ops->webhook_create(s, &w, &sec, 10, &e);
	lexc_arena_free(&ta);
	return (void *)(uintptr_t)r;
}

START_TEST(limit_under_threads)
{
	for (int i = 0; i < 6; i++) {
		char url[32];
		snprintf(url, sizeof url, "https://x.test/pre/%d", i);
		wh_webhook w = webhook(A, url, 1);
		ck_assert_int_eq(create(&w, 10), WH_OK);
	}
	pthread_t t[16];
	for (uintptr_t i = 0; i < 16; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, racer, (void *)i), 0);
	int created = 0, refused = 0;
	for (int i = 0; i < 16; i++) {
		void *r;
		pthread_join(t[i], &r);
		if ((wh_result)(uintptr_t)r == WH_OK)
			created++;
		else if ((wh_result)(uintptr_t)r == WH_TOO_MANY)
			refused++;
	}
	ck_assert_int_eq(created, 4);
	ck_assert_int_eq(refused, 12);
	wh_list_query q = {.limit = 100};
	wh_webhook *out;
	size_t n;
	bool more;
	ck_assert_int_eq(s->ops->webhook_list(s, A, &q, &a, &out, &n, &more, &err), WH_OK);
	ck_assert_uint_eq(n, 10);
}
END_TEST

/* Each write statement of a procedure made to fail: the procedure answers
 * WH_FAILED naming the statement, and nothing of it is written. */
START_TEST(injected_failures)
{
	wh_webhook w = webhook(A, "https://x.test/i", 1);
	static const char *const create_steps[] = {"BEGIN_WRITE", "WEBHOOK_INSERT", "SECRET_INSERT",
	                                           "COMMIT"};
	for (size_t i = 0; i < 4; i++) {
		setenv("WEBHOOKD_TEST_FAIL", create_steps[i], 1);
		lexc_error_clear(&err);
		ck_assert_int_eq(create(&w, 50), WH_FAILED);
		ck_assert_msg(strstr(err.message, create_steps[i]) != NULL, "%s", err.message);
		unsetenv("WEBHOOKD_TEST_FAIL");
		wh_webhook got;
		ck_assert_int_eq(s->ops->webhook_get(s, A, w.id, &a, &got, &err), WH_NOT_FOUND);
	}
	ck_assert_int_eq(create(&w, 50), WH_OK);
	ck_assert_uint_eq(secrets_of(A, w.id, 2), 1);

	static const char *const rotate_steps[] = {"SECRET_PURGE", "SECRET_RETIRE", "SECRET_INSERT",
	                                           "COMMIT"};
	for (size_t i = 0; i < 4; i++) {
		setenv("WEBHOOKD_TEST_FAIL", rotate_steps[i], 1);
		wh_new_secret sec = new_secret(10);
		lexc_str rid;
		int64_t until;
		ck_assert_int_eq(
		        s->ops->webhook_rotate(s, A, w.id, &sec, 100, &a, &rid, &until, &err),
		        WH_FAILED);
		unsetenv("WEBHOOKD_TEST_FAIL");
		ck_assert_uint_eq(secrets_of(A, w.id, 10), 1);
	}

	wh_new_secret ns = new_secret(20);
	setenv("WEBHOOKD_TEST_FAIL", "SECRET_INSERT", 1);
	ck_assert_int_eq(s->ops->secret_create(s, A, LEXC_STR("n"), &ns, &err), WH_FAILED);
	unsetenv("WEBHOOKD_TEST_FAIL");
	wh_named_secret *list;
	size_t n;
	ck_assert_int_eq(s->ops->secret_list(s, A, &a, &list, &n, &err), WH_OK);
	ck_assert_uint_eq(n, 0);

	setenv("WEBHOOKD_TEST_FAIL", "WEBHOOK_DELETE", 1);
	ck_assert_int_eq(s->ops->webhook_delete(s, A, w.id, &err), WH_FAILED);
	unsetenv("WEBHOOKD_TEST_FAIL");
	ck_assert_uint_eq(secrets_of(A, w.id, 30), 1); /* its secrets were not deleted either */
}
END_TEST

/* The outbox: fan-out to active webhooks of the type, the idempotency
 * window, claims that recover after a crash, outcomes and their effect on
 * the webhook (errorCount, lastTriggered, the disable window), and a
 * failed publish that writes nothing. */
static wh_event_in event(lexc_str did, const char *id, uint32_t type)
{
	return (wh_event_in){
	        .did = did, .id = lexc_str_copy(&a, id), .type = type, .body = LEXC_STR("{}")};
}

START_TEST(outbox)
{
	wh_webhook w1 = webhook(A, "https://x.test/1", 1), w2 = webhook(A, "https://x.test/2", 1),
	           w3 = webhook(A, "https://x.test/3", 1), wb = webhook(B, "https://x.test/b", 1);
	w1.status = w2.status = wb.status = WH_STATUS_ACTIVE;
	w2.events = WH_EVENT_LIVESTREAM; /* not chat */
	w3.status = WH_STATUS_SUSPENDED; /* not active */
	ck_assert_int_eq(create(&w1, 50), WH_OK);
	ck_assert_int_eq(create(&w2, 50), WH_OK);
	ck_assert_int_eq(create(&w3, 50), WH_OK);
	ck_assert_int_eq(create(&wb, 50), WH_OK);
	const int64_t day = 86400000;

	wh_event_in ev[2] = {event(A, "e1", WH_EVENT_CHAT), event(A, "e2", WH_EVENT_LIVESTREAM)};
	wh_publish_out out[2];
	ck_assert_int_eq(s->ops->events_publish(s, ev, 2, 1000, day, &a, out, &err), WH_OK);
	ck_assert_int_eq(out[0].webhooks, 1); /* w1 only: w2 wants livestream, w3 is suspended */
	ck_assert_int_eq(out[1].webhooks, 1);
	ck_assert(!out[0].duplicate);
	/* The same id within the window: a duplicate, nothing stored. */
	ck_assert_int_eq(s->ops->events_publish(s, ev, 1, 2000, day, &a, out, &err), WH_OK);
	ck_assert(out[0].duplicate);
	ck_assert_int_eq(out[0].webhooks, 1);
	int64_t depth;
	ck_assert_int_eq(s->ops->outbox_depth(s, &depth, &err), WH_OK);
	ck_assert_int_eq(depth, 2);

	/* A failed publish of two writes neither. */
	setenv("WEBHOOKD_TEST_FAIL", "DELIVERY_FANOUT", 1);
	wh_event_in two[2] = {event(A, "f1", WH_EVENT_CHAT), event(A, "f2", WH_EVENT_CHAT)};
	ck_assert_int_eq(s->ops->events_publish(s, two, 2, 3000, day, &a, out, &err), WH_FAILED);
	unsetenv("WEBHOOKD_TEST_FAIL");
	ck_assert_int_eq(s->ops->outbox_depth(s, &depth, &err), WH_OK);
	ck_assert_int_eq(depth, 2);

	/* Claimed deliveries are this process's. On SQLite a restart makes
	 * them due; on PostgreSQL (shared) a claim is leased, and only a
	 * lapsed lease returns it to the queue. */
	wh_job *jobs;
	size_t n;
	ck_assert_int_eq(s->ops->outbox_claim(s, 5000, 10, 10, NULL, 0, &a, &jobs, &n, &err),
	                 WH_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(s->ops->outbox_claim(s, 5000, 10, 10, NULL, 0, &a, &jobs, &n, &err),
	                 WH_OK);
	ck_assert_uint_eq(n, 0);
	int64_t recovered, leased;
	if (pg_url == NULL) {
		ck_assert_int_eq(s->ops->outbox_recover(s, 6000, &recovered, &leased, &err), WH_OK);
		ck_assert_int_eq(recovered, 2);
		ck_assert_int_eq(leased, 0);
	} else {
		ck_assert_int_eq(s->ops->outbox_recover(s, 5000 + PG_LEASE_MS - 1, &recovered,
		                                        &leased, &err),
		                 WH_OK);
		ck_assert_int_eq(recovered, 0);
		ck_assert_int_eq(leased, 2);
		/* Still leased: nobody may claim them. */
		ck_assert_int_eq(s->ops->outbox_claim(s, 5000 + PG_LEASE_MS - 1, 10, 10, NULL, 0,
		                                      &a, &jobs, &n, &err),
		                 WH_OK);
		ck_assert_uint_eq(n, 0);
		/* A renewal keeps them; after it lapses they are anyone's. */
		int64_t next;
		ck_assert_int_eq(s->ops->outbox_renew(s, 5500, &next, &err), WH_OK);
		ck_assert_int_eq(s->ops->outbox_claim(s, 5000 + PG_LEASE_MS + 1, 10, 10, NULL, 0,
		                                      &a, &jobs, &n, &err),
		                 WH_OK);
		ck_assert_uint_eq(n, 0);
	}
	ck_assert_int_eq(
	        s->ops->outbox_claim(s, 6000 + PG_LEASE_MS, 10, 10, NULL, 0, &a, &jobs, &n, &err),
	        WH_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert(jobs[0].did.ptr != NULL && lexc_str_eq(jobs[0].did, A));

	/* The claim's order is the store's: name the two webhooks by job. */
	lexc_str h0 = jobs[0].webhook_id, h1 = jobs[1].webhook_id;
	ck_assert(!lexc_str_eq(h0, h1));
	/* A retry comes back when due; a success resets errorCount. */
	wh_attempt at = {.delivery = jobs[0].delivery,
	                 .webhook_id = jobs[0].webhook_id,
	                 .started_at = 6000,
	                 .status = 500,
	                 .error_class = LEXC_STR("http"),
	                 .outcome = WH_OUTCOME_RETRY,
	                 .next_at = 9000};
	ck_assert_int_eq(s->ops->outbox_complete(s, &at, 1, 6000, 5 * day, &err), WH_OK);
	wh_webhook got;
	ck_assert_int_eq(s->ops->webhook_get(s, A, h0, &a, &got, &err), WH_OK);
	ck_assert_int_eq(got.error_count, 1);
	int64_t due;
	ck_assert_int_eq(s->ops->outbox_next_due(s, &due, &err), WH_OK);
	ck_assert_int_eq(due, 9000);
	wh_job *again;
	if (s->ops->outbox_renew != NULL) { /* jobs[1] stays ours */
		int64_t next;
		ck_assert_int_eq(s->ops->outbox_renew(s, 8500, &next, &err), WH_OK);
		ck_assert_int_eq(next, 8500 + PG_LEASE_MS / 3);
	}
	ck_assert_int_eq(s->ops->outbox_claim(s, 8999, 10, 10, NULL, 0, &a, &again, &n, &err),
	                 WH_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(s->ops->outbox_claim(s, 9000, 10, 10, NULL, 0, &a, &again, &n, &err),
	                 WH_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(again[0].tries, 1);
	at = (wh_attempt){.delivery = again[0].delivery,
	                  .webhook_id = again[0].webhook_id,
	                  .started_at = 9000,
	                  .status = 200,
	                  .outcome = WH_OUTCOME_SUCCESS};
	ck_assert_int_eq(s->ops->outbox_complete(s, &at, 1, 9001, 5 * day, &err), WH_OK);
	ck_assert_int_eq(s->ops->webhook_get(s, A, h0, &a, &got, &err), WH_OK);
	ck_assert_int_eq(got.error_count, 0);
	ck_assert_int_eq(got.last_triggered, 9001);

	/* The log, newest first, by webhook; not another DID's. */
	wh_attempt_row *rows;
	bool more;
	ck_assert_int_eq(s->ops->attempt_list(s, A, h0, lexc_str_borrow(NULL), 0, 10, &a, &rows, &n,
	                                      &more, &err),
	                 WH_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(rows[0].outcome, WH_OUTCOME_SUCCESS);
	ck_assert_int_eq(rows[0].number, 2);
	ck_assert_int_eq(rows[1].status, 500);
	ck_assert_int_eq(s->ops->attempt_list(s, B, h0, lexc_str_borrow(NULL), 0, 10, &a, &rows, &n,
	                                      &more, &err),
	                 WH_OK);
	ck_assert_uint_eq(n, 0);

	/* Only failures for the window: the next failure disables it. */
	uint64_t gen = s->ops->generation(s);
	at = (wh_attempt){.delivery = jobs[1].delivery,
	                  .webhook_id = jobs[1].webhook_id,
	                  .started_at = 10000,
	                  .status = 503,
	                  .outcome = WH_OUTCOME_RETRY,
	                  .next_at = 20000};
	ck_assert_int_eq(s->ops->outbox_complete(s, &at, 1, 10000, 5 * day, &err), WH_OK);
	ck_assert_int_eq(at.outcome, WH_OUTCOME_RETRY);
	ck_assert_int_eq(s->ops->outbox_claim(s, 20000, 10, 10, NULL, 0, &a, &jobs, &n, &err),
	                 WH_OK);
	ck_assert_uint_eq(n, 1);
	at = (wh_attempt){.delivery = jobs[0].delivery,
	                  .webhook_id = jobs[0].webhook_id,
	                  .started_at = 10000 + 5 * day,
	                  .status = 503,
	                  .outcome = WH_OUTCOME_RETRY,
	                  .next_at = 20000 + 5 * day};
	ck_assert_int_eq(s->ops->outbox_complete(s, &at, 1, 10000 + 5 * day, 5 * day, &err), WH_OK);
	ck_assert_int_eq(at.outcome, WH_OUTCOME_DISABLED);
	ck_assert_int_eq(s->ops->webhook_get(s, A, h1, &a, &got, &err), WH_OK);
	ck_assert_int_eq(got.status, WH_STATUS_SUSPENDED);
	ck_assert_int_eq(got.error_count, 2);
	ck_assert_uint_ne(s->ops->generation(s), gen); /* delivery must refetch */

	/* After the window the id is free again. */
	ev[0] = event(A, "e1", WH_EVENT_CHAT);
	ck_assert_int_eq(s->ops->events_publish(s, ev, 1, 1000 + day, day, &a, out, &err), WH_OK);
	ck_assert(!out[0].duplicate);

	/* Deleting a webhook deletes its pending deliveries. */
	ck_assert_int_eq(s->ops->outbox_depth(s, &depth, &err), WH_OK);
	ck_assert_int_eq(s->ops->webhook_delete(s, A, w1.id, &err), WH_OK);
	int64_t after;
	ck_assert_int_eq(s->ops->outbox_depth(s, &after, &err), WH_OK);
	ck_assert_int_lt(after, depth);
}
END_TEST

/* PostgreSQL: reopening applies nothing twice; a newer schema is refused. */
static void reopen_pg(const wh_webhook *w)
{
	s->ops->close(s);
	s = pg_open();
	ck_assert_msg(s != NULL, "%s", err.message);
	wh_webhook got;
	ck_assert_int_eq(s->ops->webhook_get(s, A, w->id, &a, &got, &err), WH_OK);
	PGconn *db = PQconnectdb(pg_url);
	PGresult *res = PQexec(db, "SELECT count(*), max(version) FROM schema_migrations");
	ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
	ck_assert_str_eq(PQgetvalue(res, 0, 0), "3");
	ck_assert_str_eq(PQgetvalue(res, 0, 1), "3");
	PQclear(res);
	PQfinish(db);
	s->ops->close(s);
	s = NULL;
	pg_sql("INSERT INTO schema_migrations VALUES (99, 'future', 0)");
	ck_assert_ptr_null(pg_open());
	ck_assert_msg(strstr(err.message, "schema version 99") != NULL, "%s", err.message);
}

/* Claims and fairness: a busy webhook (A's, 100 due) and a quiet one (B's,
 * one due later). The skip list passes a webhook over on both stores; on
 * PostgreSQL the claim goes round the webhooks, so the quiet one is in the
 * first claim, while SQLite takes the earliest due. */
START_TEST(claim_fairness)
{
	wh_webhook busy = webhook(A, "https://x.test/busy", 1),
	           quiet = webhook(B, "https://x.test/quiet", 1);
	busy.status = quiet.status = WH_STATUS_ACTIVE;
	ck_assert_int_eq(create(&busy, 50), WH_OK);
	ck_assert_int_eq(create(&quiet, 50), WH_OK);
	const int64_t day = 86400000;
	wh_publish_out out[100];
	wh_event_in ev[100];
	for (int i = 0; i < 100; i++) {
		char id[16];
		snprintf(id, sizeof id, "busy-%d", i);
		ev[i] = event(A, id, WH_EVENT_CHAT);
	}
	ck_assert_int_eq(s->ops->events_publish(s, ev, 100, 1000, day, &a, out, &err), WH_OK);
	ev[0] = event(B, "quiet", WH_EVENT_CHAT);
	ck_assert_int_eq(s->ops->events_publish(s, ev, 1, 1001, day, &a, out, &err), WH_OK);

	wh_job *jobs;
	size_t n;
	ck_assert_int_eq(s->ops->outbox_claim(s, 2000, 10, 4, &busy.id, 1, &a, &jobs, &n, &err),
	                 WH_OK);
	ck_assert_uint_eq(n, 1); /* the busy one passed over */
	ck_assert(lexc_str_eq(jobs[0].webhook_id, quiet.id));
	ev[0] = event(B, "quiet2", WH_EVENT_CHAT);
	ck_assert_int_eq(s->ops->events_publish(s, ev, 1, 1001, day, &a, out, &err), WH_OK);
	ck_assert_int_eq(s->ops->outbox_claim(s, 2000, 10, 4, NULL, 0, &a, &jobs, &n, &err), WH_OK);
	size_t of_quiet = 0;
	for (size_t i = 0; i < n; i++)
		of_quiet += lexc_str_eq(jobs[i].webhook_id, quiet.id);
	if (pg_url != NULL) {
		/* Round the webhooks, at most 4 of each. */
		ck_assert_uint_eq(n, 5);
		ck_assert_uint_eq(of_quiet, 1);
	} else {
		/* Earliest due first. */
		ck_assert_uint_eq(n, 10);
		ck_assert_uint_eq(of_quiet, 0);
	}
}
END_TEST

START_TEST(reopen_and_migrations)
{
	wh_webhook w = webhook(A, "https://x.test/p", 1);
	ck_assert_int_eq(create(&w, 50), WH_OK);
	if (pg_url != NULL) {
		reopen_pg(&w);
		return;
	}
	s->ops->close(s);
	s = NULL;
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);

	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *q;
	ck_assert_int_eq(sqlite3_prepare_v2(db,
	                                    "SELECT count(*), max(version) FROM schema_migrations",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(q, 0), 3);
	ck_assert_int_eq(sqlite3_column_int(q, 1), 3);
	sqlite3_finalize(q);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	sqlite3_close(db);

	/* Reopening applies nothing twice and finds the data. */
	s = wh_store_sqlite_open(path, WH_SYNC_FULL, &err);
	ck_assert_msg(s != NULL, "%s", err.message);
	wh_webhook got;
	ck_assert_int_eq(s->ops->webhook_get(s, A, w.id, &a, &got, &err), WH_OK);
	s->ops->close(s);
	s = NULL;

	/* A database of a newer webhookd is refused, not downgraded. */
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (99, 'future', 0)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	lexc_error_clear(&err);
	ck_assert_ptr_null(wh_store_sqlite_open(path, WH_SYNC_NORMAL, &err));
	ck_assert_msg(strstr(err.message, "schema version 99") != NULL, "%s", err.message);
}
END_TEST

static Suite *store_suite(void)
{
	Suite *su = suite_create("webhookd_store");
	TCase *t = tcase_create(pg_url != NULL ? "postgres" : "sqlite");
	tcase_add_checked_fixture(t, pg_url != NULL ? setup_pg : setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, api_keys);
	tcase_add_test(t, named_secrets);
	tcase_add_test(t, webhooks);
	tcase_add_test(t, rotation);
	tcase_add_test(t, pages);
	tcase_add_test(t, limit_under_threads);
	tcase_add_test(t, injected_failures);
	tcase_add_test(t, outbox);
	tcase_add_test(t, claim_fairness);
	tcase_add_test(t, reopen_and_migrations);
	suite_add_tcase(su, t);
	return su;
}

int main(void)
{
	pg_url = getenv("WEBHOOKD_TEST_PG_URL");
	SRunner *sr = srunner_create(store_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
