/* C names for lexicon things (doc/naming.md has the scheme):
 *
 *   NSID segments joined by '_'     place.stream.server.defs → place_stream_server_defs
 *   "__" before a def name          …defs#rewriteRule → place_stream_server_defs__rewriteRule
 *   main is the bare NSID           app.bsky.feed.post#main → app_bsky_feed_post
 *   "__" before a role              …createWebhook input → place_stream_server_createWebhook__input
 *   properties keep their spelling  createdAt → createdAt
 *
 * Characters C forbids become '_', a leading digit gets a '_' in front,
 * and C keywords, standard macros and names the generator itself uses get
 * a trailing '_' ("union" → "union_", "cid-link" → "cid_link"). Distinct
 * lexicon names can still map to one C name (a-b and a_b), so every
 * generated name goes through a symbol table that reports collisions. */
#ifndef LEXC_CODEGEN_NAMES_H
#define LEXC_CODEGEN_NAMES_H

#include <lexc/arena.h>

#include <stdbool.h>
#include <stddef.h>

/* True for C keywords (C11 through C23), lowercase standard macros and
 * common predefined macros that would break a member of that name. */
bool names_is_reserved(const char *s, size_t len);

/* The mangled identifier for s[0..len), NUL-terminated in the arena; NULL
 * when the arena fails. An empty input yields "_". */
char *names_ident(lexc_arena *a, const char *s, size_t len);

/* The C type name of def `def` (NULL or "main" for the main def) of the
 * lexicon `nsid`, in the arena. */
char *names_type(lexc_arena *a, const char *nsid, const char *def);

/* `base` + "__" + `suffix`, in the arena ("…createWebhook" + "input"). */
char *names_role(lexc_arena *a, const char *base, const char *suffix);

/* A table of generated names and where each came from. */
typedef struct names_table names_table;

names_table *names_table_new(lexc_arena *a);

/* Adds `name` for `origin` (a human-readable place such as
 * "place/stream/server/defs.json: $.defs.webhook"). Returns NULL when the
 * name is new, else the origin that already holds it. */
const char *names_table_add(names_table *t, const char *name, const char *origin);

#endif /* LEXC_CODEGEN_NAMES_H */
