/* handlers.h: written by lexc stubs 0.1.0: the handler of every query and procedure, one per file
 * in handlers/. Do not edit: lexc stubs rewrites it when methods are added. */
#ifndef LEXC_STUBS_HANDLERS_H
#define LEXC_STUBS_HANDLERS_H

#include <lexc/lexc.h>
#include <lexc/server.h>

#include "lexc_methods.h"
#include "com/example/hello/greet.h"

lexc_status com_example_hello_greet__handle(lexc_call *call,
                                            const com_example_hello_greet__params *params,
                                            com_example_hello_greet__output *output);

/* Registers every handler above with `server`; each gets `user` from lexc_call_user().
 * Stops at the first failure, which `err` (may be NULL) describes. */
lexc_status register_all(lexc_server *server, void *user, lexc_error *err);

#endif /* LEXC_STUBS_HANDLERS_H */
