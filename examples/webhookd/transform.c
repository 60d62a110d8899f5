/* transform.c: Streamplace's content transforms and Discord payloads
 * (transform.h). */
#include "config.h"

#include "transform.h"

#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* U+200B ZERO WIDTH SPACE: Discord does not see a mention across it. */
#define ZWSP "\xE2\x80\x8B"

static const wh_rewrite anti_ping[] = {
        {LEXC_STR_INIT("@here"), LEXC_STR_INIT("@" ZWSP "here")},
        {LEXC_STR_INIT("@everyone"), LEXC_STR_INIT("@" ZWSP "everyone")},
        {LEXC_STR_INIT("<@"), LEXC_STR_INIT("<@" ZWSP)},
};

/* A growable text in the arena; cap counts the NUL. */
typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

/* Room for `need` bytes plus a NUL, keeping the text. Doubling bounds the
 * arena's waste by the final size. */
static bool sbuf_reserve(lexc_arena *a, sbuf *b, size_t need)
{
	if (need > WH_CONTENT_MAX)
		return false;
	if (need < b->cap)
		return true;
	size_t cap = b->cap != 0 ? b->cap : 128;
	while (cap <= need)
		cap *= 2;
	char *p = lexc_arena_realloc(a, b->p, b->cap, cap);
	if (p == NULL)
		return false;
	b->p = p;
	b->cap = cap;
	return true;
}

static bool sbuf_add(lexc_arena *a, sbuf *b, lexc_str s)
{
	if (s.len > WH_CONTENT_MAX || !sbuf_reserve(a, b, b->len + s.len))
		return false;
	if (s.len != 0)
		memcpy(b->p + b->len, s.ptr, s.len);
	b->len += s.len;
	b->p[b->len] = '\0';
	return true;
}

/* Go's strings.ReplaceAll(src, from, to), leftmost and non-overlapping,
 * into *spare, which then swaps with *src. Each pass scans once (memmem
 * restarts after each match); nothing is copied when nothing matches. */
static bool replace_all(lexc_arena *a, sbuf *src, sbuf *spare, lexc_str from, lexc_str to)
{
	if (from.len == 0 || src->len < from.len)
		return true;
	size_t n = 0;
	const char *end = src->p + src->len;
	for (const char *p = src->p, *q; (size_t)(end - p) >= from.len &&
	                                 (q = memmem(p, (size_t)(end - p), from.ptr, from.len));
	     p = q + from.len)
		n++;
	if (n == 0)
		return true;
	size_t len = src->len - n * from.len; /* the matches do not overlap */
	if (to.len != 0 && n > (WH_CONTENT_MAX - len) / to.len)
		return false;
	len += n * to.len;
	spare->len = 0;
	if (!sbuf_reserve(a, spare, len))
		return false;
	char *out = spare->p;
	const char *p = src->p;
	for (size_t i = 0; i < n; i++) {
		const char *q = memmem(p, (size_t)(end - p), from.ptr, from.len);
		memcpy(out, p, (size_t)(q - p));
		out += q - p;
		if (to.len != 0)
			memcpy(out, to.ptr, to.len);
		out += to.len;
		p = q + from.len;
	}
	memcpy(out, p, (size_t)(end - p));
	spare->len = len;
	spare->p[len] = '\0';
	sbuf t = *src;
	*src = *spare;
	*spare = t;
	return true;
}

static bool apply(lexc_arena *a, sbuf *s, sbuf *spare, const wh_rewrite *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!replace_all(a, s, spare, r[i].from, r[i].to))
			return false;
	return true;
}

/* The null string as "" for the pieces below. */
static lexc_str str_or_empty(lexc_str s)
{
	return s.ptr != NULL ? s : LEXC_STR("");
}

static lexc_str done(sbuf *s, bool ok)
{
	if (!ok)
		return (lexc_str){NULL, 0};
	return (lexc_str){s->p, s->len};
}

lexc_str wh_event_content(lexc_arena *a, const wh_webhook *w, wh_style style,
                          const wh_event_view *e)
{
	if ((e->type & (WH_EVENT_CHAT | WH_EVENT_FOLLOW | WH_EVENT_MENTION | WH_EVENT_LIVESTREAM |
	                WH_EVENT_STREAM_RECEIVED | WH_EVENT_PING)) == 0 ||
	    (e->type & (e->type - 1)) != 0)
		return (lexc_str){NULL, 0};
	sbuf s = {0}, spare = {0};
	lexc_str prefix = str_or_empty(w->prefix), suffix = str_or_empty(w->suffix);
	lexc_str handle = str_or_empty(e->author.handle);
	/* An empty text still gets a buffer, so that "" is not the null string. */
	bool ok = sbuf_reserve(a, &s, 0);
	switch (e->type) {
	case WH_EVENT_CHAT:
	case WH_EVENT_FOLLOW:
	case WH_EVENT_MENTION:
		/* send-chat.go buildChatPayload: wrap, anti-ping, then the
		 * webhook's rules, "in case user wants to undo the above". */
		if (e->type == WH_EVENT_CHAT && style == WH_STYLE_STREAMPLACE)
			ok = ok && sbuf_add(a, &s, LEXC_STR("**@")) && sbuf_add(a, &s, handle) &&
			     sbuf_add(a, &s, LEXC_STR("**: "));
		ok = ok && sbuf_add(a, &s, prefix);
		if (e->type == WH_EVENT_CHAT) {
			ok = ok && sbuf_add(a, &s, str_or_empty(e->text));
		} else if (e->type == WH_EVENT_FOLLOW) {
			ok = ok && sbuf_add(a, &s, LEXC_STR("@")) && sbuf_add(a, &s, handle) &&
			     sbuf_add(a, &s, LEXC_STR(" followed you"));
		} else {
			ok = ok && sbuf_add(a, &s, LEXC_STR("@")) && sbuf_add(a, &s, handle) &&
			     sbuf_add(a, &s, LEXC_STR(" mentioned you: ")) &&
			     sbuf_add(a, &s, str_or_empty(e->text));
		}
		ok = ok && sbuf_add(a, &s, suffix);
		ok = ok && apply(a, &s, &spare, anti_ping, sizeof anti_ping / sizeof anti_ping[0]);
		ok = ok && apply(a, &s, &spare, w->rewrite, w->n_rewrite);
		return done(&s, ok);
	case WH_EVENT_LIVESTREAM:
	case WH_EVENT_STREAM_RECEIVED:
	case WH_EVENT_PING: {
		/* send-livestream.go, send-stream-received.go: the rules on the
		 * core text only, then the wrapping; no anti-ping. */
		if (e->type == WH_EVENT_LIVESTREAM)
			ok = ok && sbuf_add(a, &s, LEXC_STR("\xF0\x9F\x94\xB4 LIVE ")) &&
			     sbuf_add(a, &s, str_or_empty(e->title));
		else if (e->type == WH_EVENT_STREAM_RECEIVED)
			ok = ok && sbuf_add(a, &s, LEXC_STR("stream.received ")) &&
			     sbuf_add(a, &s, str_or_empty(e->author.did));
		else
			ok = ok && sbuf_add(a, &s, LEXC_STR("webhookd test ping"));
		ok = ok && apply(a, &s, &spare, w->rewrite, w->n_rewrite);
		sbuf out = {0};
		ok = ok && sbuf_reserve(a, &out, 0) && sbuf_add(a, &out, prefix) &&
		     sbuf_add(a, &out, (lexc_str){s.p, s.len}) && sbuf_add(a, &out, suffix);
		return done(&out, ok);
	}
	default:
		return (lexc_str){NULL, 0};
	}
}

/* One code point of Go's `range` over a string: an invalid byte is U+FFFD
 * of width 1. Then lowercased as unicode.ToLower does. */
static size_t next_lower(const char *s, size_t len, int32_t *cp)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n =
	        utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &c);
	if (n <= 0) {
		c = 0xFFFD;
		n = 1;
	}
	*cp = utf8proc_tolower(c);
	return (size_t)n;
}

/* strings.Contains(strings.ToLower(text), strings.ToLower(word)) without
 * building either: both lowercased texts are valid UTF-8, so a byte match
 * is a match of code points starting at a code point of the text. */
static bool contains_lower(lexc_str text, lexc_str word)
{
	if (word.len == 0)
		return true;
	for (size_t i = 0; i < text.len;) {
		size_t ti = i, wi = 0, step = 0;
		for (;;) {
			int32_t tc, wc;
			size_t tn = next_lower(text.ptr + ti, text.len - ti, &tc);
			if (ti == i)
				step = tn;
			wi += next_lower(word.ptr + wi, word.len - wi, &wc);
			if (tc != wc)
				break;
			ti += tn;
			if (wi == word.len)
				return true;
			if (ti == text.len)
				return false; /* later starts have fewer code points still */
		}
		i += step;
	}
	return false;
}

bool wh_event_muted(const wh_webhook *w, const wh_event_view *e)
{
	if (e->type != WH_EVENT_CHAT && e->type != WH_EVENT_MENTION)
		return false;
	lexc_str text = str_or_empty(e->text);
	for (size_t i = 0; i < w->n_mute_words; i++)
		if (contains_lower(text, str_or_empty(w->mute_words[i])))
			return true;
	return false;
}

static const char *const discord_hosts[] = {
        "discord.com",    "ptb.discord.com",    "canary.discord.com",
        "discordapp.com", "ptb.discordapp.com", "canary.discordapp.com",
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Consumes literal `lit` at s[*i]. */
static bool eat(const char *s, size_t n, size_t *i, const char *lit)
{
	size_t l = strlen(lit);
	if (n - *i < l || memcmp(s + *i, lit, l) != 0)
		return false;
	*i += l;
	return true;
}

/* Consumes one or more bytes of a class. */
static bool eat_run(const char *s, size_t n, size_t *i, bool token)
{
	size_t start = *i;
	while (*i < n &&
	       (token ? is_alnum(s[*i]) || s[*i] == '-' || s[*i] == '_' : is_digit(s[*i])))
		(*i)++;
	return *i > start;
}

bool wh_is_discord_url(lexc_str url)
{
	const char *s = url.ptr;
	size_t n = url.len;
	if (s == NULL)
		return false;
	/* Whitespace, controls, backslashes and raw non-ASCII are where URL
	 * parsers disagree; a real webhook URL has none. */
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)s[k] <= 0x20 || (unsigned char)s[k] >= 0x7f || s[k] == '\\')
			return false;
	if (n < 8 || strncasecmp(s, "https://", 8) != 0)
		return false;
	size_t i = 8;
	while (i < n && s[i] != '/' && s[i] != '?' && s[i] != '#')
		i++;
	/* The whole authority must be the host: "discord.com@evil" and
	 * "discord.com:1" are not it. */
	bool host = false;
	for (size_t k = 0; k < sizeof discord_hosts / sizeof discord_hosts[0]; k++) {
		size_t l = strlen(discord_hosts[k]);
		if (i - 8 == l && strncasecmp(s + 8, discord_hosts[k], l) == 0)
			host = true;
	}
	if (!host || !eat(s, n, &i, "/api/"))
		return false;
	if (i < n && s[i] == 'v') { /* a versioned route: /api/v10/webhooks/ */
		i++;
		if (!eat_run(s, n, &i, false) || !eat(s, n, &i, "/"))
			return false;
	}
	if (!eat(s, n, &i, "webhooks/") || !eat_run(s, n, &i, false) || !eat(s, n, &i, "/") ||
	    !eat_run(s, n, &i, true))
		return false;
	if (i == n)
		return true;
	return s[i] == '?' && memchr(s + i, '#', n - i) == NULL; /* ?wait=true, ?thread_id= */
}

/* Bytes Go's url.Parse takes in a host (shouldEscape(c, encodeHost) false),
 * and in user info (validUserinfo). */
static bool go_host_byte(char c)
{
	return (unsigned char)c >= 0x80 || is_alnum(c) ||
	       (c != '\0' && strchr("-_.~!$&'()*+,;=:[]<>\"", c) != NULL);
}

static bool go_userinfo_byte(char c)
{
	return is_alnum(c) || (c != '\0' && strchr("-._:~!$&'()*+,;=%@", c) != NULL);
}

/* Go's validOptionalPort: "" or ":" and digits. */
static bool go_port(const char *s, size_t n)
{
	if (n == 0)
		return true;
	if (s[0] != ':')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/* u.Host of Go's url.Parse(u), where send-livestream.go takes the host of
 * its title; false where Parse fails (then Streamplace drops the link).
 * It follows Parse for absolute URLs (the lexicon's uri format); a '%' in
 * the host, which Go unescapes, is taken as a failure. */
static bool go_url_host(lexc_str u, lexc_str *host)
{
	const char *s = u.ptr;
	size_t n = u.len;
	*host = LEXC_STR("");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	const char *hash = memchr(s, '#', n);
	if (hash != NULL)
		n = (size_t)(hash - s);
	size_t i = 0; /* getScheme */
	bool scheme = false;
	for (; i < n; i++) {
		char c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			continue;
		if (is_digit(c) || c == '+' || c == '-' || c == '.') {
			if (i == 0)
				break;
			continue;
		}
		if (c == ':') {
			if (i == 0)
				return false; /* missing protocol scheme */
			scheme = true;
		}
		break;
	}
	const char *rest = scheme ? s + i + 1 : s;
	size_t rlen = (size_t)(s + n - rest);
	const char *q = memchr(rest, '?', rlen);
	if (q != NULL)
		rlen = (size_t)(q - rest);
	if (!scheme) {
		const char *slash = memchr(rest, '/', rlen);
		size_t seg = slash != NULL ? (size_t)(slash - rest) : rlen;
		if (memchr(rest, ':', seg) != NULL)
			return false; /* first path segment cannot contain colon */
	}
	if (rlen < 2 || rest[0] != '/' || rest[1] != '/' ||
	    (!scheme && rlen >= 3 && rest[2] == '/'))
		return true; /* no authority: Host "" */
	const char *auth = rest + 2;
	size_t alen = rlen - 2;
	const char *slash = memchr(auth, '/', alen);
	if (slash != NULL)
		alen = (size_t)(slash - auth);
	size_t at = alen;
	while (at > 0 && auth[at - 1] != '@')
		at--;
	for (size_t k = 0; at > 0 && k < at - 1; k++)
		if (!go_userinfo_byte(auth[k]))
			return false;
	const char *h = auth + at;
	size_t hlen = alen - at;
	for (size_t k = 0; k < hlen; k++)
		if (h[k] == '%' || !go_host_byte(h[k]))
			return false;
	if (hlen > 0 && h[0] == '[') {
		const char *close = NULL;
		for (size_t k = 0; k < hlen; k++)
			if (h[k] == ']')
				close = h + k;
		if (close == NULL || !go_port(close + 1, (size_t)(h + hlen - close - 1)))
			return false;
	} else {
		const char *colon = NULL;
		for (size_t k = 0; k < hlen; k++)
			if (h[k] == ':')
				colon = h + k;
		if (colon != NULL && !go_port(colon, (size_t)(h + hlen - colon)))
			return false;
	}
	*host = (lexc_str){h, hlen};
	return true;
}

/* Go's url.QueryEscape. */
static bool add_query_escaped(lexc_arena *a, sbuf *b, lexc_str s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < s.len; i++) {
		char c = s.ptr[i];
		char e[3] = {c, 0, 0};
		size_t l = 1;
		if (c == ' ') {
			e[0] = '+';
		} else if (!is_alnum(c) && c != '-' && c != '_' && c != '.' && c != '~') {
			e[0] = '%';
			e[1] = hex[(unsigned char)c >> 4];
			e[2] = hex[(unsigned char)c & 15];
			l = 3;
		}
		if (!sbuf_add(a, b, (lexc_str){e, l}))
			return false;
	}
	return true;
}

lexc_str wh_blob_url(lexc_arena *a, lexc_str pds, lexc_str did, lexc_str cid)
{
	sbuf b = {0};
	bool ok = sbuf_reserve(a, &b, 0) && sbuf_add(a, &b, str_or_empty(pds)) &&
	          sbuf_add(a, &b, LEXC_STR("/xrpc/com.atproto.sync.getBlob?cid=")) &&
	          add_query_escaped(a, &b, str_or_empty(cid)) &&
	          sbuf_add(a, &b, LEXC_STR("&did=")) && add_query_escaped(a, &b, str_or_empty(did));
	return done(&b, ok);
}

/* A key and string value, left out when empty (Go's omitempty). */
static bool put(lexc_json_writer *jw, const char *key, lexc_str v)
{
	if (v.len == 0)
		return true;
	return lexc_json_write_key(jw, key, strlen(key)) &&
	       lexc_json_write_string(jw, v.ptr, v.len);
}

/* send-livestream.go's one embed: title, url, color, image, in
 * discordtypes.Embed's field order. */
static bool put_live_embed(lexc_json_writer *jw, lexc_arena *a, const wh_event_view *e)
{
	uint32_t color = e->has_color ? e->color & 0xFFFFFF : 0xf8baca;
	lexc_str host, link = {NULL, 0};
	sbuf title = {0};
	bool ok = sbuf_add(a, &title, LEXC_STR("@")) &&
	          sbuf_add(a, &title, str_or_empty(e->author.handle)) &&
	          sbuf_add(a, &title, LEXC_STR(" is LIVE"));
	if (e->url.ptr != NULL && go_url_host(e->url, &host)) {
		ok = ok && sbuf_add(a, &title, LEXC_STR(" on ")) && sbuf_add(a, &title, host);
		link = e->url;
	}
	ok = ok && sbuf_add(a, &title, LEXC_STR("!"));
	if (!ok)
		return false;
	ok = lexc_json_write_key(jw, "embeds", 6) && lexc_json_write_array_start(jw) &&
	     lexc_json_write_object_start(jw) && put(jw, "title", (lexc_str){title.p, title.len}) &&
	     put(jw, "url", link);
	if (ok && color != 0) /* omitempty: black is left out, as in Go */
		ok = lexc_json_write_key(jw, "color", 5) && lexc_json_write_integer(jw, color);
	if (ok && e->thumbnail.ptr != NULL)
		ok = lexc_json_write_key(jw, "image", 5) && lexc_json_write_object_start(jw) &&
		     put(jw, "url", e->thumbnail) && lexc_json_write_object_end(jw);
	return ok && lexc_json_write_object_end(jw) && lexc_json_write_array_end(jw);
}

bool wh_discord_payload(lexc_json_writer *jw, lexc_arena *a, const wh_webhook *w, wh_style style,
                        const wh_event_view *e)
{
	lexc_str content = wh_event_content(a, w, style, e);
	if (content.ptr == NULL)
		return false;
	sbuf user = {0};
	lexc_str avatar = {NULL, 0};
	bool ok = true;
	switch (e->type) {
	case WH_EVENT_CHAT:
	case WH_EVENT_FOLLOW:
	case WH_EVENT_MENTION:
		if (style == WH_STYLE_STREAMPLACE) {
			/* The webhook's own avatar shows instead of a chatter's. */
			ok = sbuf_add(a, &user, LEXC_STR("[Streamplace]"));
			break;
		}
		/* fall through */
	case WH_EVENT_LIVESTREAM:
		ok = sbuf_add(a, &user, LEXC_STR("@")) &&
		     sbuf_add(a, &user, str_or_empty(e->author.handle));
		avatar = str_or_empty(e->author.avatar);
		break;
	default: /* stream.received, ping: content only */
		break;
	}
	if (!ok)
		return false;
	ok = lexc_json_write_object_start(jw) &&
	     put(jw, "username", (lexc_str){user.p, user.len}) && put(jw, "avatar_url", avatar) &&
	     put(jw, "content", content);
	if (ok && e->type == WH_EVENT_LIVESTREAM)
		ok = put_live_embed(jw, a, e);
	return ok && lexc_json_write_object_end(jw);
}
