/* store.c: the names of the store's results, events and statuses (store.h),
 * shared by every store implementation, the handlers and the logs. */
#include "config.h"

#include "store.h"

#include <string.h>

const char *wh_result_name(wh_result r)
{
	switch (r) {
	case WH_OK:
		return "WH_OK";
	case WH_NOT_FOUND:
		return "WH_NOT_FOUND";
	case WH_ALREADY_EXISTS:
		return "WH_ALREADY_EXISTS";
	case WH_DUPLICATE:
		return "WH_DUPLICATE";
	case WH_TOO_MANY:
		return "WH_TOO_MANY";
	case WH_TOO_MANY_RETIRED:
		return "WH_TOO_MANY_RETIRED";
	case WH_ARCHIVED:
		return "WH_ARCHIVED";
	case WH_SECRET_IS_NAMED:
		return "WH_SECRET_IS_NAMED";
	case WH_SECRET_NOT_FOUND:
		return "WH_SECRET_NOT_FOUND";
	case WH_SECRET_IN_USE:
		return "WH_SECRET_IN_USE";
	case WH_FAILED:
		return "WH_FAILED";
	}
	return "WH_UNKNOWN_RESULT";
}

/* In bit order: name i is the event of bit 1 << i (place.stream.server.defs). */
static const lexc_str event_names[WH_EVENT_COUNT] = {
        LEXC_STR_INIT("chat"),    LEXC_STR_INIT("livestream"),      LEXC_STR_INIT("follow"),
        LEXC_STR_INIT("mention"), LEXC_STR_INIT("stream.received"),
};

uint32_t wh_event_bit(lexc_str name)
{
	if (name.ptr == NULL)
		return 0;
	for (unsigned i = 0; i < WH_EVENT_COUNT; i++)
		if (lexc_str_eq(name, event_names[i]))
			return 1u << i;
	return 0;
}

const char *wh_event_name(unsigned i)
{
	return i < WH_EVENT_COUNT ? event_names[i].ptr : NULL;
}

const char *wh_status_name(wh_status s)
{
	switch (s) {
	case WH_STATUS_ACTIVE:
		return "active";
	case WH_STATUS_SUSPENDED:
		return "suspended";
	case WH_STATUS_ARCHIVED:
		return "archived";
	}
	return NULL;
}

const char *wh_format_name(wh_format f)
{
	switch (f) {
	case WH_FORMAT_AUTO:
		return "auto";
	case WH_FORMAT_STANDARD:
		return "standard";
	case WH_FORMAT_DISCORD:
		return "discord";
	}
	return NULL;
}

const char *wh_outcome_name(wh_outcome o)
{
	static const char *const names[] = {"success",  "retry", "failed",
	                                    "disabled", "muted", "cancelled"};
	return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : NULL;
}

/* Row encoding shared by the stores ------------------------------------------ */

/* Lists in a column: each string as a 4-byte little-endian length and its
 * bytes. NULL is "not given"; an empty blob is an empty list. */
static bool list_encode(lexc_arena *a, const lexc_str *items, size_t n, const void **out,
                        size_t *len)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += 4 + items[i].len;
	unsigned char *buf = lexc_arena_alloc(a, total ? total : 1);
	if (buf == NULL)
		return false;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t l = (uint32_t)items[i].len;
		buf[o] = (unsigned char)l;
		buf[o + 1] = (unsigned char)(l >> 8);
		buf[o + 2] = (unsigned char)(l >> 16);
		buf[o + 3] = (unsigned char)(l >> 24);
		memcpy(buf + o + 4, items[i].ptr, items[i].len);
		o += 4 + items[i].len;
	}
	*out = buf;
	*len = total;
	return true;
}

/* false if the blob is not a list list_encode made. */
static bool list_decode(lexc_arena *a, const unsigned char *p, size_t len, lexc_str **out,
                        size_t *n)
{
	size_t count = 0;
	for (size_t o = 0; o < len; count++) {
		if (len - o < 4)
			return false;
		size_t l = (size_t)p[o] | (size_t)p[o + 1] << 8 | (size_t)p[o + 2] << 16 |
		           (size_t)p[o + 3] << 24;
		if (len - o - 4 < l)
			return false;
		o += 4 + l;
	}
	lexc_str *items = lexc_arena_calloc(a, count ? count : 1, sizeof *items);
	if (items == NULL)
		return false;
	size_t o = 0;
	for (size_t i = 0; i < count; i++) {
		size_t l = (size_t)p[o] | (size_t)p[o + 1] << 8 | (size_t)p[o + 2] << 16 |
		           (size_t)p[o + 3] << 24;
		items[i] = lexc_str_copy_n(a, (const char *)p + o + 4, l);
		if (items[i].ptr == NULL)
			return false;
		o += 4 + l;
	}
	*out = items;
	*n = count;
	return true;
}

/* The webhook's lists as column blobs (NULL when not given). */
bool wh_webhook_lists_encode(lexc_arena *a, const wh_webhook *w, const void **rewrite,
                             size_t *rewrite_len, const void **mute, size_t *mute_len)
{
	*rewrite = *mute = NULL;
	*rewrite_len = *mute_len = 0;
	if (w->has_rewrite) {
		lexc_str *flat =
		        lexc_arena_calloc(a, w->n_rewrite ? 2 * w->n_rewrite : 1, sizeof *flat);
		if (flat == NULL)
			return false;
		for (size_t i = 0; i < w->n_rewrite; i++) {
			flat[2 * i] = w->rewrite[i].from;
			flat[2 * i + 1] = w->rewrite[i].to;
		}
		if (!list_encode(a, flat, 2 * w->n_rewrite, rewrite, rewrite_len))
			return false;
	}
	if (w->has_mute_words && !list_encode(a, w->mute_words, w->n_mute_words, mute, mute_len))
		return false;
	return true;
}

/* The inverse of wh_webhook_lists_encode, into w (arena). */
bool wh_webhook_lists_decode(lexc_arena *a, wh_webhook *w, bool has_rewrite,
                             const unsigned char *rewrite, size_t rewrite_len, bool has_mute,
                             const unsigned char *mute, size_t mute_len)
{
	if (has_rewrite) {
		lexc_str *flat = NULL;
		size_t n = 0;
		if (!list_decode(a, rewrite, rewrite_len, &flat, &n) || n % 2 != 0)
			return false;
		w->has_rewrite = true;
		w->n_rewrite = n / 2;
		w->rewrite = lexc_arena_calloc(a, n ? n / 2 : 1, sizeof *w->rewrite);
		if (w->rewrite == NULL)
			return false;
		for (size_t i = 0; i < n / 2; i++)
			w->rewrite[i] = (wh_rewrite){flat[2 * i], flat[2 * i + 1]};
	}
	if (has_mute) {
		if (!list_decode(a, mute, mute_len, &w->mute_words, &w->n_mute_words))
			return false;
		w->has_mute_words = true;
	}
	return true;
}

lexc_str wh_id_array(lexc_arena *a, const lexc_str *ids, size_t n, char open, char close)
{
	size_t len = 3;
	for (size_t i = 0; i < n; i++)
		len += ids[i].len + 3;
	char *buf = lexc_arena_alloc(a, len);
	if (buf == NULL)
		return lexc_str_borrow(NULL);
	size_t o = 0;
	buf[o++] = open;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf[o++] = ',';
		buf[o++] = '"';
		memcpy(buf + o, ids[i].ptr, ids[i].len);
		o += ids[i].len;
		buf[o++] = '"';
	}
	buf[o++] = close;
	buf[o] = '\0';
	return lexc_str_borrow_n(buf, o);
}
