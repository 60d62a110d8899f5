/* replay.h: the jtis of accepted service JWTs, remembered until they
 * expire so that a token works once (liblexc-auth, internal).
 *
 * Bounded twice: at most `max` live entries in all and `per_issuer` for
 * one DID, so that one issuer minting long-lived tokens cannot crowd out
 * the others; a full table refuses (fails closed) rather than forget. The
 * table is hashed with a random SipHash key; expired entries are purged
 * when the table is full, at most once a second, so a full table costs
 * each request O(1) and not a scan. Thread-safe (its own mutex). */
#ifndef LEXC_AUTH_REPLAY_H
#define LEXC_AUTH_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct auth_replay auth_replay;

auth_replay *auth_replay_new(size_t max, size_t per_issuer);
void auth_replay_free(auth_replay *r);

/* Records jti of issuer `did` until exp (Unix seconds). false with a
 * static reason: seen before and not expired ("jwt replayed: ..."), the
 * issuer's share is full, the table is full, or no memory. */
bool auth_replay_remember(auth_replay *r, const char *did, size_t did_len, const char *jti,
                          size_t jti_len, int64_t exp, int64_t now, const char **reason);

#endif /* LEXC_AUTH_REPLAY_H */
