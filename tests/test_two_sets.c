/* Two generated sets in one program: the project's lexicons (lexc gen's
 * default table, lexc_methods) and the golden fixtures generated with
 * `lexc gen --prefix golden` (golden_methods), linked together and served
 * over real HTTP, each table by its own server and both by one server. */
#include "config.h"

#include "server_util.h"

#include "golden_methods.h"
#include "lexc_methods.h"

#include "com/example/golden/query.h"
#include "place/stream/server/listWebhooks.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static lexc_status golden_query(lexc_call *call, const com_example_golden_query__params *params,
                                com_example_golden_query__output *output)
{
	output->has_cursor = true;
	output->cursor = lexc_str_printf(lexc_call_arena(call), "golden:%.*s", (int)params->q.len,
	                                 params->q.ptr);
	output->n_things = 0;
	return LEXC_OK;
}

static lexc_status place_list(lexc_call *call,
                              const place_stream_server_listWebhooks__params *params,
                              place_stream_server_listWebhooks__output *output)
{
	(void)call;
	(void)params;
	output->has_cursor = true;
	output->cursor = LEXC_STR("place");
	output->n_webhooks = 0;
	return LEXC_OK;
}

static lexc_server *start(const lexc_method *const *table, size_t n, bool golden, bool place)
{
	lexc_server_config cfg;
	lexc_server_config_init(&cfg);
	cfg.threads = 1;
	lexc_error err;
	lexc_error_clear(&err);
	lexc_server *s = lexc_server_new(&cfg, table, n, &err);
	ck_assert_msg(s != NULL, "%s", err.message);
	if (golden)
		ck_assert_int_eq(com_example_golden_query__register(s, golden_query, NULL, &err),
		                 LEXC_OK);
	if (place)
		ck_assert_int_eq(
		        place_stream_server_listWebhooks__register(s, place_list, NULL, &err),
		        LEXC_OK);
	ck_assert_msg(lexc_server_start(s, &err) == LEXC_OK, "%s", err.message);
	return s;
}

/* GET `path` on `port` answers 200 with `body`. */
static void expect_get(uint16_t port, const char *path, const char *body)
{
	http_resp r;
	http_get(port, path, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, body);
	http_resp_free(&r);
}

#define GOLDEN_QUERY "/xrpc/com.example.golden.query?q=hi"
#define GOLDEN_ANSWER "{\"cursor\":\"golden:hi\",\"things\":[]}"
#define PLACE_LIST "/xrpc/place.stream.server.listWebhooks"
#define PLACE_ANSWER "{\"cursor\":\"place\",\"webhooks\":[]}"

/* The tables are distinct symbols, each with only its own methods. */
START_TEST(tables_are_separate)
{
	ck_assert_uint_gt(golden_methods_count, 0);
	ck_assert_uint_gt(lexc_methods_count, 0);
	const char *g = com_example_golden_query__NSID, *p = place_stream_server_listWebhooks__NSID;
	ck_assert_ptr_eq(golden_methods_find(g, strlen(g)), &com_example_golden_query__method);
	ck_assert_ptr_null(golden_methods_find(p, strlen(p)));
	ck_assert_ptr_eq(lexc_methods_find(p, strlen(p)),
	                 &place_stream_server_listWebhooks__method);
	ck_assert_ptr_null(lexc_methods_find(g, strlen(g)));
}
END_TEST

START_TEST(a_server_per_table)
{
	lexc_server *gs = start(golden_methods, golden_methods_count, true, false);
	lexc_server *ps = start(lexc_methods, lexc_methods_count, false, true);
	expect_get(lexc_server_port(gs), GOLDEN_QUERY, GOLDEN_ANSWER);
	expect_get(lexc_server_port(ps), PLACE_LIST, PLACE_ANSWER);
	/* Each server knows only its own set. */
	http_resp r;
	http_get(lexc_server_port(ps), "/xrpc/com.example.golden.query?q=hi", &r);
	assert_xrpc_error(&r, 501, "MethodNotImplemented", NULL);
	http_resp_free(&r);
	http_get(lexc_server_port(gs), "/xrpc/place.stream.server.listWebhooks", &r);
	assert_xrpc_error(&r, 501, "MethodNotImplemented", NULL);
	http_resp_free(&r);
	lexc_server_free(gs);
	lexc_server_free(ps);
}
END_TEST

static int method_cmp(const void *a, const void *b)
{
	const lexc_method *x = *(const lexc_method *const *)a, *y = *(const lexc_method *const *)b;
	return strcmp(x->nsid, y->nsid);
}

START_TEST(one_server_both_tables)
{
	size_t n = golden_methods_count + lexc_methods_count;
	const lexc_method **all = malloc(n * sizeof *all);
	ck_assert_ptr_nonnull(all);
	memcpy(all, golden_methods, golden_methods_count * sizeof *all);
	memcpy(all + golden_methods_count, lexc_methods, lexc_methods_count * sizeof *all);
	qsort(all, n, sizeof *all, method_cmp); /* lexc_server_new wants NSID order */
	lexc_server *s = start(all, n, true, true);
	expect_get(lexc_server_port(s), GOLDEN_QUERY, GOLDEN_ANSWER);
	expect_get(lexc_server_port(s), PLACE_LIST, PLACE_ANSWER);
	lexc_server_free(s);
	free(all);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("two_sets");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, tables_are_separate);
	tcase_add_test(tc, a_server_per_table);
	tcase_add_test(tc, one_server_both_tables);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
