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
