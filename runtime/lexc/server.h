/* lexc/server.h: the XRPC server. It serves generated methods over HTTP with
 * libmicrohttpd and links them to handlers written by the user.
 *
 * Life of a request. The server routes `/xrpc/<nsid>` through the method
 * table that `lexc gen` writes (lexc_methods.h), by binary search. It checks
 * the HTTP verb, then runs the authentication hook. Query parameters are
 * parsed strictly by their lexicon types. A procedure's body is checked
 * against the lexicon's encoding, then decoded and validated by the engine.
 * The handler then runs with typed params, input and output. The server
 * encodes the output with the engine, which validates it again, and answers.
 * Every failure answers {"error": NAME, "message": TEXT} with the status the
 * XRPC spec gives (doc/server.md lists them all).
 *
 * Threads. MHD's worker threads read requests and write answers; handlers
 * run on a separate pool of handler threads, several at once, so a handler
 * that blocks (a lock, DNS, a slow upstream) holds one pool thread and
 * never delays the requests of other connections. A handler may also
 * return at once and answer later from a thread of its own
 * (lexc_call_defer(), lexc_call_finish()). Descriptors, the method table
 * and the `user` pointers given at registration are shared between those
 * threads. A handler may use them and its own lexc_call. Anything else it
 * shares (a database handle, a counter) it must lock itself. A lexc_call
 * and its arena belong to one request, used by one thread at a time, from
 * the first callback until the answer is sent (or, for a deferred call,
 * until lexc_call_finish()), and are freed then.
 *
 * Ownership. The server keeps the pointers in its config, the method table
 * and the registered `user` pointers. It does not copy them, so they must
 * outlive the server. Everything a handler puts in its output must live at
 * least until the handler returns. Using the call's arena makes sure of
 * that. */
#ifndef LEXC_SERVER_H
#define LEXC_SERVER_H

#include <lexc/arena.h>
#include <lexc/error.h>
#include <lexc/type.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Methods (filled in by generated code) ----------------------------- */

typedef enum lexc_method_kind {
	LEXC_METHOD_QUERY = 1, /* GET */
	LEXC_METHOD_PROCEDURE, /* POST */
} lexc_method_kind;

/* One query or procedure. A descriptor is NULL when the method has no
 * parameters, or no JSON schema for its input or output. An encoding is
 * NULL when there is no body at all. An encoding without a schema means
 * the bytes pass through as a lexc_body. */
typedef struct lexc_method {
	uint32_t layout; /* LEXC_LAYOUT_VERSION; first, then nsid, in every layout */
	const char *nsid;
	lexc_method_kind kind;
	const lexc_type *params;     /* object of booleans, integers, strings, arrays */
	const char *input_encoding;  /* "application/json", "image/png", a glob, ... */
	const lexc_type *input;      /* object or union */
	const char *output_encoding; /* the same, for the answer */
	const lexc_type *output;
	const char *const *errors; /* the error names the lexicon declares */
	size_t n_errors;
} lexc_method;

/* A body that is not decoded: the input of a method whose encoding has no
 * JSON schema, or such an output. For input, `data` points into the request
 * (owned by the server, valid until the handler returns) and `content_type`
 * is the request's header as sent. For output, the handler sets all three
 * fields. `content_type` may stay NULL when the lexicon names one exact
 * encoding. */
typedef struct lexc_body {
	const uint8_t *data;
	size_t len;
	const char *content_type;
} lexc_body;

/* ---- Calls ------------------------------------------------------------- */

typedef struct lexc_server lexc_server;
typedef struct lexc_call lexc_call;

/* What a handler gets: the generic form of every generated handler type.
 * `params`, `input` and `output` point to the method's generated structs
 * (NULL when the method has none; lexc_body for bodies without a schema).
 * The output struct is zeroed before the call. Return LEXC_OK after filling
 * `output`. On failure, return what one of the lexc_call_error* functions
 * returns. */
typedef lexc_status (*lexc_handler)(lexc_call *call, const void *params, const void *input,
                                    void *output);

/* The method being served ("place.stream.server.createWebhook"). */
const char *lexc_call_nsid(const lexc_call *call);

/* The `user` pointer given when the handler was registered. */
void *lexc_call_user(const lexc_call *call);

/* The request's arena. Everything allocated here is freed in one go after
 * the response has been sent. */
lexc_arena *lexc_call_arena(lexc_call *call);

/* A request header by name (case-insensitive), or NULL. The string is owned
 * by the server and lives until the handler returns (a deferred call's
 * headers are out of reach after that). */
const char *lexc_call_header(const lexc_call *call, const char *name);

/* The peer's address as text ("127.0.0.1", "::1"), or "" if unknown. */
const char *lexc_call_remote_addr(const lexc_call *call);

/* The caller that the authentication hook set, or NULL for anonymous
 * requests. */
const char *lexc_call_caller_did(const lexc_call *call);
void *lexc_call_caller_data(const lexc_call *call);

/* For the authentication hook: records the caller. `did` is copied into the
 * call's arena. `data` is the hook's own and is not freed by the server. */
lexc_status lexc_call_set_caller(lexc_call *call, const char *did, void *data);

/* Adds a response header, such as Retry-After or Location. Both strings are
 * copied. Refused with LEXC_INVALID_REQUEST: a name that is not an HTTP
 * token, a value with CR, LF or another control but tab, and headers the
 * server sets itself (Content-Type, Content-Length, Transfer-Encoding,
 * Connection). Should libmicrohttpd still refuse a header when the answer
 * is sent, the client gets a 500 and the error log says which header. */
lexc_status lexc_call_add_header(lexc_call *call, const char *name, const char *value);

/* Fails the call with one of the spec's errors: `code` picks the name and
 * the HTTP status (LEXC_FORBIDDEN answers 403 "Forbidden"). Returns `code`,
 * so that a handler writes `return lexc_call_fail(call, LEXC_FORBIDDEN,
 * "not yours");`. The message of a 5xx is logged, and the client gets a
 * generic one. */
lexc_status lexc_call_fail(lexc_call *call, lexc_status code, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;

/* Fails the call with the HTTP status of `code` and the XRPC error name
 * `name` in place of the code's own: for an authentication hook whose
 * scheme names its failures (401 "BadJwtSignature", as the reference
 * @atproto/xrpc-server answers). `name` is copied; a name that is not
 * ASCII without whitespace (or longer than 63 bytes) is replaced by the
 * code's own. Returns `code`. */
lexc_status lexc_call_fail_named(lexc_call *call, lexc_status code, const char *name,
                                 const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 4, 5)))
#endif
        ;

/* Fails the call with an error the lexicon declares: HTTP 400 with
 * "error": name. Generated code wraps this in one helper per declared error
 * (M__error_InvalidUrl). A name the method does not declare is a bug in the
 * handler, so it answers 500 and is logged. Returns LEXC_INVALID_REQUEST. */
lexc_status lexc_call_error(lexc_call *call, const char *name, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;

lexc_status lexc_call_errorv(lexc_call *call, const char *name, const char *fmt, va_list ap)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 0)))
#endif
        ;

/* Answering later. A handler that cannot answer now (it waits for an
 * asynchronous upstream) calls lexc_call_defer(call) and returns; its
 * return value is then ignored. The connection waits, holding no thread,
 * until some thread calls lexc_call_finish(call, status) with what the
 * handler would have returned: LEXC_OK once `output` is filled, or what a
 * lexc_call_fail() / lexc_call_error() on the call returned. finish may
 * come before the handler has returned.
 *
 * lexc_call_defer() works only in a handler, on its thread, once; it
 * returns LEXC_OK, or LEXC_INVALID_REQUEST elsewhere (the authentication
 * hook, a second time). After it, the call and the output struct belong
 * to the thread that will finish it, one thread at a time: it may use the
 * arena, the output, lexc_call_fail(), lexc_call_error(),
 * lexc_call_add_header(), lexc_call_nsid(), lexc_call_user(),
 * lexc_call_caller_did(), but not lexc_call_header() (request headers are
 * gone once the handler returned). `params`, `input` and `output` stay
 * valid until lexc_call_finish().
 *
 * Every deferred call must be finished exactly once: until then it holds
 * its connection and its memory. lexc_call_finish() frees the call once
 * its answer is out; the call must not be used after it. It returns
 * LEXC_OK when the answer will be sent; LEXC_NOT_ENOUGH_RESOURCES when
 * lexc_server_stop() gave up waiting and answered the client 503 already
 * (the call is freed all the same, and this is the only function that may
 * be called on such a call, even after lexc_server_free()); and
 * LEXC_INVALID_REQUEST for a call that was not deferred. */
lexc_status lexc_call_defer(lexc_call *call);
lexc_status lexc_call_finish(lexc_call *call, lexc_status status);

/* ---- Authentication ---------------------------------------------------- */

/* Called for every XRPC request before its body is decoded, with the
 * request's headers available through lexc_call_header(). To accept a
 * caller, call lexc_call_set_caller() and return LEXC_OK. To serve the
 * request anonymously, return LEXC_OK without setting one. To refuse it,
 * return lexc_call_fail(call, LEXC_AUTHENTICATION_REQUIRED or
 * LEXC_FORBIDDEN, ...). Runs on worker threads, several at once. */
typedef lexc_status (*lexc_auth_hook)(lexc_call *call, void *user);

typedef enum lexc_auth_mode {
	LEXC_AUTH_OPTIONAL = 0, /* the handler sees a caller if the hook set one */
	LEXC_AUTH_REQUIRED,     /* no caller: 401 AuthenticationRequired */
} lexc_auth_mode;

/* ---- The server -------------------------------------------------------- */

/* The default value_memory_limit is this many times body_limit: decoded
 * values take a few times their JSON's size (structs, copies of strings,
 * the reader's key sets), and a body that needs more is hostile. */
enum { LEXC_VALUE_MEMORY_FACTOR = 32 };

typedef struct lexc_server_config {
	const char *address; /* IPv4 or IPv6 literal; default "127.0.0.1" */
	uint16_t port;       /* 0: pick a free one (lexc_server_port() says which) */
	unsigned threads;    /* worker threads; 0: one per core */
	size_t body_limit;   /* bytes; default 1 MiB; larger bodies get 413 */
	/* Bytes of arena memory that decoding one input (or the query
	 * parameters) may take; 0: LEXC_VALUE_MEMORY_FACTOR × body_limit. An
	 * input that needs more is answered 413 PayloadTooLarge: this bounds
	 * what a hostile body costs, whatever its shape. */
	size_t value_memory_limit;
	unsigned connection_limit;        /* open connections; default 1024 */
	unsigned per_ip_connection_limit; /* 0: none */
	unsigned connection_timeout;      /* seconds idle before a client is dropped; default 30 */
	bool cors;                        /* Access-Control-* headers and OPTIONS preflight */
	lexc_auth_hook auth;              /* NULL: every request is anonymous */
	void *auth_user;
	lexc_auth_mode default_auth; /* for methods with no lexc_server_set_auth() */
	const char *auth_realm;      /* WWW-Authenticate realm; default "xrpc" */
	/* One line per request (time, peer, method, path, status, bytes, µs);
	 * NULL: none. Faults (5xx causes) go to `error_log`; NULL: stderr. */
	FILE *access_log;
	FILE *error_log;
	const char *version; /* in GET /xrpc/_health; default liblexc's */
	/* Threads that run handlers; 0: 16. A handler that blocks holds one;
	 * with all of them held, further calls wait in the queue. */
	unsigned handler_threads;
	/* Calls waiting for a handler thread; 0: 256. Past it a call is
	 * answered 503 NotEnoughResources with Retry-After: 1. */
	unsigned handler_queue_limit;
	/* Run handlers on the MHD workers instead of the pool: faster for
	 * handlers that never block (no hand-over between threads), but one
	 * that blocks stalls its worker's connections. lexc_call_defer()
	 * works the same. */
	bool handlers_inline;
} lexc_server_config;

/* Fills `config` with the defaults above. */
void lexc_server_config_init(lexc_server_config *config);

/* Makes a server for the methods in `methods` (generated: lexc_methods,
 * lexc_methods_count), which must be sorted by NSID. It does not listen
 * yet. Returns NULL with `err` set when the config is invalid or memory
 * runs out. */
lexc_server *lexc_server_new(const lexc_server_config *config, const lexc_method *const *methods,
                             size_t n_methods, lexc_error *err);

/* Links `method` (one of the table's entries) to a handler. Generated
 * M__register() functions call this with a dispatcher that casts `handler`
 * back to the method's own typedef. Registering a method twice replaces the
 * handler; a NULL handler leaves the method unimplemented (501). Must
 * happen before lexc_server_start(). */
lexc_status lexc_server_register(lexc_server *server, const lexc_method *method,
                                 lexc_handler dispatch, void (*handler)(void), void *user,
                                 lexc_error *err);

/* For generated dispatchers: the handler given to lexc_server_register(). */
void (*lexc_call_handler_(const lexc_call *call))(void);

/* Whether the method named `nsid` needs a caller (default: the config's
 * default_auth). */
lexc_status lexc_server_set_auth(lexc_server *server, const char *nsid, lexc_auth_mode mode,
                                 lexc_error *err);

struct lexc_doc_site;

/* Serves the documentation pages at /docs/ and checks values at
 * /xrpc/_validate (lexc/docs.h); `docs` (generated by lexc gen --docs:
 * PREFIX_docs) must outlive the server. Off until called; call before
 * lexc_server_start(). Fails when `docs` is of another layout. */
lexc_status lexc_server_serve_docs(lexc_server *server, const struct lexc_doc_site *docs,
                                   lexc_error *err);

/* Starts listening on the worker threads. Returns at once. */
lexc_status lexc_server_start(lexc_server *server, lexc_error *err);

/* The port the server listens on, after lexc_server_start(). */
uint16_t lexc_server_port(const lexc_server *server);

/* Stops accepting connections, lets requests in flight finish (for up to
 * `drain_ms` milliseconds), then closes everything. Calls still waiting
 * for a handler thread and deferred calls not finished by then are
 * answered 503 NotEnoughResources; handlers still running are waited for
 * (however long they take). Safe to call from any thread except a worker
 * or a handler. */
void lexc_server_stop(lexc_server *server, unsigned drain_ms);

/* Starts the server, writes "lexc: listening on http://ADDR:PORT/xrpc/" to
 * the error log, then blocks until SIGINT or SIGTERM arrives, then stops it
 * as lexc_server_stop() does with a 10 s drain. For a main() that does
 * nothing else. The server must not have been started. Threads the
 * program started before this call must have SIGINT and SIGTERM blocked
 * (pthread_sigmask() before creating them), or the signal may land in one
 * of them and end the process without a drain. */
lexc_status lexc_server_run(lexc_server *server, lexc_error *err);

/* Frees the server, stopping it first if it runs. NULL is allowed. */
void lexc_server_free(lexc_server *server);

#ifdef __cplusplus
}
#endif

#endif /* LEXC_SERVER_H */
