/* server_log.c: the XRPC server's two logs. The error log gets one line
 * per fault (a 5xx's cause); the access log one line per request, written
 * in the completion callback. Each line is a single fwrite(): stdio locks
 * the stream, so lines from different threads never mix. */
#include "config.h"

#include "server_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void iso_time(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

void lexc_server_log_fault_(const lexc_server *server, const char *nsid, const char *fmt, ...)
{
	char when[40], text[1024];
	iso_time(when, sizeof when);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	char line[1200];
	int n = snprintf(line, sizeof line, "%s lexc-server: %s: %s\n", when,
	                 nsid[0] != '\0' ? nsid : "-", text);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
	FILE *f = server->cfg.error_log != NULL ? server->cfg.error_log : stderr;
	fwrite(line, 1, len, f);
	fflush(f);
}

/* The path for the log: bytes outside printable ASCII (and '"', '\\') are
 * written as \xHH, so a request cannot forge log lines. */
static void log_path(char *out, size_t size, const char *path)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)path; *p != '\0' && o + 5 < size;
	     p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", *p);
		else
			out[o++] = (char)*p;
	}
	out[o] = '\0';
}

void lexc_server_log_access_(const lexc_call *call)
{
	FILE *f = call->server->cfg.access_log;
	if (f == NULL)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long us = (long long)(now.tv_sec - call->start.tv_sec) * 1000000LL +
	               (now.tv_nsec - call->start.tv_nsec) / 1000;
	char when[40], path[512], verb[16], line[700];
	iso_time(when, sizeof when);
	log_path(path, sizeof path, call->path != NULL ? call->path : "");
	log_path(verb, sizeof verb, call->verb != NULL ? call->verb : "");
	char status[16] = "-";
	if (call->status != 0)
		snprintf(status, sizeof status, "%u", call->status);
	int n = snprintf(line, sizeof line, "%s %s %s %s %s %zu %lld\n", when,
	                 call->remote[0] != '\0' ? call->remote : "-", verb, path, status,
	                 call->resp_bytes, us);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
	if (len == sizeof line - 1)
		line[len - 1] = '\n';
	fwrite(line, 1, len, f);
	fflush(f);
}
