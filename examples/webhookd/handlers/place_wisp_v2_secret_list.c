/* handlers/place_wisp_v2_secret_list.c: the query place.wisp.v2.secret.list. Written by lexc stubs
 * 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * List webhook signing secrets for the caller DID. Token values are never returned. */
/* What the lexicon gives the handler and expects of it:
 *
 * output (place_wisp_v2_secret_list__output, application/json):
 *   place_wisp_v2_secret_list__output__set_secrets(output, place_wisp_v2_secret_list__secretMeta
 *      *items, size_t count) (required, items: place.wisp.v2.secret.list#secretMeta)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return place_wisp_v2_secret_list__error_AuthenticationRequired(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "place/wisp/v2/secret/list.h"
#include "view.h"

lexc_status place_wisp_v2_secret_list__handle(lexc_call *call,
                                              place_wisp_v2_secret_list__output *output)
{
	wh_service *svc = wh_service_of(call);
	lexc_arena *a = lexc_call_arena(call);
	lexc_error err;
	lexc_error_clear(&err);
	wh_named_secret *found = NULL;
	size_t n = 0;
	wh_result r =
	        svc->store->ops->secret_list(svc->store, wh_call_did(call), a, &found, &n, &err);
	if (r != WH_OK)
		return wh_fail(call, r, &err, "NotFound");
	place_wisp_v2_secret_list__secretMeta *metas =
	        lexc_arena_calloc(a, n ? n : 1, sizeof *metas);
	if (metas == NULL)
		return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
	for (size_t i = 0; i < n; i++) {
		metas[i].name = found[i].name;
		metas[i].createdAt = wh_datetime(a, found[i].created_at);
		if (found[i].last_rotated_at != 0)
			place_wisp_v2_secret_list__secretMeta__set_lastRotatedAt(
			        &metas[i], wh_datetime(a, found[i].last_rotated_at));
	}
	place_wisp_v2_secret_list__output__set_secrets(output, metas, n);
	return LEXC_OK;
}
