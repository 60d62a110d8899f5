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
 * Fill *output (it starts zeroed), allocating what it points to in lexc_call_arena(call), and
 * return LEXC_OK.
 *
 * errors the lexicon declares (400 with that name):
 *   return com_example_hello_greet__error_NameNotAllowed(call, "...");
 * Other failures: return lexc_call_fail(call, LEXC_FORBIDDEN, "...") and the like (lexc/error.h
 * lists the codes).
 */
#include "handlers.h"

#include "com/example/hello/greet.h"

#include <stdio.h>
#include <string.h>

lexc_status com_example_hello_greet__handle(lexc_call *call,
                                            const com_example_hello_greet__params *params,
                                            com_example_hello_greet__output *output)
{
	/* The server has checked the params already: name is 1 to 64
	 * graphemes (default "world"), times is 1 to 3 (default 1). */
	if (params->name.len == 6 && memcmp(params->name.ptr, "nobody", 6) == 0)
		return com_example_hello_greet__error_NameNotAllowed(call,
		                                                     "nobody gets no greeting");
	size_t cap = 16 + (size_t)params->times * (params->name.len + 9);
	char *msg = lexc_arena_alloc(lexc_call_arena(call), cap);
	if (msg == NULL)
		return lexc_call_fail(call, LEXC_NO_MEMORY, "out of memory");
	size_t len = 0;
	for (int64_t i = 0; i < params->times; i++)
		len += (size_t)snprintf(msg + len, cap - len, "%sHello, %.*s!", i ? " " : "",
		                        (int)params->name.len, params->name.ptr);
	output->message = (lexc_str){msg, len};
	return LEXC_OK;
}
