/* server.c: the XRPC server's life (config, method table, registration,
 * start, graceful stop) on a libmicrohttpd daemon and its handler pool.
 * The per-request work is in server_request.c. */
#include "config.h"

#include "codec_internal.h"
#include "server_internal.h"

#include <lexc/version.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void lexc_server_config_init(lexc_server_config *config)
{
	memset(config, 0, sizeof *config);
	config->address = "127.0.0.1";
	config->body_limit = 1024 * 1024;
	config->connection_limit = 1024;
	config->connection_timeout = 30;
	config->default_auth = LEXC_AUTH_OPTIONAL;
	config->auth_realm = "xrpc";
}

static bool realm_ok(const char *realm)
{
	for (const char *p = realm; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == '"' || *p == '\\' ||
		    (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

/* A method from another lexc's generated code (another descriptor layout)
 * is refused before any of it is read: the method's layout first, then its
 * descriptors'. */
static bool layout_ok(const lexc_method *m, lexc_error *err)
{
	if (m->layout != LEXC_LAYOUT_VERSION) {
		codec_layout_refused("server: method", m->nsid, m->layout, err);
		return false;
	}
	const lexc_type *types[] = {m->params, m->input, m->output};
	const char *roles[] = {"params", "input", "output"};
	for (size_t k = 0; k < 3; k++) {
		if (types[k] == NULL || types[k]->layout == LEXC_LAYOUT_VERSION)
			continue;
		char what[320];
		snprintf(what, sizeof what, "server: method %.200s: %s descriptor",
		         m->nsid != NULL ? m->nsid : "(unnamed)", roles[k]);
		codec_layout_refused(what, types[k]->name, types[k]->layout, err);
		return false;
	}
	return true;
}

lexc_server *lexc_server_new(const lexc_server_config *config, const lexc_method *const *methods,
                             size_t n_methods, lexc_error *err)
{
	lexc_server_config defaults;
	if (config == NULL) {
		lexc_server_config_init(&defaults);
		config = &defaults;
	}
	if (n_methods > 0 && methods == NULL) {
		lexc_error_set(err, LEXC_INVALID_REQUEST, "server: no method table");
		return NULL;
	}
	for (size_t i = 0; i < n_methods; i++) {
		const lexc_method *m = methods[i];
		if (m != NULL && !layout_ok(m, err))
			return NULL;
		if (m == NULL || m->nsid == NULL ||
		    (m->kind != LEXC_METHOD_QUERY && m->kind != LEXC_METHOD_PROCEDURE)) {
			lexc_error_set(err, LEXC_INVALID_REQUEST, "server: method %zu is malformed",
			               i);
			return NULL;
		}
		if (i > 0 && strcmp(methods[i - 1]->nsid, m->nsid) >= 0) {
			lexc_error_set(err, LEXC_INVALID_REQUEST,
			               "server: method table not sorted by NSID at %s", m->nsid);
			return NULL;
		}
	}
	const char *realm = config->auth_realm != NULL ? config->auth_realm : "xrpc";
	if (!realm_ok(realm) || strlen(realm) > 100) {
		lexc_error_set(err, LEXC_INVALID_REQUEST,
		               "server: auth_realm is not a plain string");
		return NULL;
	}
	lexc_server *s = calloc(1, sizeof *s);
	if (s == NULL) {
		lexc_error_set(err, LEXC_NO_MEMORY, "server: out of memory");
		return NULL;
	}
	s->cfg = *config;
	if (s->cfg.address == NULL)
		s->cfg.address = "127.0.0.1";
	if (s->cfg.body_limit == 0)
		s->cfg.body_limit = 1024 * 1024;
	if (s->cfg.value_memory_limit == 0)
		s->cfg.value_memory_limit = s->cfg.body_limit > SIZE_MAX / LEXC_VALUE_MEMORY_FACTOR
		                                    ? SIZE_MAX
		                                    : s->cfg.body_limit * LEXC_VALUE_MEMORY_FACTOR;
	if (s->cfg.connection_limit == 0)
		s->cfg.connection_limit = 1024;
	if (s->cfg.connection_timeout == 0)
		s->cfg.connection_timeout = 30;
	if (s->cfg.version == NULL)
		s->cfg.version = lexc_version();
	if (s->cfg.handler_threads == 0)
		s->cfg.handler_threads = LEXC_HANDLER_THREADS_DEFAULT;
	if (s->cfg.handler_queue_limit == 0)
		s->cfg.handler_queue_limit = LEXC_HANDLER_QUEUE_DEFAULT;
	s->cfg.auth_realm = realm;
	snprintf(s->www_authenticate, sizeof s->www_authenticate, "Bearer realm=\"%s\"", realm);
	s->methods = methods;
	s->n_methods = n_methods;
	s->entries = calloc(n_methods > 0 ? n_methods : 1, sizeof *s->entries);
	if (s->entries == NULL) {
		free(s);
		lexc_error_set(err, LEXC_NO_MEMORY, "server: out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n_methods; i++) {
		s->entries[i].method = methods[i];
		s->entries[i].auth = s->cfg.default_auth;
	}
	atomic_init(&s->live, 0);
	atomic_init(&s->stopping, false);
	pthread_mutex_init(&s->drain_mutex, NULL);
	pthread_cond_init(&s->drain_cond, NULL);
	pthread_mutex_init(&s->pool_mutex, NULL);
	pthread_cond_init(&s->pool_cond, NULL);
	pthread_cond_init(&s->idle_cond, NULL);
	return s;
}

static lexc_server_entry *entry_for(lexc_server *server, const char *nsid, lexc_error *err)
{
	const lexc_server_entry *e =
	        nsid != NULL ? lexc_server_find_(server, nsid, strlen(nsid)) : NULL;
	if (e == NULL) {
		lexc_error_set(err, LEXC_INVALID_REQUEST, "server: no method %s in the table",
		               nsid != NULL ? nsid : "(null)");
		return NULL;
	}
	if (server->started) {
		lexc_error_set(err, LEXC_INVALID_REQUEST, "server: %s: already started", nsid);
		return NULL;
	}
	return &server->entries[e - server->entries];
}

lexc_status lexc_server_register(lexc_server *server, const lexc_method *method,
                                 lexc_handler dispatch, void (*handler)(void), void *user,
                                 lexc_error *err)
{
	if (server == NULL || method == NULL || dispatch == NULL)
		return lexc_error_set(err, LEXC_INVALID_REQUEST,
		                      "server: register: missing argument");
	lexc_server_entry *e = entry_for(server, method->nsid, err);
	if (e == NULL)
		return LEXC_INVALID_REQUEST;
	/* Generated dispatchers call `handler`: a NULL one would crash the
	 * first request, so it takes the method back to 501 instead. */
	e->dispatch = handler != NULL ? dispatch : NULL;
	e->handler = handler;
	e->user = user;
	return LEXC_OK;
}

lexc_status lexc_server_set_auth(lexc_server *server, const char *nsid, lexc_auth_mode mode,
                                 lexc_error *err)
{
	if (server == NULL || nsid == NULL)
		return lexc_error_set(err, LEXC_INVALID_REQUEST,
		                      "server: set_auth: missing argument");
	if (mode != LEXC_AUTH_OPTIONAL && mode != LEXC_AUTH_REQUIRED)
		return lexc_error_set(err, LEXC_INVALID_REQUEST, "server: unknown auth mode %d",
		                      (int)mode);
	lexc_server_entry *e = entry_for(server, nsid, err);
	if (e == NULL)
		return LEXC_INVALID_REQUEST;
	e->auth = mode;
	return LEXC_OK;
}

/* MHD binds exactly the address we parse here, so a typo fails loudly
 * instead of silently listening on every interface. */
typedef union {
	struct sockaddr sa;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
} bind_addr;

static bool parse_address(const char *text, uint16_t port, bind_addr *a, bool *v6)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, text, &a->in4.sin_addr) == 1) {
		a->in4.sin_family = AF_INET;
		a->in4.sin_port = htons(port);
		*v6 = false;
		return true;
	}
	if (inet_pton(AF_INET6, text, &a->in6.sin6_addr) == 1) {
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_port = htons(port);
		*v6 = true;
		return true;
	}
	return false;
}

/* Stopping refuses new connections here rather than with
 * MHD_quiesce_daemon(): in libmicrohttpd 0.9.75 quiescing an epoll thread
 * pool races with the workers, which remove the listening socket from
 * their epoll sets themselves, and MHD then aborts ("Failed to remove
 * listen FD from epoll set"); the tests hit it. doc/server.md has more. */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
	(void)addr;
	(void)len;
	const lexc_server *server = cls;
	return atomic_load(&server->stopping) ? MHD_NO : MHD_YES;
}

lexc_status lexc_server_start(lexc_server *server, lexc_error *err)
{
	if (server == NULL)
		return lexc_error_set(err, LEXC_INVALID_REQUEST, "server: NULL");
	if (server->started)
		return lexc_error_set(err, LEXC_INVALID_REQUEST, "server: already started");
	bind_addr addr;
	bool v6 = false;
	if (!parse_address(server->cfg.address, server->cfg.port, &addr, &v6))
		return lexc_error_set(err, LEXC_INVALID_REQUEST,
		                      "server: address %s is not an IPv4 or IPv6 literal",
		                      server->cfg.address);
	unsigned threads = server->cfg.threads;
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	/* Suspend/resume: handlers run on the pool (server_pool.c). */
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
	if (v6)
		flags |= MHD_USE_IPv6;
	atomic_store(&server->stopping, false);
	lexc_status pst = lexc_server_pool_start_(server, err);
	if (pst != LEXC_OK)
		return pst;
	server->daemon = MHD_start_daemon(
	        flags, 0, accept_policy, server, lexc_server_access_, server, MHD_OPTION_SOCK_ADDR,
	        &addr.sa, MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
	        server->cfg.connection_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	        server->cfg.per_ip_connection_limit, MHD_OPTION_CONNECTION_TIMEOUT,
	        server->cfg.connection_timeout, MHD_OPTION_NOTIFY_COMPLETED, lexc_server_completed_,
	        server, MHD_OPTION_URI_LOG_CALLBACK, lexc_server_uri_, server, MHD_OPTION_END);
	if (server->daemon == NULL) {
		lexc_server_pool_join_(server);
		return lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
		                      "server: cannot listen on %s port %u", server->cfg.address,
		                      (unsigned)server->cfg.port);
	}
	const union MHD_DaemonInfo *info =
	        MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
	server->port = info != NULL ? info->port : server->cfg.port;
	server->started = true;
	return LEXC_OK;
}

uint16_t lexc_server_port(const lexc_server *server)
{
	return server != NULL ? server->port : 0;
}

/* Waits until no call is live or `drain_ms` have passed. */
static void drain(lexc_server *server, unsigned drain_ms)
{
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += drain_ms / 1000;
	deadline.tv_nsec += (long)(drain_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&server->drain_mutex);
	while (atomic_load(&server->live) > 0) {
		if (pthread_cond_timedwait(&server->drain_cond, &server->drain_mutex, &deadline) ==
		    ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&server->drain_mutex);
}

void lexc_server_stop(lexc_server *server, unsigned drain_ms)
{
	if (server == NULL || server->daemon == NULL)
		return;
	/* From here new connections are closed at once (accept_policy) and
	 * every answer carries Connection: close, so keep-alive clients leave. */
	atomic_store(&server->stopping, true);
	drain(server, drain_ms);
	/* MHD_stop_daemon() must not meet a suspended connection (it aborts):
	 * the calls still queued or deferred are answered 503 now, running
	 * handlers are waited for, and their answers get a moment to leave. */
	if (lexc_server_pool_abandon_(server))
		drain(server, 1000);
	MHD_stop_daemon(server->daemon);
	server->daemon = NULL;
	lexc_server_pool_join_(server);
	server->started = false;
}

/* SIGINT and SIGTERM are blocked in the calling thread before the daemon
 * starts, so MHD's workers inherit the mask and sigwait() here is the only
 * place they are delivered. The previous mask is restored afterwards. */
lexc_status lexc_server_run(lexc_server *server, lexc_error *err)
{
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, &set, &old) != 0)
		return lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
		                      "server: cannot block signals");
	lexc_status st = lexc_server_start(server, err);
	if (st == LEXC_OK) {
		/* Operators need the port, above all when 0 asked for any. */
		FILE *log = server->cfg.error_log != NULL ? server->cfg.error_log : stderr;
		const char *addr = server->cfg.address != NULL ? server->cfg.address : "127.0.0.1";
		bool v6 = strchr(addr, ':') != NULL;
		fprintf(log, "lexc: listening on http://%s%s%s:%u/xrpc/\n", v6 ? "[" : "", addr,
		        v6 ? "]" : "", (unsigned)server->port);
		fflush(log);
		int sig = 0;
		while (sigwait(&set, &sig) != 0)
			;
		lexc_server_stop(server, 10000);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return st;
}

void lexc_server_free(lexc_server *server)
{
	if (server == NULL)
		return;
	lexc_server_stop(server, 0);
	pthread_cond_destroy(&server->drain_cond);
	pthread_mutex_destroy(&server->drain_mutex);
	pthread_cond_destroy(&server->idle_cond);
	pthread_cond_destroy(&server->pool_cond);
	pthread_mutex_destroy(&server->pool_mutex);
	free(server->entries);
	free(server);
}
