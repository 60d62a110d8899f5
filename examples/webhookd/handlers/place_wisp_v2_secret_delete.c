/* handlers/place_wisp_v2_secret_delete.c: the procedure place.wisp.v2.secret.delete. Written by
 * lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * Delete a webhook signing secret by name. */
/* What the lexicon gives the handler and expects of it:
 *
 * input (place_wisp_v2_secret_delete__input, application/json):
 *   input->name: lexc_str (required, format record-key, maxLength 64)
 *
 * errors the lexicon declares (400 with that name):
 *   return place_wisp_v2_secret_delete__error_AuthenticationRequired(call, "...");
 *   return place_wisp_v2_secret_delete__error_InvalidRequest(call, "...");
 *   return place_wisp_v2_secret_delete__error_NotFound(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "place/wisp/v2/secret/delete.h"
#include "view.h"

lexc_status place_wisp_v2_secret_delete__handle(lexc_call *call,
                                                const place_wisp_v2_secret_delete__input *input)
{
	wh_service *svc = wh_service_of(call);
	lexc_error err;
	lexc_error_clear(&err);
	wh_result r =
	        svc->store->ops->secret_delete(svc->store, wh_call_did(call), input->name, &err);
	if (r != WH_OK)
		return wh_fail(call, r, &err, "NotFound");
	return LEXC_OK;
}
