/* server_service.c: see server_service.h. Handlers are registered through
 * small dispatchers, as the generated M__register() functions will. */
#include "config.h"

#include "server_service.h"

#include "com/example/golden/unionBody.h"
#include "place/stream/server/createWebhook.h"
#include "place/stream/server/defs.h"
#include "place/stream/server/getWebhook.h"
#include "place/stream/server/listWebhooks.h"

#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- Hand-made descriptors ------------------------------------------------ */

/* Params with every kind a params block may hold, arrays included. */
typedef struct arrays_params {
	bool has_did;
	lexc_str did;
	bool has_flag;
	bool flag;
	bool has_nums;
	size_t n_nums;
	int64_t *nums;
	int64_t small; /* required, 0..9 */
	bool has_tags;
	size_t n_tags;
	lexc_str *tags;
} arrays_params;

#define V LEXC_LAYOUT_VERSION
static const lexc_type t_did = {
        .layout = V, .kind = LEXC_KIND_STRING, .u.string = {.format = LEXC_FORMAT_DID}};
static const lexc_type t_flag = {.layout = V, .kind = LEXC_KIND_BOOLEAN};
static const lexc_type t_num = {.layout = V, .kind = LEXC_KIND_INTEGER};
static const lexc_type t_nums = {.layout = V,
                                 .kind = LEXC_KIND_ARRAY,
                                 .u.array = {.items = &t_num,
                                             .item_size = sizeof(int64_t),
                                             .has_max_length = true,
                                             .max_length = 3}};
static const lexc_type t_small = {
        .layout = V,
        .kind = LEXC_KIND_INTEGER,
        .u.integer = {.has_minimum = true, .has_maximum = true, .minimum = 0, .maximum = 9}};
static const lexc_type t_tag = {.layout = V,
                                .kind = LEXC_KIND_STRING,
                                .u.string = {.has_max_length = true, .max_length = 5}};
static const lexc_type t_tags = {.layout = V,
                                 .kind = LEXC_KIND_ARRAY,
                                 .u.array = {.items = &t_tag, .item_size = sizeof(lexc_str)}};

#define OPT(key, ty, member)                                                                       \
	{                                                                                          \
		.name = LEXC_STR_INIT(key), .type = &(ty),                                         \
		.offset = offsetof(arrays_params, member), .flags = LEXC_FIELD_OPTIONAL,           \
		.has_offset = offsetof(arrays_params, has_##member)                                \
	}
static const lexc_field arrays_fields[] = {
        OPT("did", t_did, did),
        OPT("flag", t_flag, flag),
        {.name = LEXC_STR_INIT("nums"),
         .type = &t_nums,
         .offset = offsetof(arrays_params, nums),
         .flags = LEXC_FIELD_OPTIONAL | LEXC_FIELD_COUNTED,
         .has_offset = offsetof(arrays_params, has_nums),
         .count_offset = offsetof(arrays_params, n_nums)},
        {.name = LEXC_STR_INIT("small"),
         .type = &t_small,
         .offset = offsetof(arrays_params, small)},
        {.name = LEXC_STR_INIT("tags"),
         .type = &t_tags,
         .offset = offsetof(arrays_params, tags),
         .flags = LEXC_FIELD_OPTIONAL | LEXC_FIELD_COUNTED,
         .has_offset = offsetof(arrays_params, has_tags),
         .count_offset = offsetof(arrays_params, n_tags)},
};
static const lexc_type arrays_params_type = {
        .layout = V,
        .kind = LEXC_KIND_OBJECT,
        .name = "com.example.test.arrays#params",
        .u.object = {.fields = arrays_fields,
                     .n_fields = sizeof arrays_fields / sizeof arrays_fields[0],
                     .size = sizeof(arrays_params),
                     .align = _Alignof(arrays_params)}};

/* ---- Methods --------------------------------------------------------------- */

static const char *const create_errors[] = {"InvalidUrl", "DuplicateWebhook", "TooManyWebhooks"};
static const char *const get_errors[] = {"WebhookNotFound", "Unauthorized"};
static const char *const list_errors[] = {"InvalidCursor"};

/* Unions at the root of input and output (a golden fixture). */
static const lexc_method m_union = {.layout = V,
                                    .nsid = "com.example.golden.unionBody",
                                    .kind = LEXC_METHOD_PROCEDURE,
                                    .input_encoding = "application/json",
                                    .input = &com_example_golden_unionBody__input__type,
                                    .output_encoding = "application/json",
                                    .output = &com_example_golden_unionBody__output__type};
static const lexc_method m_any = {.layout = V,
                                  .nsid = "com.example.test.any",
                                  .kind = LEXC_METHOD_PROCEDURE,
                                  .input_encoding = "*/*",
                                  .output_encoding = "*/*"};
/* A glob encoding with a JSON schema: the handler gets the typed input. */
static const lexc_method m_anyjson = {.layout = V,
                                      .nsid = "com.example.test.anyJson",
                                      .kind = LEXC_METHOD_PROCEDURE,
                                      .input_encoding = "*/*",
                                      .input = &place_stream_server_createWebhook__input__type};
static const lexc_method m_arrays = {.layout = V,
                                     .nsid = "com.example.test.arrays",
                                     .kind = LEXC_METHOD_QUERY,
                                     .params = &arrays_params_type};
static const lexc_method m_auth = {
        .layout = V, .nsid = "com.example.test.auth", .kind = LEXC_METHOD_QUERY};
static const lexc_method m_block = {
        .layout = V, .nsid = "com.example.test.block", .kind = LEXC_METHOD_QUERY};
/* Answers text/plain later (X-Mode: later, early, checks; see
 * defer_handler). */
static const lexc_method m_defer = {.layout = V,
                                    .nsid = "com.example.test.defer",
                                    .kind = LEXC_METHOD_QUERY,
                                    .output_encoding = "text/plain"};
static const lexc_method m_noinput = {
        .layout = V, .nsid = "com.example.test.noinput", .kind = LEXC_METHOD_PROCEDURE};
static const lexc_method m_unregistered = {
        .layout = V, .nsid = "com.example.test.unregistered", .kind = LEXC_METHOD_QUERY};
static const lexc_method m_upload = {.layout = V,
                                     .nsid = "com.example.test.upload",
                                     .kind = LEXC_METHOD_PROCEDURE,
                                     .input_encoding = "image/*",
                                     .output_encoding = "application/octet-stream"};
static const lexc_method m_create = {.layout = V,
                                     .nsid = "place.stream.server.createWebhook",
                                     .kind = LEXC_METHOD_PROCEDURE,
                                     .input_encoding = "application/json",
                                     .input = &place_stream_server_createWebhook__input__type,
                                     .output_encoding = "application/json",
                                     .output = &place_stream_server_createWebhook__output__type,
                                     .errors = create_errors,
                                     .n_errors = 3};
static const lexc_method m_get = {.layout = V,
                                  .nsid = "place.stream.server.getWebhook",
                                  .kind = LEXC_METHOD_QUERY,
                                  .params = &place_stream_server_getWebhook__params__type,
                                  .output_encoding = "application/json",
                                  .output = &place_stream_server_getWebhook__output__type,
                                  .errors = get_errors,
                                  .n_errors = 2};
static const lexc_method m_list = {.layout = V,
                                   .nsid = "place.stream.server.listWebhooks",
                                   .kind = LEXC_METHOD_QUERY,
                                   .params = &place_stream_server_listWebhooks__params__type,
                                   .output_encoding = "application/json",
                                   .output = &place_stream_server_listWebhooks__output__type,
                                   .errors = list_errors,
                                   .n_errors = 1};

/* Sorted by NSID, bytewise, as lexc gen writes the table. */
static const lexc_method *const table[] = {
        &m_union,   &m_any,          &m_anyjson, &m_arrays, &m_auth, &m_block, &m_defer,
        &m_noinput, &m_unregistered, &m_upload,  &m_create, &m_get,  &m_list};

/* ---- Handlers -------------------------------------------------------------- */

typedef lexc_status (*create_fn)(lexc_call *, const place_stream_server_createWebhook__input *,
                                 place_stream_server_createWebhook__output *);

static lexc_status create_dispatch(lexc_call *call, const void *params, const void *input,
                                   void *output)
{
	(void)params;
	create_fn fn = (create_fn)lexc_call_handler_(call);
	return fn(call, input, output);
}

static lexc_status create_handler(lexc_call *call,
                                  const place_stream_server_createWebhook__input *in,
                                  place_stream_server_createWebhook__output *out)
{
	lexc_str name = in->has_name ? in->name : LEXC_STR("");
	if (strstr(in->url.ptr, "invalid") != NULL)
		return lexc_call_error(call, "InvalidUrl", "cannot reach %s", in->url.ptr);
	if (lexc_str_eq_cstr(name, "undeclared"))
		return lexc_call_error(call, "NotInTheLexicon", "oops");
	if (lexc_str_eq_cstr(name, "forbidden"))
		return lexc_call_fail(call, LEXC_FORBIDDEN, "not yours");
	if (lexc_str_eq_cstr(name, "ratelimit")) {
		lexc_call_add_header(call, "Retry-After", "7");
		return lexc_call_fail(call, LEXC_RATE_LIMIT_EXCEEDED, "slow down");
	}
	if (lexc_str_eq_cstr(name, "crash"))
		return lexc_call_fail(call, LEXC_INTERNAL_SERVER_ERROR, "secret database detail");
	if (lexc_str_eq_cstr(name, "upstream"))
		return lexc_call_fail(call, LEXC_UPSTREAM_FAILURE, "db at 10.0.0.7 is down");
	if (lexc_str_eq_cstr(name, "bare"))
		return LEXC_FORBIDDEN;         /* no message: the server makes one */
	if (lexc_str_eq_cstr(name, "badutf8")) /* a message that is not UTF-8 is kept, mended */
		return lexc_call_fail(call, LEXC_FORBIDDEN, "bad \xFF byte \xE2\x82");
	if (lexc_str_eq_cstr(name, "badheader")) {
		if (lexc_call_add_header(call, "X Bad", "1") == LEXC_OK ||
		    lexc_call_add_header(call, "X-Bad", "a\x01b") == LEXC_OK)
			return LEXC_OK; /* accepted: the test sees a 500 (no webhook) */
		return lexc_call_fail(call, LEXC_FORBIDDEN, "header refused");
	}
	if (lexc_str_eq_cstr(name, "badoutput")) {
		out->webhook = NULL; /* the required "webhook" the server allocated, dropped */
		return LEXC_OK;
	}
	if (lexc_str_eq_cstr(name, "prealloc")) { /* fills the output the server made */
		place_stream_server_defs__webhook *w = out->webhook;
		w->id = LEXC_STR("wh2");
		w->url = in->url;
		w->createdAt = LEXC_STR("2024-01-01T00:00:00.000Z");
		place_stream_server_defs__webhook__set_prefix(w, lexc_str_borrow(NULL));
		place_stream_server_defs__webhook__set_suffix(w, lexc_str_borrow("!"));
		return LEXC_OK;
	}
	lexc_arena *a = lexc_call_arena(call);
	place_stream_server_defs__webhook *w = lexc_arena_calloc(a, 1, sizeof *w);
	if (w == NULL)
		return lexc_call_fail(call, LEXC_NO_MEMORY, "arena");
	w->id = LEXC_STR("wh1");
	w->url = in->url;
	w->n_events = in->n_events;
	w->events = in->events;
	w->active = in->active;
	w->createdAt = LEXC_STR("2024-01-01T00:00:00.000Z");
	const char *did = lexc_call_caller_did(call);
	if (did != NULL) {
		w->has_name = true;
		w->name = lexc_str_borrow(did);
	} else if (in->has_name) {
		w->has_name = true;
		w->name = in->name;
	}
	if (lexc_str_eq_cstr(name, "badnested"))
		w->createdAt = LEXC_STR("yesterday");
	if (lexc_str_eq_cstr(name, "arenafail")) /* a copy that failed, unchecked */
		w->name = lexc_str_copy_n(a, NULL, 1);
	if (lexc_str_eq_cstr(name, "badraw")) { /* raw JSON the data model refuses */
		static lexc_extra_field bad = {LEXC_STR_INIT("x"), LEXC_STR_INIT("{\"a\":1.5}")};
		w->_extra = (lexc_extra){1, &bad};
	}
	out->webhook = w;
	return LEXC_OK;
}

typedef lexc_status (*list_fn)(lexc_call *, const place_stream_server_listWebhooks__params *,
                               place_stream_server_listWebhooks__output *);

static lexc_status list_dispatch(lexc_call *call, const void *params, const void *input,
                                 void *output)
{
	(void)input;
	list_fn fn = (list_fn)lexc_call_handler_(call);
	return fn(call, params, output);
}

/* Echoes the parameters it got in `cursor`, so tests see defaults. */
static lexc_status list_handler(lexc_call *call, const place_stream_server_listWebhooks__params *p,
                                place_stream_server_listWebhooks__output *out)
{
	if (p->has_cursor && lexc_str_eq_cstr(p->cursor, "expired"))
		return lexc_call_error(call, "InvalidCursor", "cursor expired");
	out->cursor = lexc_str_printf(
	        lexc_call_arena(call), "limit=%" PRId64 " active=%s event=%.*s cursor=%.*s",
	        p->limit, p->has_active ? (p->active ? "true" : "false") : "-",
	        p->has_event ? (int)p->event.len : 1, p->has_event ? p->event.ptr : "-",
	        p->has_cursor ? (int)p->cursor.len : 1, p->has_cursor ? p->cursor.ptr : "-");
	out->n_webhooks = 0;
	out->webhooks = NULL;
	out->has_cursor = true; /* a failed printf: the server answers 500 */
	return LEXC_OK;
}

typedef lexc_status (*get_fn)(lexc_call *, const place_stream_server_getWebhook__params *,
                              place_stream_server_getWebhook__output *);

static lexc_status get_dispatch(lexc_call *call, const void *params, const void *input,
                                void *output)
{
	(void)input;
	get_fn fn = (get_fn)lexc_call_handler_(call);
	return fn(call, params, output);
}

static lexc_status get_handler(lexc_call *call, const place_stream_server_getWebhook__params *p,
                               place_stream_server_getWebhook__output *out)
{
	(void)out;
	return lexc_call_error(call, "WebhookNotFound", "no webhook %.*s", (int)p->id.len,
	                       p->id.ptr);
}

/* The generic shape, for the hand-made methods. */
typedef lexc_status (*raw_fn)(lexc_call *, const void *, const void *, void *);

static lexc_status raw_dispatch(lexc_call *call, const void *params, const void *input,
                                void *output)
{
	raw_fn fn = (raw_fn)lexc_call_handler_(call);
	return fn(call, params, input, output);
}

/* ping{n} answers pong{n+1}; pong{n} answers: 0 no variant (invalid for
 * the closed output union), 1 a variant out of range, else pong{n}. */
static lexc_status union_handler(lexc_call *call, const void *params, const void *input,
                                 void *output)
{
	(void)params;
	const lexc_union *in = input;
	lexc_union *out = output;
	com_example_golden_unionBody__pong *pong =
	        lexc_arena_calloc(lexc_call_arena(call), 1, sizeof *pong);
	ck_assert_ptr_nonnull(pong);
	const com_example_golden_unionBody__ping *ping =
	        com_example_golden_unionBody__input__as_ping(in);
	const com_example_golden_unionBody__pong *p2 =
	        com_example_golden_unionBody__input__as_pong(in);
	if (ping != NULL) {
		pong->n = ping->has_n ? ping->n + 1 : -1;
	} else {
		ck_assert_ptr_nonnull(p2);
		if (p2->n == 0)
			return LEXC_OK;
		if (p2->n == 1) {
			out->kind = 7;
			out->value = pong;
			return LEXC_OK;
		}
		pong->n = p2->n;
	}
	out->kind = com_example_golden_unionBody__output__kind_pong;
	out->value = pong;
	return LEXC_OK;
}

/* Echoes the parsed params in an X-Echo header (the method has no output). */
static lexc_status arrays_handler(lexc_call *call, const void *params, const void *input,
                                  void *output)
{
	(void)input;
	ck_assert_ptr_null(output);
	const arrays_params *p = params;
	char text[1024];
	int o = snprintf(text, sizeof text, "small=%" PRId64 " flag=%s did=%.*s nums=", p->small,
	                 p->has_flag ? (p->flag ? "true" : "false") : "-",
	                 p->has_did ? (int)p->did.len : 1, p->has_did ? p->did.ptr : "-");
	for (size_t i = 0; i < p->n_nums; i++)
		o += snprintf(text + o, sizeof text - (size_t)o, "%s%" PRId64, i > 0 ? "," : "",
		              p->nums[i]);
	o += snprintf(text + o, sizeof text - (size_t)o, " tags=");
	for (size_t i = 0; i < p->n_tags; i++)
		o += snprintf(text + o, sizeof text - (size_t)o, "%s[%.*s]", i > 0 ? "," : "",
		              (int)p->tags[i].len, p->tags[i].ptr);
	return lexc_call_add_header(call, "X-Echo", text);
}

static lexc_status upload_handler(lexc_call *call, const void *params, const void *input,
                                  void *output)
{
	(void)params;
	const lexc_body *in = input;
	lexc_body *out = output;
	/* Headers the server owns are refused. */
	ck_assert_int_eq(lexc_call_add_header(call, "content-type", "text/html"),
	                 LEXC_INVALID_REQUEST);
	ck_assert_int_eq(lexc_call_add_header(call, "X-Bad", "a\r\nSet-Cookie: x"),
	                 LEXC_INVALID_REQUEST);
	lexc_call_add_header(call, "X-Input-Type", in->content_type);
	out->data = in->data;
	out->len = in->len;
	return LEXC_OK;
}

static lexc_status any_handler(lexc_call *call, const void *params, const void *input, void *output)
{
	(void)call;
	(void)params;
	const lexc_body *in = input;
	lexc_body *out = output;
	out->data = in->data;
	out->len = in->len;
	if (!(in->len == 6 && memcmp(in->data, "notype", 6) == 0))
		out->content_type = in->content_type;
	return LEXC_OK;
}

/* Reads the typed input: a lexc_body passed in its place would be read
 * past its end. */
static lexc_status anyjson_handler(lexc_call *call, const void *params, const void *input,
                                   void *output)
{
	(void)params;
	(void)output;
	const place_stream_server_createWebhook__input *in = input;
	ck_assert_ptr_nonnull(in);
	return lexc_call_add_header(call, "X-Active", in->has_active && in->active ? "yes" : "no");
}

static lexc_status noinput_handler(lexc_call *call, const void *params, const void *input,
                                   void *output)
{
	(void)call;
	ck_assert_ptr_null(params);
	ck_assert_ptr_null(input);
	ck_assert_ptr_null(output);
	return LEXC_OK;
}

static lexc_status auth_handler(lexc_call *call, const void *params, const void *input,
                                void *output)
{
	(void)params;
	(void)input;
	(void)output;
	const char *did = lexc_call_caller_did(call);
	ck_assert_ptr_nonnull(did);
	ck_assert_ptr_eq(lexc_call_caller_data(call), (void *)&t_did);
	ck_assert_str_eq(lexc_call_nsid(call), "com.example.test.auth");
	return lexc_call_add_header(call, "X-Caller", did);
}

static lexc_status block_handler(lexc_call *call, const void *params, const void *input,
                                 void *output)
{
	(void)params;
	(void)input;
	(void)output;
	block_gate *g = lexc_call_user(call);
	pthread_mutex_lock(&g->mutex);
	g->entered++;
	pthread_cond_broadcast(&g->cond);
	while (!g->released)
		pthread_cond_wait(&g->cond, &g->mutex);
	pthread_mutex_unlock(&g->mutex);
	return LEXC_OK;
}

bool defer_box_wait(defer_box *b, int n)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60;
	pthread_mutex_lock(&b->mutex);
	int rc = 0;
	while (b->n <= n && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&b->cond, &b->mutex, &until);
	bool ok = b->n > n;
	pthread_mutex_unlock(&b->mutex);
	return ok;
}

typedef struct early_finish {
	lexc_call *call;
	lexc_body *out;
	lexc_status st;
} early_finish;

static void *finish_early(void *arg)
{
	early_finish *f = arg;
	f->out->data = (const uint8_t *)"early";
	f->out->len = 5;
	f->st = lexc_call_finish(f->call, LEXC_OK);
	return NULL;
}

/* X-Mode: later: defers and hands the call to the test's box.
 * early: defers, and another thread finishes the call before the handler
 * returns (with a status that must be ignored). checks: the API's
 * refusals, then finishes from the handler itself; answers what they
 * returned. */
static lexc_status defer_handler(lexc_call *call, const void *params, const void *input,
                                 void *output)
{
	(void)params;
	(void)input;
	defer_box *b = lexc_call_user(call);
	lexc_body *out = output;
	const char *mode = lexc_call_header(call, "X-Mode");
	if (mode == NULL)
		return lexc_call_fail(call, LEXC_INVALID_REQUEST, "X-Mode missing");
	if (strcmp(mode, "early") == 0) {
		ck_assert_int_eq(lexc_call_defer(call), LEXC_OK);
		early_finish f = {call, out, LEXC_INTERNAL_SERVER_ERROR};
		pthread_t th;
		ck_assert_int_eq(pthread_create(&th, NULL, finish_early, &f), 0);
		pthread_join(th, NULL);
		ck_assert_int_eq(f.st, LEXC_OK);
		return LEXC_FORBIDDEN; /* ignored: the call is deferred */
	}
	if (strcmp(mode, "checks") == 0) {
		lexc_status before = lexc_call_finish(call, LEXC_OK); /* not deferred */
		lexc_status first = lexc_call_defer(call);
		lexc_status second = lexc_call_defer(call);
		char *text = lexc_arena_alloc(lexc_call_arena(call), 64);
		ck_assert_ptr_nonnull(text);
		int n = snprintf(text, 64, "%s %s %s", lexc_status_id(before),
		                 lexc_status_id(first), lexc_status_id(second));
		out->data = (const uint8_t *)text;
		out->len = (size_t)n;
		ck_assert_int_eq(lexc_call_finish(call, LEXC_OK), LEXC_OK);
		ck_assert_int_eq(lexc_call_finish(call, LEXC_OK), LEXC_INVALID_REQUEST);
		return LEXC_OK;
	}
	ck_assert_str_eq(mode, "later");
	ck_assert_int_eq(lexc_call_defer(call), LEXC_OK);
	pthread_mutex_lock(&b->mutex);
	ck_assert_int_lt(b->n, DEFER_BOX_MAX);
	b->calls[b->n] = call;
	b->outputs[b->n] = out;
	b->n++;
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->mutex);
	return LEXC_OK;
}

static pthread_mutex_t workers_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_t workers[64];
static unsigned n_workers;

void test_workers_reset(void)
{
	pthread_mutex_lock(&workers_mutex);
	n_workers = 0;
	pthread_mutex_unlock(&workers_mutex);
}

unsigned test_workers_seen(void)
{
	pthread_mutex_lock(&workers_mutex);
	unsigned n = n_workers;
	pthread_mutex_unlock(&workers_mutex);
	return n;
}

/* The worker's number, in the order they were first seen. */
static unsigned note_worker(void)
{
	pthread_t self = pthread_self();
	pthread_mutex_lock(&workers_mutex);
	unsigned i = 0;
	while (i < n_workers && !pthread_equal(workers[i], self))
		i++;
	if (i == n_workers && n_workers < sizeof workers / sizeof workers[0])
		workers[n_workers++] = self;
	pthread_mutex_unlock(&workers_mutex);
	return i;
}

/* Bearer tokens: good (did:plc:alice), bad (401), banned (403), slow
 * (429), none (anonymous). */
static lexc_status auth_hook(lexc_call *call, void *user)
{
	ck_assert_ptr_eq(user, (void *)table);
	unsigned worker = note_worker();
	if (lexc_call_header(call, "X-Which-Worker") != NULL) {
		char n[16];
		snprintf(n, sizeof n, "%u", worker);
		ck_assert_int_eq(lexc_call_add_header(call, "X-Worker", n), LEXC_OK);
	}
	/* Deferring is for handlers only. */
	if (lexc_call_header(call, "X-Defer-In-Auth") != NULL)
		ck_assert_int_eq(lexc_call_defer(call), LEXC_INVALID_REQUEST);
	const char *h = lexc_call_header(call, "authorization");
	if (h == NULL)
		return LEXC_OK;
	if (strcmp(h, "Bearer good") == 0)
		return lexc_call_set_caller(call, "did:plc:alice", (void *)&t_did);
	if (strcmp(h, "Bearer banned") == 0)
		return lexc_call_fail(call, LEXC_FORBIDDEN, "banned");
	if (strcmp(h, "Bearer slow") == 0) {
		lexc_call_add_header(call, "Retry-After", "30");
		return lexc_call_fail(call, LEXC_RATE_LIMIT_EXCEEDED, "too many requests");
	}
	return lexc_call_fail(call, LEXC_AUTHENTICATION_REQUIRED, "bad token");
}

/* ---- Life ------------------------------------------------------------------ */

#define REGISTER(m, dispatch, fn, user)                                                            \
	ck_assert_int_eq(lexc_server_register(t->server, &(m), (dispatch), (void (*)(void))(fn),   \
	                                      (user), &err),                                       \
	                 LEXC_OK)

void test_server_start(test_server *t, config_tweak tweak)
{
	memset(t, 0, sizeof *t);
	pthread_mutex_init(&t->gate.mutex, NULL);
	pthread_cond_init(&t->gate.cond, NULL);
	pthread_mutex_init(&t->box.mutex, NULL);
	pthread_cond_init(&t->box.cond, NULL);
	test_workers_reset();
	t->access_log = tmpfile();
	t->error_log = tmpfile();
	ck_assert(t->access_log != NULL && t->error_log != NULL);
	lexc_server_config cfg;
	lexc_server_config_init(&cfg);
	cfg.threads = 2;
	cfg.auth = auth_hook;
	cfg.auth_user = (void *)table;
	cfg.auth_realm = "test";
	cfg.access_log = t->access_log;
	cfg.error_log = t->error_log;
	cfg.version = "test-1.2.3";
	/* tests/test_server_inline.sh: the same suite with handlers inline. */
	cfg.handlers_inline = getenv("LEXC_TEST_HANDLERS_INLINE") != NULL;
	if (tweak != NULL)
		tweak(&cfg);
	lexc_error err;
	t->server = lexc_server_new(&cfg, table, sizeof table / sizeof table[0], &err);
	ck_assert_msg(t->server != NULL, "%s", err.message);
	REGISTER(m_create, create_dispatch, create_handler, NULL);
	REGISTER(m_list, list_dispatch, list_handler, NULL);
	REGISTER(m_get, get_dispatch, get_handler, NULL);
	REGISTER(m_arrays, raw_dispatch, arrays_handler, NULL);
	REGISTER(m_upload, raw_dispatch, upload_handler, NULL);
	REGISTER(m_any, raw_dispatch, any_handler, NULL);
	REGISTER(m_anyjson, raw_dispatch, anyjson_handler, NULL);
	REGISTER(m_union, raw_dispatch, union_handler, NULL);
	REGISTER(m_noinput, raw_dispatch, noinput_handler, NULL);
	REGISTER(m_auth, raw_dispatch, auth_handler, NULL);
	REGISTER(m_block, raw_dispatch, block_handler, &t->gate);
	REGISTER(m_defer, raw_dispatch, defer_handler, &t->box);
	ck_assert_int_eq(
	        lexc_server_set_auth(t->server, "com.example.test.auth", LEXC_AUTH_REQUIRED, &err),
	        LEXC_OK);
	ck_assert_int_eq(lexc_server_start(t->server, &err), LEXC_OK);
	t->port = lexc_server_port(t->server);
	ck_assert_uint_ne(t->port, 0);
}

void test_server_stop(test_server *t, unsigned drain_ms)
{
	lexc_server_stop(t->server, drain_ms);
	lexc_server_free(t->server);
	t->server = NULL;
	fclose(t->access_log);
	fclose(t->error_log);
	pthread_cond_destroy(&t->gate.cond);
	pthread_mutex_destroy(&t->gate.mutex);
	pthread_cond_destroy(&t->box.cond);
	pthread_mutex_destroy(&t->box.mutex);
}
