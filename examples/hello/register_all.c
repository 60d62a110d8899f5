/* register_all.c: written by lexc stubs 0.1.0. Do not edit: lexc stubs rewrites it when methods are
 * added. */
#include "handlers.h"

lexc_status register_all(lexc_server *server, void *user, lexc_error *err)
{
	lexc_status st = LEXC_OK;
	if (st == LEXC_OK)
		st = com_example_hello_greet__register(server, com_example_hello_greet__handle,
		                                       user, err);
	return st;
}
