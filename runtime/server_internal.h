/* server_internal.h: what the XRPC server's parts share.
 *
 * Layers, each calling only those below it (no arrows back up):
 *
 *   server.c          the daemon's life, the config, the method table
 *   server_request.c  MHD's callbacks: routing, bodies, serving a request
 *   server_pool.c     the handler threads, lexc_call_defer/finish, abandon
 *   server_response.c every answer the server sends
 *   server_call.c     the lexc_call API (accessors, failures, headers) and
 *                     a call's life (made, referenced, freed)
 *   server_log.c      the error log and the access log
 *   server_params.c   query string to typed parameters (uses server_call.c)
 */
#ifndef LEXC_SERVER_INTERNAL_H
#define LEXC_SERVER_INTERNAL_H

#include <lexc/json.h>
#include <lexc/server.h>

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

/* Defaults of the handler pool (lexc_server_config). */
enum { LEXC_HANDLER_THREADS_DEFAULT = 16, LEXC_HANDLER_QUEUE_DEFAULT = 256 };

/* A method of the table with what registration added. */
typedef struct lexc_server_entry {
	const lexc_method *method;
	lexc_handler dispatch; /* NULL: no handler, 501 */
	void (*handler)(void);
	void *user;
	lexc_auth_mode auth;
} lexc_server_entry;

struct lexc_server {
	lexc_server_config cfg;
	const lexc_method *const *methods;
	lexc_server_entry *entries; /* parallel to methods */
	size_t n_methods;
	char www_authenticate[160]; /* Bearer realm="..." */
	struct MHD_Daemon *daemon;
	uint16_t port;
	bool started;
	atomic_bool stopping;        /* answers carry Connection: close */
	atomic_uint live;            /* calls between first and completion callback */
	pthread_mutex_t drain_mutex; /* with drain_cond: signalled when live drops to 0 */
	pthread_cond_t drain_cond;

	/* The handler pool (server_pool.c). pool_mutex guards the queue and
	 * the counters; pool_cond wakes pool threads, idle_cond signals that
	 * no handler runs. */
	pthread_t *pool;
	unsigned n_pool;
	pthread_mutex_t pool_mutex;
	pthread_cond_t pool_cond;
	pthread_cond_t idle_cond;
	lexc_call *queue_head, *queue_tail;
	size_t queued;    /* calls waiting for a pool thread */
	size_t running;   /* handlers running on pool threads */
	bool pool_closed; /* stopping: new calls are refused 503 */
	bool pool_quit;   /* pool threads exit */
	/* Deferred calls whose handler returned, not yet finished; guarded
	 * by the pool's global hstate lock (server_pool.c). */
	lexc_call *deferred;
	const struct lexc_doc_site *docs; /* lexc_server_serve_docs(); NULL: none */
};

/* What a call for the documentation (server_docs.c) asks for. */
enum { LEXC_DOCS_NONE = 0, LEXC_DOCS_PAGE, LEXC_DOCS_REDIRECT, LEXC_DOCS_VALIDATE };

/* Request phases. */
enum { LEXC_CALL_HEADERS = 0, LEXC_CALL_BODY, LEXC_CALL_HANDLING, LEXC_CALL_ANSWERED };

/* Where a call is in the handler pool (lexc_call.hstate). Changed under
 * the pool's hstate lock, except NONE -> QUEUED -> RUNNING, which only the
 * submitting worker and the pool thread that takes the call see. */
enum {
	LEXC_H_NONE = 0,  /* not handed to the pool */
	LEXC_H_QUEUED,    /* waiting for a pool thread, connection suspended */
	LEXC_H_RUNNING,   /* its handler runs */
	LEXC_H_DEFERRING, /* lexc_call_defer() called, handler not returned yet */
	LEXC_H_FINISHED,  /* lexc_call_finish() came before the handler returned */
	LEXC_H_DEFERRED,  /* handler returned; waiting for lexc_call_finish() */
	LEXC_H_DONE,      /* result in hresult; connection resumed to answer it */
	LEXC_H_ABANDONED, /* stop answered 503; the handler's result is dropped */
};

typedef struct lexc_call_header_ {
	const char *name, *value;
	struct lexc_call_header_ *next;
} lexc_call_header_;

struct lexc_call {
	lexc_server *server;
	struct MHD_Connection *conn;
	lexc_arena arena;
	const lexc_server_entry *entry; /* NULL until routed to a method */
	const char *verb;               /* copied into the arena */
	const char *path;               /* copied into the arena */
	int phase;
	bool health;
	int docs; /* LEXC_DOCS_*: a documentation page or /xrpc/_validate */
	const struct lexc_doc_page *page;
	bool nul_path; /* the raw path held "%00" (lexc_server_uri_) */
	struct timespec start;
	char remote[48];

	/* The body as received (malloc'd: it may be large and is dropped early). */
	char *body;
	size_t body_len, body_cap;
	size_t discarded; /* bytes read and thrown away after a failure */
	bool body_seen;   /* any upload bytes at all */
	bool too_large;

	const char *caller_did;
	void *caller_data;

	/* The first failure; the answer is sent once the body is consumed. */
	bool failed;
	lexc_error err;
	const char *allow; /* for 405: the Allow header */
	lexc_call_header_ *headers;

	unsigned status;
	size_t resp_bytes;

	/* The handler's arguments, kept for the pool thread. */
	void *params;
	const void *input;
	void *output;
	lexc_body raw_in;
	lexc_status hresult; /* what the handler (or lexc_call_finish) said */
	atomic_int hstate;   /* LEXC_H_* */
	/* One reference for MHD (until the completion callback) and one for
	 * the handler side while the pool holds the call (queued, running,
	 * deferred). The last one frees the call. */
	atomic_uint refs;
	lexc_call *qnext;         /* the pool's queue */
	lexc_call *dprev, *dnext; /* the server's deferred list */
};

/* ---- server_log.c ---- */
/* Writes one line to the error log (a 5xx's cause). */
void lexc_server_log_fault_(const lexc_server *server, const char *nsid, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;
/* Writes the call's line to the access log, if there is one. */
void lexc_server_log_access_(const lexc_call *call);

/* ---- server_call.c ---- */
/* A call for a request whose first callback MHD runs now, with one
 * reference (MHD's); NULL when memory runs out. */
lexc_call *lexc_call_new_(lexc_server *s, struct MHD_Connection *conn, const char *url,
                          const char *verb);
/* Drops a reference; the last one frees the call (body, arena, struct).
 * Never touches the server: a deferred call may outlive it. */
void lexc_call_release_(lexc_call *call);
/* lexc_call_fail() for the paths that return false on failure. */
bool lexc_call_reject_(lexc_call *call, lexc_status code, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;
/* A failure from the engine: 400 with "PATH: RULE", prefixed by `what`
 * ("Input: "); with "" a parameter is named as such, not as a JSON path. */
void lexc_call_fail_decode_(lexc_call *call, const lexc_error *e, const char *what);
/* lexc_decode() into the call's arena under the server's
 * value_memory_limit (LEXC_LIMIT_EXCEEDED past it), for inputs and query
 * parameters. */
lexc_status lexc_call_decode_(lexc_call *call, const lexc_type *t, const char *json, size_t len,
                              void *value, lexc_error *e);
/* No CR or LF: safe as a header value that MHD sends as it is. */
bool lexc_server_header_text_ok_(const char *s);

/* ---- server_response.c ---- */
/* Each queues an answer on the call's connection (on its MHD worker) and
 * records status and size for the access log. `close` adds
 * Connection: close. */
enum MHD_Result lexc_server_send_error_(lexc_call *call, bool close);
enum MHD_Result lexc_server_send_preflight_(lexc_call *call);
enum MHD_Result lexc_server_send_health_(lexc_call *call);
/* An answer with this status, type (NULL: none) and body (copied), with
 * the call's headers (lexc_call_add_header) and CORS as configured. */
enum MHD_Result lexc_server_send_(lexc_call *call, unsigned status, const char *content_type,
                                  const void *data, size_t len);
/* The documentation (server_docs.c): route_ decides from the path whether
 * the call is for it (false: not a documentation path), failing the call
 * for a wrong verb or an unknown page; send_ answers it. */
bool lexc_server_docs_route_(lexc_call *call);
enum MHD_Result lexc_server_send_docs_(lexc_call *call);
/* The handler's output, encoded and validated by the engine. */
enum MHD_Result lexc_server_send_output_(lexc_call *call, void *output);
/* 503 for a call that the stop abandoned. Reads nothing that a deferring
 * thread may still be writing (err, headers, output). */
enum MHD_Result lexc_server_send_abandoned_(lexc_call *call);

/* ---- server_pool.c ---- */
lexc_status lexc_server_pool_start_(lexc_server *s, lexc_error *err);
/* Hands the call's handler to the pool and suspends its connection; when
 * it is done the connection is resumed and MHD runs the access callback
 * again (phase LEXC_CALL_HANDLING). False, with the call failed 503, when
 * the queue is full or the server is stopping. */
bool lexc_server_pool_submit_(lexc_call *call);
/* What lexc_server_pool_inline_() did. */
typedef enum lexc_pool_outcome {
	LEXC_POOL_REFUSED, /* the server is stopping: the call failed 503 */
	LEXC_POOL_WAIT,    /* deferred: connection suspended until finish or stop */
	LEXC_POOL_ANSWER,  /* the result is in: answer now */
} lexc_pool_outcome;
/* handlers_inline: runs the handler here, on the MHD worker; suspends the
 * connection only when the handler deferred. */
lexc_pool_outcome lexc_server_pool_inline_(lexc_call *call);
/* For stop: refuses new calls, answers the queued and deferred ones 503
 * (LEXC_H_ABANDONED), waits until no handler runs. Returns whether any
 * answer was queued by that (abandoned calls, handlers that ended). */
bool lexc_server_pool_abandon_(lexc_server *s);
/* Ends and joins the pool threads (after MHD_stop_daemon). */
void lexc_server_pool_join_(lexc_server *s);

/* ---- server_request.c ---- */
enum MHD_Result lexc_server_access_(void *cls, struct MHD_Connection *conn, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **con_cls);
/* MHD_OPTION_URI_LOG_CALLBACK: sees the raw URI before MHD decodes it,
 * and marks *con_cls when its path holds "%00". */
void *lexc_server_uri_(void *cls, const char *uri, struct MHD_Connection *conn);
void lexc_server_completed_(void *cls, struct MHD_Connection *conn, void **con_cls,
                            enum MHD_RequestTerminationCode toe);
/* The table entry for nsid[0..len), by binary search, or NULL. */
const lexc_server_entry *lexc_server_find_(const lexc_server *server, const char *nsid, size_t len);

/* ---- server_params.c ---- */
/* Decodes the query string of `call` as `call`'s method's params into a
 * zeroed struct in the call's arena (*out; NULL when the method has none).
 * Fails with LEXC_INVALID_REQUEST naming the parameter. */
lexc_status lexc_server_params_(lexc_call *call, void **out, lexc_error *err);

#endif /* LEXC_SERVER_INTERNAL_H */
