/* webhook_receiver.c: a programmable webhook receiver on 127.0.0.1, for
 * webhookd's end-to-end tests and its delivery benchmark.
 *
 *   webhook_receiver --port N [--port-file PATH] [--log PATH] [--stats PATH]
 *                    [--ids PATH] [--threads N]
 *
 * The request path says how to answer (every answer comes after the whole
 * body is read):
 *   /ok                    200          /ok204        204
 *   /status/CODE           CODE, body "status CODE"
 *   /fail/N/CODE           CODE to the first N requests of each webhook-id, then 200
 *   /retry-after/S/N       429 with Retry-After: S to the first N of each webhook-id, then 200
 *   /sleep/MS              200 after MS milliseconds
 *   /redirect              302 to /ok       /big   200 with a 100,000-byte body
 *   /headers               200 with X-Test: yes          else 404
 * --log writes one JSON line per request (time, path, the webhook-*
 * headers, body, status sent), flushed at once: the tests read it.
 * --stats writes, on SIGTERM, SIGINT and SIGUSR1, the request count and
 * the latency from the body's first "timestamp" (the event's publish
 * time) to its receipt: p50, p99, max.
 * --ids writes the webhook-id of each request answered 2xx, one per line
 * (flushed on SIGUSR1 and at exit): the scale-out test counts lost and
 * duplicate deliveries from it.
 * --threads N (default 0): 0 runs a thread per connection (so /sleep blocks
 * only its own connection); N > 0 a pool of N poll threads (the benchmark).
 * Per-request state is made in the first callback and freed in the
 * completion callback (libmicrohttpd's model). */
#define _GNU_SOURCE 1
#include <microhttpd.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum { BODY_MAX = 1 << 20, LATENCY_BUCKETS = 10000, IDS = 4096 };

static FILE *log_file, *ids_file;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char *stats_path;
static uint16_t port;
static atomic_uint_fast64_t requests;
static atomic_uint_fast64_t latency[LATENCY_BUCKETS + 1];
static atomic_uint_fast64_t samples;
static atomic_int_fast64_t latency_max, first_ms, last_ms;
static volatile sig_atomic_t stop, dump;

/* Requests seen per webhook-id and path, for /fail and /retry-after. */
static struct seen {
	char key[160];
	unsigned count;
} seen[IDS];
static size_t n_seen;

typedef struct request {
	char *body;
	size_t len;
	bool too_big;
} request;

static int64_t now_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* How many times (before this one) this id asked at this path. */
static unsigned count_seen(const char *id, const char *path)
{
	char key[160];
	snprintf(key, sizeof key, "%s %s", id != NULL ? id : "", path);
	pthread_mutex_lock(&lock);
	unsigned n = 0;
	size_t i = 0;
	while (i < n_seen && strcmp(seen[i].key, key) != 0)
		i++;
	if (i == n_seen && n_seen < IDS) {
		strcpy(seen[n_seen].key, key);
		seen[n_seen++].count = 0;
	}
	if (i < n_seen)
		n = seen[i].count++;
	pthread_mutex_unlock(&lock);
	return n;
}

static void json_string(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; s != NULL && i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_header(FILE *f, const char *name, const char *v)
{
	fprintf(f, ",\"%s\":", name);
	json_string(f, v, v != NULL ? strlen(v) : 0);
}

/* The body's first "timestamp":"...Z" as ms since the epoch; -1 if none. */
static int64_t body_time(const char *b, size_t len)
{
	const char *p = memmem(b, len, "\"timestamp\":\"", 13);
	if (p == NULL || (size_t)(b + len - p) < 13 + 24)
		return -1;
	p += 13;
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	int ms = 0;
	if (sscanf(p, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000 + ms;
}

static void record(const char *body, size_t len)
{
	int64_t t = now_ms();
	atomic_fetch_add(&requests, 1);
	int64_t zero = 0;
	atomic_compare_exchange_strong(&first_ms, &zero, t);
	atomic_store(&last_ms, t);
	int64_t at = body_time(body, len);
	if (at < 0)
		return;
	int64_t d = t - at;
	if (d < 0)
		d = 0;
	atomic_fetch_add(&latency[d < LATENCY_BUCKETS ? d : LATENCY_BUCKETS], 1);
	atomic_fetch_add(&samples, 1);
	int64_t m = atomic_load(&latency_max);
	while (d > m && !atomic_compare_exchange_weak(&latency_max, &m, d))
		;
}

static int64_t percentile(double q)
{
	uint64_t n = atomic_load(&samples), want = (uint64_t)(q * (double)n), seen_ = 0;
	for (int i = 0; i <= LATENCY_BUCKETS; i++) {
		seen_ += atomic_load(&latency[i]);
		if (seen_ > want || (seen_ == n && n > 0))
			return i;
	}
	return -1;
}

static void write_stats(void)
{
	if (stats_path == NULL)
		return;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", stats_path);
	FILE *f = fopen(tmp, "w");
	if (f == NULL)
		return;
	fprintf(f,
	        "{\"requests\":%llu,\"latency_samples\":%llu,\"p50_ms\":%lld,\"p99_ms\":%lld,"
	        "\"max_ms\":%lld,\"first_ms\":%lld,\"last_ms\":%lld}\n",
	        (unsigned long long)atomic_load(&requests),
	        (unsigned long long)atomic_load(&samples), (long long)percentile(0.5),
	        (long long)percentile(0.99), (long long)atomic_load(&latency_max),
	        (long long)atomic_load(&first_ms), (long long)atomic_load(&last_ms));
	fclose(f);
	rename(tmp, stats_path);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *body,
                             size_t len, const char *hname, const char *hvalue)
{
	struct MHD_Response *r =
	        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	if (hname != NULL)
		MHD_add_response_header(r, hname, hvalue);
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
	(void)cls;
	(void)version;
	request *rq = *state;
	if (rq == NULL) {
		rq = calloc(1, sizeof *rq);
		if (rq == NULL)
			return MHD_NO;
		*state = rq;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (rq->len + *upload_size > BODY_MAX) {
			rq->too_big = true;
		} else {
			char *p = realloc(rq->body, rq->len + *upload_size + 1);
			if (p == NULL)
				return MHD_NO;
			rq->body = p;
			memcpy(rq->body + rq->len, upload, *upload_size);
			rq->len += *upload_size;
			/* body_time()'s sscanf reads a C string: glibc takes its
			 * strlen first, past the body under ASan without this. */
			rq->body[rq->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	const char *id = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "webhook-id");
	record(rq->body, rq->len);
	unsigned status = 404;
	const char *hname = NULL;
	char hvalue[64] = "";
	char text[128] = "";
	const char *body = text;
	size_t blen = 0;
	static char big[100000];
	unsigned a, b;
	if (rq->too_big) {
		status = 413;
	} else if (strcmp(url, "/ok") == 0) {
		status = 200;
	} else if (strcmp(url, "/ok204") == 0) {
		status = 204;
	} else if (sscanf(url, "/status/%u", &a) == 1 && a >= 100 && a < 600) {
		status = a;
		blen = (size_t)snprintf(text, sizeof text, "status %u", a);
	} else if (sscanf(url, "/fail/%u/%u", &a, &b) == 2 && b >= 100 && b < 600) {
		status = count_seen(id, url) < a ? b : 200;
		blen = (size_t)snprintf(text, sizeof text, "status %u", status);
	} else if (sscanf(url, "/retry-after/%u/%u", &a, &b) == 2) {
		if (count_seen(id, url) < b) {
			status = 429;
			hname = "Retry-After";
			snprintf(hvalue, sizeof hvalue, "%u", a);
		} else {
			status = 200;
		}
	} else if (sscanf(url, "/sleep/%u", &a) == 1) {
		usleep(a * 1000u);
		status = 200;
	} else if (strcmp(url, "/redirect") == 0) {
		status = 302;
		hname = "Location";
		snprintf(hvalue, sizeof hvalue, "http://127.0.0.1:%u/ok", port);
	} else if (strcmp(url, "/big") == 0) {
		memset(big, 'x', sizeof big);
		body = big;
		blen = sizeof big;
		status = 200;
	} else if (strcmp(url, "/headers") == 0) {
		status = 200;
		hname = "X-Test";
		strcpy(hvalue, "yes");
	}
	if (ids_file != NULL && status / 100 == 2) {
		pthread_mutex_lock(&lock);
		fprintf(ids_file, "%s\n", id != NULL ? id : "-");
		pthread_mutex_unlock(&lock);
	}
	if (log_file != NULL) {
		/* One record, one write: readers of the log never see half a line. */
		char *rec = NULL;
		size_t rec_len = 0;
		FILE *f = open_memstream(&rec, &rec_len);
		if (f == NULL)
			abort();
		fprintf(f, "{\"t\":%lld,\"method\":", (long long)now_ms());
		json_string(f, method, strlen(method));
		json_header(f, "path", url);
		json_header(f, "id", id);
		json_header(f, "ts",
		            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "webhook-timestamp"));
		json_header(f, "sig",
		            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "webhook-signature"));
		json_header(f, "ctype",
		            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "content-type"));
		json_header(f, "ua", MHD_lookup_connection_value(c, MHD_HEADER_KIND, "user-agent"));
		fprintf(f, ",\"len\":%zu,\"body\":", rq->len);
		json_string(f, rq->body, rq->len);
		fprintf(f, ",\"status\":%u}\n", status);
		if (fclose(f) != 0)
			abort();
		pthread_mutex_lock(&lock);
		if (write(fileno(log_file), rec, rec_len) != (ssize_t)rec_len)
			abort();
		pthread_mutex_unlock(&lock);
		free(rec);
	}
	return reply(c, status, body, blen, hname, hvalue);
}

static void completed(void *cls, struct MHD_Connection *c, void **state,
                      enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)c;
	(void)why;
	request *rq = *state;
	if (rq != NULL) {
		free(rq->body);
		free(rq);
	}
	*state = NULL;
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump = 1;
	else
		stop = 1;
}

int main(int argc, char **argv)
{
	const char *port_file = NULL, *log_path = NULL, *ids_path = NULL;
	unsigned threads = 0;
	long want_port = 0;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--port") == 0)
			want_port = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--port-file") == 0)
			port_file = argv[i + 1];
		else if (strcmp(argv[i], "--log") == 0)
			log_path = argv[i + 1];
		else if (strcmp(argv[i], "--stats") == 0)
			stats_path = argv[i + 1];
		else if (strcmp(argv[i], "--ids") == 0)
			ids_path = argv[i + 1];
		else if (strcmp(argv[i], "--threads") == 0)
			threads = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else {
			fprintf(stderr, "webhook_receiver: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (log_path != NULL && (log_file = fopen(log_path, "a")) == NULL) {
		fprintf(stderr, "webhook_receiver: %s: %s\n", log_path, strerror(errno));
		return 1;
	}
	if (ids_path != NULL && (ids_file = fopen(ids_path, "a")) == NULL) {
		fprintf(stderr, "webhook_receiver: %s: %s\n", ids_path, strerror(errno));
		return 1;
	}
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)want_port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	unsigned flags = MHD_USE_ERROR_LOG;
	/* poll, not epoll: libmicrohttpd 0.9.75's epoll loop stalls for a
	 * timeout per turn once some 128 connections upload bodies at once
	 * (bench/curl_multi: 5,900 requests/s at 256 connections with epoll,
	 * 50,000 with poll). */
	flags |= threads == 0 ? MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD
	                      : MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
	struct MHD_Daemon *d = MHD_start_daemon(
	        flags, (uint16_t)want_port, NULL, NULL, answer, NULL, MHD_OPTION_SOCK_ADDR, &sa,
	        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_CONNECTION_LIMIT, 4096u,
	        MHD_OPTION_CONNECTION_TIMEOUT, 60u,
	        threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads,
	        MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "webhook_receiver: cannot listen\n");
		return 1;
	}
	port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
	printf("listening on 127.0.0.1:%u\n", port);
	fflush(stdout);
	if (port_file != NULL) {
		char tmp[4096];
		snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
		FILE *f = fopen(tmp, "w");
		if (f == NULL || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0 ||
		    rename(tmp, port_file) != 0) {
			fprintf(stderr, "webhook_receiver: %s: %s\n", port_file, strerror(errno));
			return 1;
		}
	}
	struct sigaction act;
	memset(&act, 0, sizeof act);
	act.sa_handler = on_signal;
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGUSR1, &act, NULL);
	while (!stop) {
		pause();
		if (dump) {
			dump = 0;
			if (ids_file != NULL) {
				pthread_mutex_lock(&lock);
				fflush(ids_file);
				pthread_mutex_unlock(&lock);
			}
			write_stats();
		}
	}
	MHD_stop_daemon(d);
	write_stats();
	if (log_file != NULL)
		fclose(log_file);
	if (ids_file != NULL)
		fclose(ids_file);
	return 0;
}
