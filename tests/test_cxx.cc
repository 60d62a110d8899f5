// The public runtime headers and generated headers compile as C++
// (g++ -std=c++17 -Wall -Wextra -Wpedantic -Werror) and link against
// liblexc and libgenerated: extern "C" linkage, inline code without C-only
// constructs. A plain program: it exits 1 with a message on the first
// failed check.
#include <lexc/arena.h>
#include <lexc/base64.h>
#include <lexc/codec.h>
#include <lexc/error.h>
#include <lexc/format.h>
#include <lexc/json.h>
#include <lexc/lexc.h>
#include <lexc/server.h>
#include <lexc/str.h>
#include <lexc/type.h>
#include <lexc/utf8.h>
#include <lexc/version.h>

#include "lexc_methods.h"
#include "place/stream/server/createWebhook.h"
#include "place/stream/server/defs.h"
#include "place/stream/server/deleteWebhook.h"
#include "place/stream/server/getWebhook.h"
#include "place/stream/server/listWebhooks.h"
#include "place/stream/server/updateWebhook.h"
#include "place/wisp/v2/secret/create.h"
#include "place/wisp/v2/secret/delete.h"
#include "place/wisp/v2/secret/list.h"
#include "place/wisp/v2/secret/rotate.h"
#include "place/wisp/v2/wh.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,      \
			             #cond);                                                       \
			std::exit(1);                                                              \
		}                                                                                  \
	} while (0)

static lexc_status create_webhook(lexc_call *call,
                                  const place_stream_server_createWebhook__input *input,
                                  place_stream_server_createWebhook__output *output)
{
	(void)input;
	(void)output;
	return lexc_call_fail(call, LEXC_FORBIDDEN, "not in this test");
}

int main()
{
	// The arena's inline allocator and initialiser.
	lexc_arena arena = LEXC_ARENA_INIT;
	void *p = lexc_arena_alloc(&arena, 24);
	CHECK(p != nullptr && reinterpret_cast<std::uintptr_t>(p) % LEXC_ARENA_ALIGN == 0);

	// The value helpers.
	lexc_str lit = LEXC_STR("chat");
	CHECK(lit.len == 4 && lexc_str_eq_cstr(lit, "chat"));
	lexc_str copy = lexc_str_printf(&arena, "%s-%d", "wh", 7);
	CHECK(lexc_str_eq(copy, LEXC_STR("wh-7")) && lexc_str_cmp(copy, lit) > 0);

	// A round trip through a generated type: decode, check, encode to a string.
	const char json[] =
	        "{\"url\":\"https://example.com/hook\",\"events\":[\"chat\",\"follow\"],"
	        "\"rewrite\":[{\"from\":\"a\",\"to\":\"b\"}],\"name\":\"hook\"}";
	place_stream_server_createWebhook__input in;
	lexc_error err;
	lexc_error_clear(&err);
	lexc_status st = place_stream_server_createWebhook__input__decode(json, sizeof json - 1,
	                                                                  &arena, &in, &err);
	if (st != LEXC_OK)
		std::fprintf(stderr, "decode: %s: %s\n", err.path, err.message);
	CHECK(st == LEXC_OK);
	CHECK(lexc_str_eq_cstr(in.url, "https://example.com/hook"));
	CHECK(in.n_events == 2 && lexc_str_eq_cstr(in.events[1], "follow"));
	CHECK(in.has_rewrite && in.n_rewrite == 1 && lexc_str_eq_cstr(in.rewrite[0].to, "b"));
	CHECK(in.has_name && lexc_str_eq_cstr(in.name, "hook") && !in.has_prefix);
	lexc_str out;
	st = lexc_encode_to_string(&place_stream_server_createWebhook__input__type, &in, &arena,
	                           &out, &err);
	CHECK(st == LEXC_OK);
	// Keys in sorted order, and the lexicon's default for `active` applied.
	const char want[] =
	        "{\"active\":false,\"events\":[\"chat\",\"follow\"],\"name\":\"hook\","
	        "\"rewrite\":[{\"from\":\"a\",\"to\":\"b\"}],\"url\":\"https://example.com/hook\"}";
	if (std::strcmp(out.ptr, want) != 0)
		std::fprintf(stderr, "encoded: %s\n", out.ptr);
	CHECK(std::strcmp(out.ptr, want) == 0 && out.len == sizeof want - 1);

	// The method table (C linkage) and a generated registration (its
	// dispatcher's casts) from C++.
	const char *nsid = place_stream_server_createWebhook__NSID;
	CHECK(lexc_methods_find(nsid, std::strlen(nsid)) ==
	      &place_stream_server_createWebhook__method);
	lexc_server *server = lexc_server_new(nullptr, lexc_methods, lexc_methods_count, &err);
	CHECK(server != nullptr);
	CHECK(place_stream_server_createWebhook__register(server, create_webhook, nullptr, &err) ==
	      LEXC_OK);
	lexc_server_free(server);

	lexc_arena_free(&arena);
	std::puts("test_cxx: ok");
	return 0;
}
