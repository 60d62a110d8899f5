/* handlers/com_example_hello_greet.c: the query com.example.hello.greet. Written by lexc stubs
 * 0.1.0 as a starting point; it is yours now: lexc stubs never overwrites it.
 * Greets someone by name. */
/* What the lexicon gives the handler and expects of it:
 *
 * params (com_example_hello_greet__params):
 *   params->has_name, params->name: lexc_str (optional, minLength 1, maxGraphemes 64, default
 *      "world")
 *   params->has_times, params->times: int64_t (optional, minimum 1, maximum 3, default 1)
 *
 * output (com_example_hello_greet__output, application/json):
 *   output->message: lexc_str (required, maxGraphemes 300)
 * Fill *output (it starts zeroed) and return LEXC_OK. Allocate in arena = lexc_call_arena(call),
 * freed after the response: T__new(arena) makes a struct with its defaults, T__set_x() sets an
 * optional member and its presence; strings: LEXC_STR("literal"), lexc_str_copy(arena, s),
 * lexc_str_printf(arena, fmt, ...).
 *
 * errors the lexicon declares (400 with that name):
 *   return com_example_hello_greet__error_NameNotAllowed(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "com/example/hello/greet.h"

lexc_status com_example_hello_greet__handle(lexc_call *call,
                                            const com_example_hello_greet__params *params,
                                            com_example_hello_greet__output *output)
{
	/* The server has checked the params already: name is 1 to 64
	 * graphemes (default "world"), times is 1 to 3 (default 1). */
	if (lexc_str_eq_cstr(params->name, "nobody"))
		return com_example_hello_greet__error_NameNotAllowed(call,
		                                                     "nobody gets no greeting");
	lexc_arena *arena = lexc_call_arena(call);
	lexc_str msg = LEXC_STR("");
	/* A failed allocation makes msg the null string, which ends the loop
	 * and which the encoder refuses: the client gets a 500, never a
	 * truncated greeting. */
	for (int64_t i = 0; i < params->times && msg.ptr != NULL; i++)
		msg = lexc_str_printf(arena, "%.*s%sHello, %.*s!", (int)msg.len, msg.ptr,
		                      i > 0 ? " " : "", (int)params->name.len, params->name.ptr);
	output->message = msg;
	return LEXC_OK;
}
