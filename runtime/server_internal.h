/* server_internal.h: what the XRPC server's three parts share.
 *
 * server.c owns the daemon's life, the config and the method table;
 * server_request.c runs one request from MHD's first callback to its
 * completion callback; server_params.c turns a query string into the JSON
 * object the engine decodes. */
#ifndef LEXC_SERVER_INTERNAL_H
#define LEXC_SERVER_INTERNAL_H

#include <lexc/json.h>
#include <lexc/server.h>

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

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
};

/* Request phases. */
enum { LEXC_CALL_HEADERS = 0, LEXC_CALL_BODY, LEXC_CALL_ANSWERED };

typedef struct lexc_call_header_ {
	const char *name, *value;
	struct lexc_call_header_ *next;
} lexc_call_header_;

struct lexc_call {
	lexc_server *server;
	struct MHD_Connection *conn;
	lexc_arena arena;
	const lexc_server_entry *entry; /* NULL until routed to a method */
	const char *verb;               /* "GET", owned by MHD */
	const char *path;               /* owned by MHD */
	int phase;
	bool health;
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
};

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

/* Writes one line to the error log (a 5xx's cause). */
/* lexc_decode() into the call's arena under the server's
 * value_memory_limit (LEXC_LIMIT_EXCEEDED past it), for inputs and query
 * parameters. */
lexc_status lexc_call_decode_(lexc_call *call, const lexc_type *t, const char *json, size_t len,
                              void *value, lexc_error *e);

void lexc_server_log_fault_(const lexc_server *server, const char *nsid, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;

/* ---- server.c ---- */
/* The table entry for nsid[0..len), by binary search, or NULL. */
const lexc_server_entry *lexc_server_find_(const lexc_server *server, const char *nsid, size_t len);

/* ---- server_params.c ---- */
/* Decodes the query string of `call` as `call`'s method's params into a
 * zeroed struct in the call's arena (*out; NULL when the method has none).
 * Fails with LEXC_INVALID_REQUEST naming the parameter. */
lexc_status lexc_server_params_(lexc_call *call, void **out, lexc_error *err);

#endif /* LEXC_SERVER_INTERNAL_H */
