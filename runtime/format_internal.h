/* Internals shared by the string-format checkers (format.c and the re2c
 * scanners format_*.re). Not installed; none of this is exported. */
#ifndef LEXC_FORMAT_INTERNAL_H
#define LEXC_FORMAT_INTERNAL_H

#include <lexc/format.h>

#include <stdbool.h>
#include <stddef.h>

/* Length limits (bytes). */
#define LEXC_DID_MAX 2048
#define LEXC_HANDLE_MAX 253
#define LEXC_NSID_MAX 317
#define LEXC_LABEL_MAX 63
#define LEXC_RKEY_MAX 512
#define LEXC_ATURI_MAX 8192
#define LEXC_URI_MAX 8192
#define LEXC_DATETIME_MAX 64
#define LEXC_LANGUAGE_MAX 128
#define LEXC_CID_MIN 8
#define LEXC_CID_MAX 256

/* Stores msg as the reason (when asked for) and reports failure. */
static inline bool lexc_format_fail_(const char **reason, const char *msg)
{
	if (reason != NULL)
		*reason = msg;
	return false;
}

/* A NULL span is only meaningful when empty; treat it as "". */
#define LEXC_FORMAT_SPAN_(s, len)                                                                  \
	do {                                                                                       \
		if ((s) == NULL) {                                                                 \
			(s) = "";                                                                  \
			(len) = 0;                                                                 \
		}                                                                                  \
	} while (0)

/* The component checkers return an error code so that at-uri can word its
 * reasons itself ("at-uri: collection: ..."). Each list gives the code and
 * the reason without its "format: " prefix; code 0 means valid. */
#define LEXC_DID_ERRORS(X)                                                                         \
	X(DID_TOO_LONG, "longer than 2048 characters")                                             \
	X(DID_PREFIX, "must start with \"did:\"")                                                  \
	X(DID_METHOD, "method must be lowercase letters")                                          \
	X(DID_NO_IDENT, "method must be followed by ':' and an identifier")                        \
	X(DID_IDENT_EMPTY, "identifier must not be empty")                                         \
	X(DID_IDENT_CHAR, "identifier may contain only ASCII letters, digits and . _ : % -")       \
	X(DID_IDENT_END, "must not end with ':' or '%'")

#define LEXC_HANDLE_ERRORS(X)                                                                      \
	X(HANDLE_TOO_LONG, "longer than 253 characters")                                           \
	X(HANDLE_EMPTY, "must not be empty")                                                       \
	X(HANDLE_LABEL_EMPTY, "labels must not be empty")                                          \
	X(HANDLE_TRAILING_DOT, "must not end with a dot")                                          \
	X(HANDLE_CHAR, "may contain only ASCII letters, digits, hyphens and dots")                 \
	X(HANDLE_HYPHEN, "labels must not start or end with a hyphen")                             \
	X(HANDLE_LABEL_LONG, "label longer than 63 characters")                                    \
	X(HANDLE_ONE_LABEL, "needs at least two labels")                                           \
	X(HANDLE_TLD, "last label must start with a letter")

#define LEXC_NSID_ERRORS(X)                                                                        \
	X(NSID_TOO_LONG, "longer than 317 characters")                                             \
	X(NSID_EMPTY, "must not be empty")                                                         \
	X(NSID_SEGMENT_EMPTY, "segments must not be empty")                                        \
	X(NSID_TRAILING_DOT, "must not end with a dot")                                            \
	X(NSID_CHAR, "may contain only ASCII letters, digits, hyphens and dots")                   \
	X(NSID_HYPHEN, "segments must not start or end with a hyphen")                             \
	X(NSID_SEGMENT_LONG, "segment longer than 63 characters")                                  \
	X(NSID_FEW, "needs at least three segments")                                               \
	X(NSID_FIRST_DIGIT, "first segment must not start with a digit")                           \
	X(NSID_NAME_START, "name (last segment) must start with a letter")                         \
	X(NSID_NAME_CHAR, "name (last segment) may contain only letters and digits")

#define LEXC_RKEY_ERRORS(X)                                                                        \
	X(RKEY_EMPTY, "must not be empty")                                                         \
	X(RKEY_TOO_LONG, "longer than 512 characters")                                             \
	X(RKEY_DOTS, "must not be \".\" or \"..\"")                                                \
	X(RKEY_CHAR, "may contain only ASCII letters, digits and . _ : ~ -")

#define LEXC_FORMAT_ERR_ENUM_(code, text) LEXC_##code,
enum lexc_did_err { LEXC_DID_OK, LEXC_DID_ERRORS(LEXC_FORMAT_ERR_ENUM_) };
enum lexc_handle_err { LEXC_HANDLE_OK, LEXC_HANDLE_ERRORS(LEXC_FORMAT_ERR_ENUM_) };
enum lexc_nsid_err { LEXC_NSID_OK, LEXC_NSID_ERRORS(LEXC_FORMAT_ERR_ENUM_) };
enum lexc_rkey_err { LEXC_RKEY_OK, LEXC_RKEY_ERRORS(LEXC_FORMAT_ERR_ENUM_) };
#undef LEXC_FORMAT_ERR_ENUM_

/* Component checkers (format_ident.re); the spans are as for the public
 * checkers. */
enum lexc_did_err lexc_did_scan_(const char *s, size_t len);
enum lexc_handle_err lexc_handle_scan_(const char *s, size_t len);
enum lexc_nsid_err lexc_nsid_scan_(const char *s, size_t len);
enum lexc_rkey_err lexc_rkey_scan_(const char *s, size_t len);

#endif /* LEXC_FORMAT_INTERNAL_H */
