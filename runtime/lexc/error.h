/* lexc/error.h: status codes and the error value every fallible call fills.
 *
 * One X-macro list (LEXC_STATUSES) yields the enum, the XRPC error name and
 * the HTTP status of each code, so the three can never drift apart.
 *
 * A lexc_error is a plain value with fixed-size buffers: filling one never
 * allocates, so it works when memory is exhausted. The caller owns it. */
#ifndef LEXC_ERROR_H
#define LEXC_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(ID, XRPC error name, HTTP status). The names are those of the reference
 * implementation's ResponseType (packages/xrpc/src/types.ts); LEXC_NO_MEMORY
 * and LEXC_LIMIT_EXCEEDED are local causes that answer as the spec's
 * generic names. */
#define LEXC_STATUSES(X)                                                                           \
	X(OK, "", 200)                                                                             \
	X(INVALID_REQUEST, "InvalidRequest", 400)                                                  \
	X(AUTHENTICATION_REQUIRED, "AuthenticationRequired", 401)                                  \
	X(FORBIDDEN, "Forbidden", 403)                                                             \
	X(XRPC_NOT_SUPPORTED, "XRPCNotSupported", 404)                                             \
	X(HTTP_METHOD_NOT_ALLOWED, "InvalidRequest", 405)                                          \
	X(NOT_ACCEPTABLE, "NotAcceptable", 406)                                                    \
	X(PAYLOAD_TOO_LARGE, "PayloadTooLarge", 413)                                               \
	X(UNSUPPORTED_MEDIA_TYPE, "UnsupportedMediaType", 415)                                     \
	X(RATE_LIMIT_EXCEEDED, "RateLimitExceeded", 429)                                           \
	X(INTERNAL_SERVER_ERROR, "InternalServerError", 500)                                       \
	X(NO_MEMORY, "InternalServerError", 500)                                                   \
	X(LIMIT_EXCEEDED, "PayloadTooLarge", 413)                                                  \
	X(METHOD_NOT_IMPLEMENTED, "MethodNotImplemented", 501)                                     \
	X(UPSTREAM_FAILURE, "UpstreamFailure", 502)                                                \
	X(NOT_ENOUGH_RESOURCES, "NotEnoughResources", 503)                                         \
	X(UPSTREAM_TIMEOUT, "UpstreamTimeout", 504)

/* clang-format off */
typedef enum lexc_status {
#define LEXC_STATUS_ENUM_(id, name, http) LEXC_##id,
	LEXC_STATUSES(LEXC_STATUS_ENUM_)
#undef LEXC_STATUS_ENUM_
	LEXC_STATUS_COUNT_
} lexc_status;
/* clang-format on */

/* Sizes of the fixed buffers in lexc_error; longer text is truncated (and
 * truncation never splits a UTF-8 sequence). */
enum { LEXC_ERROR_NAME_MAX = 64, LEXC_ERROR_PATH_MAX = 256, LEXC_ERROR_MESSAGE_MAX = 256 };

typedef struct lexc_error {
	lexc_status code;
	char name[LEXC_ERROR_NAME_MAX];       /* XRPC error name; "" = the code's own */
	char path[LEXC_ERROR_PATH_MAX];       /* JSON path such as "$.rewrite[2].from", or "" */
	char message[LEXC_ERROR_MESSAGE_MAX]; /* what rule failed, for people */
} lexc_error;

/* The code's XRPC error name ("InvalidRequest"); "InternalServerError" for
 * out-of-range codes. */
const char *lexc_status_name(lexc_status code);

/* The code's HTTP status (400); 500 for out-of-range codes. */
int lexc_status_http(lexc_status code);

/* The code's C identifier without the prefix ("INVALID_REQUEST"), for logs. */
const char *lexc_status_id(lexc_status code);

/* Resets `err` to LEXC_OK with empty strings. */
void lexc_error_clear(lexc_error *err);

/* Sets code and message (printf-style) and clears name and path. Returns
 * `code` so that callers can write `return lexc_error_set(err, ...);`.
 * `err` may be NULL, in which case only the code is returned. */
lexc_status lexc_error_set(lexc_error *err, lexc_status code, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;

lexc_status lexc_error_setv(lexc_error *err, lexc_status code, const char *fmt, va_list ap)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 0)))
#endif
        ;

/* Overrides the XRPC error name, for errors a lexicon declares. `name` must
 * be ASCII without whitespace; other names are replaced by the code's own. */
void lexc_error_set_name(lexc_error *err, const char *name);

/* The XRPC error name to send: the override if set, else the code's. */
const char *lexc_error_name(const lexc_error *err);

/* Path building while unwinding: the innermost frame sets the path first,
 * each enclosing frame prepends its own step. Paths start with "$".
 * A key that is a plain identifier is written ".key", any other key as
 * ["..."] with JSON escaping, an index as [i]. */
void lexc_error_path_prepend_key(lexc_error *err, const char *key, size_t len);
void lexc_error_path_prepend_index(lexc_error *err, size_t index);

/* Writes "PATH: MESSAGE" (or just MESSAGE without a path) into buf, always
 * NUL-terminated when size > 0. Returns the length it would have written. */
size_t lexc_error_format(const lexc_error *err, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* LEXC_ERROR_H */
