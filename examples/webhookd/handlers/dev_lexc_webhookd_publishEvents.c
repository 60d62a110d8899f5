/* handlers/dev_lexc_webhookd_publishEvents.c: the procedure dev.lexc.webhookd.publishEvents.
 * Written by lexc stubs 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * Publish up to 1,000 events in one transaction (operator keys only): all are accepted or none. */
/* What the lexicon gives the handler and expects of it:
 *
 * input (dev_lexc_webhookd_publishEvents__input, application/json):
 *   input->n_events, input->events: dev_lexc_webhookd_defs__eventInput * (required, minLength 1,
 *      maxLength 1000, items: dev.lexc.webhookd.defs#eventInput)
 *
 * output (dev_lexc_webhookd_publishEvents__output, application/json):
 *   dev_lexc_webhookd_publishEvents__output__set_results(output,
 *      dev_lexc_webhookd_defs__publishResult *items, size_t count) (required, items:
 *      dev.lexc.webhookd.defs#publishResult)
 * Fill *output and return LEXC_OK. It starts zeroed, with its defaults set and its required objects
 * allocated. Allocate in arena = lexc_call_arena(call), freed after the response: T__new(arena)
 * makes a struct with its defaults, T__set_x() sets an optional member and its presence (a null
 * string: absent); strings: LEXC_STR("literal"), lexc_str_borrow(cstr), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return dev_lexc_webhookd_publishEvents__error_AuthenticationRequired(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "publish.h"

#include "dev/lexc/webhookd/publishEvents.h"
#include "dev/lexc/webhookd/defs.h"

lexc_status
dev_lexc_webhookd_publishEvents__handle(lexc_call *call,
                                        const dev_lexc_webhookd_publishEvents__input *input,
                                        dev_lexc_webhookd_publishEvents__output *output)
{
	lexc_arena *a = lexc_call_arena(call);
	wh_event_arg *ev = lexc_arena_calloc(a, input->n_events, sizeof *ev);
	dev_lexc_webhookd_defs__publishResult *out =
	        lexc_arena_calloc(a, input->n_events, sizeof *out);
	if (ev == NULL || out == NULL)
		return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
	for (size_t i = 0; i < input->n_events; i++) {
		const dev_lexc_webhookd_defs__eventInput *e = &input->events[i];
		ev[i] = (wh_event_arg){e->did, e->type, &e->data, e->has_eventId, e->eventId};
	}
	lexc_status st = wh_publish(call, ev, input->n_events, "$.events", out);
	if (st == LEXC_OK)
		dev_lexc_webhookd_publishEvents__output__set_results(output, out, input->n_events);
	return st;
}
