/* Unit tests of webhookd's Streamplace transforms (examples/webhookd/
 * transform.h): content of every event, muteWords, Discord URLs and the
 * Discord JSON, byte for byte.
 *
 * Goldens marked "Streamplace" are the cases of streamplace/streamplace
 * pkg/integrations/discord/send-chat_test.go @45e7a392005a112ead08733ab200248b692f33f5.
 * The others were checked against Streamplace's Go code (send-chat.go
 * @45e7a392, send-livestream.go @03edac9683337750a00b2df45eaf51de607c5b78,
 * send-stream-received.go @60753841f45ec306c3a00b89a623c1767cac20fa,
 * webhook/manager.go @45e7a392) run with go1.19, its network calls
 * replaced by the inputs. The one difference, by design: Go's json.Marshal
 * writes < > & as \u003c \u003e \u0026, liblexc writes them as they are. */
#include "config.h"

#include "transform.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZW "\xE2\x80\x8B" /* U+200B */

static lexc_arena arena;

static void setup(void)
{
	lexc_arena_init(&arena);
}

static void teardown(void)
{
	lexc_arena_free(&arena);
}

static wh_event_view chat(const char *handle, const char *text, const char *avatar)
{
	wh_event_view e = {.type = WH_EVENT_CHAT};
	e.author.did = LEXC_STR("did:plc:natalie");
	e.author.handle = lexc_str_borrow(handle);
	e.author.avatar = lexc_str_borrow(avatar);
	e.text = lexc_str_borrow(text);
	return e;
}

static void check_content(const wh_webhook *w, wh_style st, const wh_event_view *e,
                          const char *want)
{
	lexc_str got = wh_event_content(&arena, w, st, e);
	ck_assert_ptr_nonnull(got.ptr);
	ck_assert_uint_eq(got.len, strlen(want));
	ck_assert_str_eq(got.ptr, want);
}

static void check_payload(const wh_webhook *w, wh_style st, const wh_event_view *e,
                          const char *want)
{
	lexc_json_writer jw;
	lexc_json_writer_init(&jw, NULL);
	ck_assert(wh_discord_payload(&jw, &arena, w, st, e));
	size_t len;
	char *got = lexc_json_writer_take(&jw, &len);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(len, strlen(want));
	free(got);
}

/* Streamplace: TestBuildChatPayloadDefaultFormat. */
START_TEST(streamplace_default_format)
{
	wh_webhook w = {.prefix = LEXC_STR("[Streamplace] "), .suffix = LEXC_STR("!")};
	wh_event_view e = chat("natalie", "hello world", "https://example.com/avatar.png");
	check_content(&w, WH_STYLE_DEFAULT, &e, "[Streamplace] hello world!");
	check_payload(&w, WH_STYLE_DEFAULT, &e,
	              "{\"username\":\"@natalie\",\"avatar_url\":\"https://example.com/"
	              "avatar.png\",\"content\":\"[Streamplace] hello world!\"}");
}
END_TEST

/* Streamplace: TestBuildChatPayloadDefaultFormatNoAvatar. */
START_TEST(streamplace_default_format_no_avatar)
{
	wh_webhook w = {0};
	wh_event_view e = chat("natalie", "hello", "");
	check_content(&w, WH_STYLE_DEFAULT, &e, "hello");
	check_payload(&w, WH_STYLE_DEFAULT, &e,
	              "{\"username\":\"@natalie\",\"content\":\"hello\"}");
	e.author.avatar = (lexc_str){NULL, 0}; /* absent as null, too */
	check_payload(&w, WH_STYLE_DEFAULT, &e,
	              "{\"username\":\"@natalie\",\"content\":\"hello\"}");
}
END_TEST

/* Streamplace: TestBuildChatPayloadStreamplaceFormat (the avatar is
 * dropped). */
START_TEST(streamplace_streamplace_format)
{
	wh_webhook w = {.prefix = LEXC_STR("p "), .suffix = LEXC_STR(" s")};
	wh_event_view e = chat("natalie", "hello world", "https://example.com/avatar.png");
	check_content(&w, WH_STYLE_STREAMPLACE, &e, "**@natalie**: p hello world s");
	check_payload(
	        &w, WH_STYLE_STREAMPLACE, &e,
	        "{\"username\":\"[Streamplace]\",\"content\":\"**@natalie**: p hello world s\"}");
}
END_TEST

/* Streamplace: TestBuildChatPayloadAntiPing. */
START_TEST(streamplace_anti_ping)
{
	wh_webhook w = {0};
	wh_event_view e = chat("natalie", "hi @everyone and @here and <@1234>", "");
	check_content(&w, WH_STYLE_STREAMPLACE, &e,
	              "**@natalie**: hi @" ZW "everyone and @" ZW "here and <@" ZW "1234>");
	/* Go writes \u003c@...\u003e here: the same JSON string. */
	check_payload(&w, WH_STYLE_STREAMPLACE, &e,
	              "{\"username\":\"[Streamplace]\",\"content\":\"**@natalie**: hi @" ZW
	              "everyone and @" ZW "here and <@" ZW "1234>\"}");
}
END_TEST

/* Streamplace: TestBuildChatPayloadCustomRewritesApplyInBothFormats. */
START_TEST(streamplace_custom_rewrites_both_formats)
{
	wh_rewrite r[] = {{LEXC_STR("foo"), LEXC_STR("bar")}};
	wh_webhook w = {.has_rewrite = true, .rewrite = r, .n_rewrite = 1};
	wh_event_view e = chat("natalie", "foo baz", "");
	check_payload(&w, WH_STYLE_DEFAULT, &e,
	              "{\"username\":\"@natalie\",\"content\":\"bar baz\"}");
	check_payload(&w, WH_STYLE_STREAMPLACE, &e,
	              "{\"username\":\"[Streamplace]\",\"content\":\"**@natalie**: bar baz\"}");
}
END_TEST

START_TEST(rewrite_order_and_overlap)
{
	wh_rewrite ab_bc[] = {{LEXC_STR("a"), LEXC_STR("b")}, {LEXC_STR("b"), LEXC_STR("c")}};
	wh_rewrite bc_ab[] = {{LEXC_STR("b"), LEXC_STR("c")}, {LEXC_STR("a"), LEXC_STR("b")}};
	wh_event_view e = chat("n", "a b", "");
	wh_webhook w = {.rewrite = ab_bc, .n_rewrite = 2};
	check_content(&w, WH_STYLE_DEFAULT, &e, "c c");
	w.rewrite = bc_ab;
	check_content(&w, WH_STYLE_DEFAULT, &e, "b c");
	/* Leftmost, non-overlapping, one scan: Go gives "bba". */
	wh_rewrite aa[] = {{LEXC_STR("aa"), LEXC_STR("b")}};
	w.rewrite = aa;
	w.n_rewrite = 1;
	e.text = LEXC_STR("aaaaa");
	check_content(&w, WH_STYLE_DEFAULT, &e, "bba");
	/* Rules see the prefix and suffix in chat. */
	wh_rewrite x[] = {{LEXC_STR("x"), LEXC_STR("")}};
	wh_webhook wx = {
	        .prefix = LEXC_STR("x["), .suffix = LEXC_STR("]x"), .rewrite = x, .n_rewrite = 1};
	e.text = LEXC_STR("xax");
	check_content(&wx, WH_STYLE_DEFAULT, &e, "[a]");
	/* An empty `from` is skipped, not inserted everywhere. */
	wh_rewrite empty[] = {{LEXC_STR(""), LEXC_STR("!")}, {{NULL, 0}, LEXC_STR("?")}};
	wh_webhook we = {.rewrite = empty, .n_rewrite = 2};
	check_content(&we, WH_STYLE_DEFAULT, &e, "xax");
}
END_TEST

START_TEST(rewrite_undoes_anti_ping)
{
	/* The rules run after anti-ping, so an owner can let @everyone through. */
	wh_rewrite r[] = {{LEXC_STR("@" ZW "everyone"), LEXC_STR("@everyone")}};
	wh_webhook w = {.rewrite = r, .n_rewrite = 1};
	wh_event_view e = chat("n", "@everyone @here", "");
	check_content(&w, WH_STYLE_DEFAULT, &e, "@everyone @" ZW "here");
}
END_TEST

START_TEST(anti_ping_on_wrapped_text)
{
	/* Anti-ping sees the prefix too, and its rewrites compound in order:
	 * "<@here" gets two, "<@@everyone" one each. */
	wh_webhook w = {.prefix = LEXC_STR("@here: ")};
	wh_event_view e = chat("n", "<@here <@@everyone aaa", "");
	check_content(&w, WH_STYLE_DEFAULT, &e,
	              "@" ZW "here: <@" ZW ZW "here <@" ZW "@" ZW "everyone aaa");
}
END_TEST

START_TEST(json_escapes)
{
	wh_webhook w = {0};
	wh_event_view e = chat("n", "a<b>&c \"q\" \\ \t\n", "");
	check_payload(&w, WH_STYLE_DEFAULT, &e,
	              "{\"username\":\"@n\",\"content\":\"a<b>&c \\\"q\\\" \\\\ \\t\\n\"}");
	/* omitempty: no content member for an empty text. */
	e.text = LEXC_STR("");
	check_content(&w, WH_STYLE_DEFAULT, &e, "");
	check_payload(&w, WH_STYLE_DEFAULT, &e, "{\"username\":\"@n\"}");
}
END_TEST

static wh_event_view live(void)
{
	wh_event_view e = {.type = WH_EVENT_LIVESTREAM};
	e.author.did = LEXC_STR("did:plc:abc123");
	e.author.handle = LEXC_STR("natalie.bsky.social");
	e.author.avatar = LEXC_STR("https://example.com/avatar.png");
	e.title = LEXC_STR("LIVE coding @here");
	e.url = LEXC_STR("https://stream.place/natalie.bsky.social");
	e.thumbnail = wh_blob_url(&arena, LEXC_STR("https://pds.example.com"), e.author.did,
	                          LEXC_STR("bafkreiabc"));
	e.has_color = true;
	e.color = 0x123456;
	return e;
}

START_TEST(livestream)
{
	/* Rules apply inside the wrapping only, and there is no anti-ping. */
	wh_rewrite r[] = {{LEXC_STR("LIVE"), LEXC_STR("live")}};
	wh_webhook w = {.prefix = LEXC_STR("LIVE: "),
	                .suffix = LEXC_STR(" @everyone"),
	                .rewrite = r,
	                .n_rewrite = 1};
	wh_event_view e = live();
	check_content(&w, WH_STYLE_DEFAULT, &e,
	              "LIVE: \xF0\x9F\x94\xB4 live live coding @here @everyone");
	/* The style does not change a livestream. */
	check_payload(&w, WH_STYLE_STREAMPLACE, &e,
	              "{\"username\":\"@natalie.bsky.social\",\"avatar_url\":\"https://example.com/"
	              "avatar.png\",\"content\":\"LIVE: \xF0\x9F\x94\xB4 live live coding @here "
	              "@everyone\",\"embeds\":[{\"title\":\"@natalie.bsky.social is LIVE on "
	              "stream.place!\",\"url\":\"https://stream.place/"
	              "natalie.bsky.social\",\"color\":1193046,\"image\":{\"url\":\"https://"
	              "pds.example.com/xrpc/com.atproto.sync.getBlob?cid=bafkreiabc&did=did%3Aplc%"
	              "3Aabc123\"}}]}");
}
END_TEST

START_TEST(livestream_bare_and_black)
{
	wh_webhook w = {0};
	wh_event_view e = {.type = WH_EVENT_LIVESTREAM};
	e.author.did = LEXC_STR("did:plc:x");
	e.author.handle = LEXC_STR("n.test");
	e.title = LEXC_STR("t");
	/* No url, thumbnail or colour: "is LIVE!" and the default f8baca. */
	check_payload(&w, WH_STYLE_DEFAULT, &e,
	              "{\"username\":\"@n.test\",\"content\":\"\xF0\x9F\x94\xB4 LIVE "
	              "t\",\"embeds\":[{\"title\":\"@n.test is LIVE!\",\"color\":16300746}]}");
	/* Black is 0, which omitempty leaves out; the host keeps its port and
	 * drops user info; the query is escaped as url.Values.Encode does. */
	e.author.did = LEXC_STR("did:web:a b");
	e.title = LEXC_STR("");
	e.url = LEXC_STR("https://u@host.example:8080/x?y#z");
	e.thumbnail = wh_blob_url(&arena, LEXC_STR("https://pds.example.com"), e.author.did,
	                          LEXC_STR("cid with space/+"));
	e.has_color = true;
	e.color = 0;
	check_payload(
	        &w, WH_STYLE_DEFAULT, &e,
	        "{\"username\":\"@n.test\",\"content\":\"\xF0\x9F\x94\xB4 LIVE "
	        "\",\"embeds\":[{\"title\":\"@n.test is LIVE on "
	        "host.example:8080!\",\"url\":\"https://u@host.example:8080/"
	        "x?y#z\",\"image\":{\"url\":\"https://pds.example.com/xrpc/"
	        "com.atproto.sync.getBlob?cid=cid+with+space%2F%2B&did=did%3Aweb%3Aa+b\"}}]}");
}
END_TEST

/* The embed's title and link from url.Parse(url): Host, or no link where
 * Parse fails (the go1.19 results). */
START_TEST(livestream_url_host)
{
	static const struct {
		const char *url, *title; /* title's end; NULL url: no link */
		bool link;
	} cases[] = {
	        {"not a url", " on !", true},
	        {"https://bad host/", "!", false},
	        {"https://h:port/", "!", false},
	        {"mailto:a@b", " on !", true},
	        {"//h/p", " on h!", true},
	        {"https://[::1]:80/", " on [::1]:80!", true},
	        {"https://a%41/", "!", false},
	        {":x", "!", false},
	        {"https://h/a b", " on h!", true},
	        {"https://x\x01/", "!", false},
	        {"https://stream.place", " on stream.place!", true},
	        {"https://stream.place?x=1", " on stream.place!", true},
	        {"HTTPS://Stream.Place/", " on Stream.Place!", true},
	};
	wh_webhook w = {0};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		wh_event_view e = {.type = WH_EVENT_LIVESTREAM};
		e.author.handle = LEXC_STR("h");
		e.title = LEXC_STR("t");
		e.url = lexc_str_borrow(cases[i].url);
		char want[256];
		if (cases[i].link)
			snprintf(want, sizeof want,
			         "{\"username\":\"@h\",\"content\":\"\xF0\x9F\x94\xB4 LIVE "
			         "t\",\"embeds\":[{\"title\":\"@h is "
			         "LIVE%s\",\"url\":\"%s\",\"color\":"
			         "16300746}]}",
			         cases[i].title, cases[i].url);
		else
			snprintf(
			        want, sizeof want,
			        "{\"username\":\"@h\",\"content\":\"\xF0\x9F\x94\xB4 LIVE "
			        "t\",\"embeds\":[{\"title\":\"@h is LIVE%s\",\"color\":16300746}]}",
			        cases[i].title);
		check_payload(&w, WH_STYLE_DEFAULT, &e, want);
	}
}
END_TEST

START_TEST(stream_received)
{
	wh_rewrite r[] = {{LEXC_STR("did:plc:"), LEXC_STR("")}};
	wh_webhook w = {
	        .prefix = LEXC_STR("["), .suffix = LEXC_STR("]"), .rewrite = r, .n_rewrite = 1};
	wh_event_view e = {.type = WH_EVENT_STREAM_RECEIVED};
	e.author.did = LEXC_STR("did:plc:abc");
	e.author.handle = LEXC_STR("ignored");
	check_payload(&w, WH_STYLE_STREAMPLACE, &e, "{\"content\":\"[stream.received abc]\"}");
}
END_TEST

/* Ours: shaped like stream.received. */
START_TEST(ping)
{
	wh_rewrite r[] = {{LEXC_STR("test"), LEXC_STR("TEST")}};
	wh_webhook w = {.prefix = LEXC_STR("test: "), .rewrite = r, .n_rewrite = 1};
	wh_event_view e = {.type = WH_EVENT_PING};
	check_payload(&w, WH_STYLE_STREAMPLACE, &e, "{\"content\":\"test: webhookd TEST ping\"}");
}
END_TEST

START_TEST(blob_url)
{
	/* url.Values.Encode: keys sorted, QueryEscape (space as '+'). */
	lexc_str u = wh_blob_url(&arena, LEXC_STR("https://pds.example.com"),
	                         LEXC_STR("did:plc:abc~_-.x"), LEXC_STR("a&b=c?d#e%f"));
	ck_assert_str_eq(u.ptr, "https://pds.example.com/xrpc/com.atproto.sync.getBlob?cid="
	                        "a%26b%3Dc%3Fd%23e%25f&did=did%3Aplc%3Aabc~_-.x");
	u = wh_blob_url(&arena, (lexc_str){NULL, 0}, LEXC_STR(""), LEXC_STR(""));
	ck_assert_str_eq(u.ptr, "/xrpc/com.atproto.sync.getBlob?cid=&did=");
}
END_TEST

/* Ours: Streamplace sends neither, so these are webhookd's own texts. */
START_TEST(follow_and_mention)
{
	wh_rewrite r[] = {{LEXC_STR("you"), LEXC_STR("me")}};
	wh_webhook w = {.prefix = LEXC_STR("> "), .rewrite = r, .n_rewrite = 1};
	wh_event_view e = {.type = WH_EVENT_FOLLOW};
	e.author.handle = LEXC_STR("here.example");
	e.author.avatar = LEXC_STR("https://a.example/x.png");
	/* A stranger's handle gets anti-ping too: "@here.example" would ping. */
	check_content(&w, WH_STYLE_DEFAULT, &e, "> @" ZW "here.example followed me");
	check_payload(&w, WH_STYLE_DEFAULT, &e,
	              "{\"username\":\"@here.example\",\"avatar_url\":\"https://a.example/"
	              "x.png\",\"content\":\"> @" ZW "here.example followed me\"}");
	check_payload(&w, WH_STYLE_STREAMPLACE, &e,
	              "{\"username\":\"[Streamplace]\",\"content\":\"> @" ZW
	              "here.example followed me\"}");

	e.type = WH_EVENT_MENTION;
	e.author.handle = LEXC_STR("bob.test");
	e.text = LEXC_STR("hey @alice.test, <@1> @everyone");
	check_content(&w, WH_STYLE_STREAMPLACE, &e,
	              "> @bob.test mentioned me: hey @alice.test, <@" ZW "1> @" ZW "everyone");
	check_payload(&w, WH_STYLE_DEFAULT, &e,
	              "{\"username\":\"@bob.test\",\"avatar_url\":\"https://a.example/"
	              "x.png\",\"content\":\"> @bob.test mentioned me: hey @alice.test, <@" ZW
	              "1> @" ZW "everyone\"}");
}
END_TEST

START_TEST(unknown_type)
{
	wh_webhook w = {0};
	wh_event_view e = {.type = 1u << 30};
	ck_assert_ptr_null(wh_event_content(&arena, &w, WH_STYLE_DEFAULT, &e).ptr);
	lexc_json_writer jw;
	lexc_json_writer_init(&jw, NULL);
	ck_assert(!wh_discord_payload(&jw, &arena, &w, WH_STYLE_DEFAULT, &e));
	lexc_json_writer_free(&jw);
}
END_TEST

static bool muted(const char *word, const char *text)
{
	lexc_str words[] = {lexc_str_borrow(word)};
	wh_webhook w = {.has_mute_words = true, .mute_words = words, .n_mute_words = 1};
	wh_event_view e = chat("n", text, "");
	return wh_event_muted(&w, &e);
}

START_TEST(mute_words)
{
	/* word, text, Go's strings.Contains(ToLower(text), ToLower(word)) */
	static const struct {
		const char *word, *text;
		bool muted;
	} cases[] = {
	        {"ÄPFEL", "ich mag äpfel", true},
	        {"äpfel", "ICH MAG ÄPFEL", true},
	        {"ab", "xAB", true},
	        {"Spam", "no sp am", false},
	        {"abc", "ab", false},
	        {"i", "\xC4\xB0stanbul", true},     /* U+0130 lowers to 'i' */
	        {"σοφια", "ΣΟΦΙΑ", true},           /* simple mapping: Σ -> σ */
	        {"ς", "Σ", false},                  /* never final sigma */
	        {"\xC8\xBA", "\xE2\xB1\xA5", true}, /* U+023A -> U+2C65: 2 bytes to 3 */
	        {"\xC7\x85", "\xC7\x86", true},     /* titlecase U+01C5 -> U+01C6 */
	        {"K", "\xE2\x84\xAA", true},        /* KELVIN SIGN lowers to 'k' */
	        {"\xEF\xBF\xBD",
	         "a\xFF"
	         "b",
	         true},                 /* a bad byte is U+FFFD, as in Go */
	        {"", "anything", true}, /* Contains(s, "") */
	        {"", "", true},
	        {"aa", "a", false},
	        {"ba", "aaab", false},
	        {"ab", "aaab", true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(muted(cases[i].word, cases[i].text) == cases[i].muted, "%s in %s",
		              cases[i].word, cases[i].text);
}
END_TEST

START_TEST(mute_scope)
{
	lexc_str words[] = {LEXC_STR("nope"), LEXC_STR("SPAM")};
	wh_webhook w = {.prefix = LEXC_STR("spam "),
	                .suffix = LEXC_STR(" spam"),
	                .has_mute_words = true,
	                .mute_words = words,
	                .n_mute_words = 2};
	wh_event_view e = chat("spam", "hello", "");
	ck_assert(!wh_event_muted(&w, &e)); /* not the prefix, suffix or handle */
	e.text = LEXC_STR("buy Spam now");
	ck_assert(wh_event_muted(&w, &e)); /* any word of the list */
	e.type = WH_EVENT_MENTION;
	ck_assert(wh_event_muted(&w, &e));
	e.type = WH_EVENT_FOLLOW;
	ck_assert(!wh_event_muted(&w, &e));
	wh_event_view l = live();
	l.title = LEXC_STR("spam");
	ck_assert(!wh_event_muted(&w, &l));
	wh_webhook none = {0};
	e.type = WH_EVENT_CHAT;
	ck_assert(!wh_event_muted(&none, &e));
}
END_TEST

START_TEST(content_limits)
{
	/* 200 a's grow 100-fold per rule: past WH_CONTENT_MAX on the second. */
	char text[201], big[101];
	memset(text, 'a', 200);
	text[200] = '\0';
	memset(big, 'a', 100);
	big[100] = '\0';
	wh_rewrite r[] = {{LEXC_STR("a"), lexc_str_borrow(big)},
	                  {LEXC_STR("a"), lexc_str_borrow(big)}};
	wh_webhook w = {.rewrite = r, .n_rewrite = 1};
	wh_event_view e = chat("n", text, "");
	ck_assert_uint_eq(wh_event_content(&arena, &w, WH_STYLE_DEFAULT, &e).len, 20000);
	w.n_rewrite = 2;
	ck_assert_ptr_null(wh_event_content(&arena, &w, WH_STYLE_DEFAULT, &e).ptr);
	ck_assert(!lexc_arena_failed(&arena));
	e.type = WH_EVENT_LIVESTREAM;
	e.title = e.text;
	ck_assert_ptr_null(wh_event_content(&arena, &w, WH_STYLE_DEFAULT, &e).ptr);
	lexc_json_writer jw;
	lexc_json_writer_init(&jw, NULL);
	ck_assert(!wh_discord_payload(&jw, &arena, &w, WH_STYLE_DEFAULT, &e));
	lexc_json_writer_free(&jw);

	/* A failing arena gives the null string and says so. */
	lexc_arena small;
	lexc_arena_init(&small);
	lexc_arena_set_limit(&small, 1);
	e.type = WH_EVENT_CHAT;
	w.n_rewrite = 1;
	ck_assert_ptr_null(wh_event_content(&small, &w, WH_STYLE_DEFAULT, &e).ptr);
	ck_assert(lexc_arena_failed(&small));
	lexc_arena_free(&small);
}
END_TEST

START_TEST(rewrite_is_linear)
{
	/* 150 000 matches in one pass after 50 000 anti-ping ones: quadratic
	 * rescans would take minutes here. */
	size_t n = 400000;
	char *text = malloc(n + 1);
	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < n; i += 8)
		memcpy(text + i, "ab<@abab", 8);
	text[n] = '\0';
	wh_rewrite r[] = {{LEXC_STR("ab"), LEXC_STR("c")}};
	wh_webhook w = {.rewrite = r, .n_rewrite = 1};
	wh_event_view e = chat("n", text, "");
	lexc_str got = wh_event_content(&arena, &w, WH_STYLE_DEFAULT, &e);
	ck_assert_uint_eq(got.len, n); /* "ab<@abab" becomes "c<@" ZW "cc" */
	ck_assert_int_eq(memcmp(got.ptr, "c<@" ZW "ccc<@", 11), 0);
	free(text);
}
END_TEST

START_TEST(discord_urls)
{
	static const struct {
		const char *url;
		bool ok;
	} cases[] = {
	        {"https://discord.com/api/webhooks/123456/abc-DEF_9", true},
	        {"https://discordapp.com/api/webhooks/1/t", true},
	        {"https://ptb.discord.com/api/webhooks/1/t", true},
	        {"https://canary.discord.com/api/webhooks/1/t", true},
	        {"https://ptb.discordapp.com/api/webhooks/1/t", true},
	        {"https://canary.discordapp.com/api/webhooks/1/t", true},
	        {"HTTPS://DISCORD.COM/api/webhooks/1/t", true},
	        {"https://Canary.Discord.Com/api/webhooks/1/t", true},
	        {"https://discord.com/api/v10/webhooks/1/t", true},
	        {"https://discord.com/api/webhooks/1/t?wait=true&thread_id=2", true},
	        {"http://discord.com/api/webhooks/1/t", false},
	        {"https://discord.com@evil.example/api/webhooks/1/t", false},
	        {"https://user@discord.com/api/webhooks/1/t", false},
	        {"https://user:pw@discord.com/api/webhooks/1/t", false},
	        {"https://discord.com:443/api/webhooks/1/t", false},
	        {"https://discord.com./api/webhooks/1/t", false},
	        {"https://evil.discord.com/api/webhooks/1/t", false},
	        {"https://ptb.canary.discord.com/api/webhooks/1/t", false},
	        {"https://discord.com.evil.example/api/webhooks/1/t", false},
	        {"https://xdiscord.com/api/webhooks/1/t", false},
	        {"https://discord.gg/api/webhooks/1/t", false},
	        {"https://evil.example/?https://discord.com/api/webhooks/1/t", false},
	        {"https://evil.example/https://discord.com/api/webhooks/1/t", false},
	        {"https://discord.com\\@evil.example/api/webhooks/1/t", false},
	        {"https://discord.com%2F@evil.example/api/webhooks/1/t", false},
	        {"https://discord.com/api/webhooks/1/t/slack", false},
	        {"https://discord.com/api/webhooks/1/t/github", false},
	        {"https://discord.com/api/webhooks/1/t/", false},
	        {"https://discord.com/api/webhooks/1/t#x", false},
	        {"https://discord.com/api/webhooks/1/t?a#x", false},
	        {"https://discord.com/api/webhooks/1/", false},
	        {"https://discord.com/api/webhooks/1", false},
	        {"https://discord.com/api/webhooks/abc/t", false},
	        {"https://discord.com/api/webhooks//t", false},
	        {"https://discord.com/api/webhooks/1/t%20", false},
	        {"https://discord.com/api/webhooks/1/t.x", false},
	        {"https://discord.com/API/webhooks/1/t", false},
	        {"https://discord.com/api/vx/webhooks/1/t", false},
	        {"https://discord.com/api/v/webhooks/1/t", false},
	        {"https://discord.com/api/channels/1/messages", false},
	        {"https://discord.com", false},
	        {"https://discord.com/", false},
	        {" https://discord.com/api/webhooks/1/t", false},
	        {"https://discord.com/api/webhooks/1/t\n", false},
	        {"https://discord.com/api/webhooks/1/t ", false},
	        {"https://d\xC3\xAFscord.com/api/webhooks/1/t", false},
	        {"https:/discord.com/api/webhooks/1/t", false},
	        {"discord.com/api/webhooks/1/t", false},
	        {"", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(wh_is_discord_url(lexc_str_borrow(cases[i].url)) == cases[i].ok, "%s",
		              cases[i].url);
	ck_assert(!wh_is_discord_url((lexc_str){NULL, 0}));
	/* A NUL inside: a C string reader would see the good prefix only. */
	static const char nul[] = "https://discord.com/api/webhooks/1/t\0.evil";
	ck_assert(!wh_is_discord_url((lexc_str){nul, sizeof nul - 1}));
}
END_TEST

static Suite *transform_suite(void)
{
	Suite *s = suite_create("webhookd_transform");
	TCase *t = tcase_create("core");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, streamplace_default_format);
	tcase_add_test(t, streamplace_default_format_no_avatar);
	tcase_add_test(t, streamplace_streamplace_format);
	tcase_add_test(t, streamplace_anti_ping);
	tcase_add_test(t, streamplace_custom_rewrites_both_formats);
	tcase_add_test(t, rewrite_order_and_overlap);
	tcase_add_test(t, rewrite_undoes_anti_ping);
	tcase_add_test(t, anti_ping_on_wrapped_text);
	tcase_add_test(t, json_escapes);
	tcase_add_test(t, livestream);
	tcase_add_test(t, livestream_bare_and_black);
	tcase_add_test(t, livestream_url_host);
	tcase_add_test(t, stream_received);
	tcase_add_test(t, ping);
	tcase_add_test(t, blob_url);
	tcase_add_test(t, follow_and_mention);
	tcase_add_test(t, unknown_type);
	tcase_add_test(t, mute_words);
	tcase_add_test(t, mute_scope);
	tcase_add_test(t, content_limits);
	tcase_add_test(t, rewrite_is_linear);
	tcase_add_test(t, discord_urls);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(transform_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
