/* store_pg_outbox.h: the delivery half's statements of the PostgreSQL store
 * (internal; store_pg.h includes it before it numbers the statements). They
 * are OUTBOX_STATEMENTS of store_sqlite.h in PostgreSQL's dialect, under
 * the same names where they do the same (the names are what
 * WEBHOOKD_TEST_FAIL names), plus what a shared outbox needs: claims that
 * carry an owner and a lease, a claim that goes round the webhooks, and a
 * NOTIFY that wakes the other processes. Parameters in a SELECT list or
 * beside IS NULL are cast: the server infers nothing there. */
#ifndef WEBHOOKD_STORE_PG_OUTBOX_H
#define WEBHOOKD_STORE_PG_OUTBOX_H

#define PG_MESSAGE_ID "'msg_' || replace(gen_random_uuid()::text, '-', '')"
#define PG_ATTEMPT_COLUMNS                                                                         \
	"a.seq, a.webhook_id, e.event_id, d.message_id, a.number, a.created_at, a.duration_ms,"    \
	" a.next_at, a.outcome, a.status, a.error_class, a.error, a.headers, a.body, a.truncated"  \
	" FROM attempts a JOIN deliveries d ON d.seq = a.delivery_seq"                             \
	" JOIN events e ON e.seq = a.event_seq"

/* The claim ($1 now, $2 max, $3 per webhook, $4 cursor, $5 owner, $6 the
 * lease's end, $7 the webhooks to pass over). It goes round the webhooks that have pending
 * deliveries, in id order, starting after the cursor (the last webhook the previous claim took
 * from): after_cursor walks from there to the last webhook, then up_to_cursor from the first one to
 * the cursor itself. Each step is one probe of deliveries_pending for the next webhook id (a loose
 * index scan), so the walk costs a probe per webhook whatever its backlog. Of each webhook it takes
 * the earliest due claimable deliveries, at most per webhook; it stops at max. So every webhook
 * with due work gets its turn, in order, before any gets a second one: a webhook with a million due
 * deliveries takes per webhook of a claim like one with a single one, and the cursor carries the
 * turn over to the next claim. The walk is lazy: up_to_cursor runs only when the webhooks after the
 * cursor had fewer than max due.
 *
 * FOR UPDATE SKIP LOCKED on each webhook's deliveries: what another
 * process is claiming at this moment is passed over, not waited for, and
 * a row another claim committed meanwhile is re-checked (its lease no
 * longer lapsed) and left. Two processes claiming at once get disjoint
 * deliveries. The result is in the walk's order, with each job's event. */
#define PG_OUTBOX_CLAIM_SQL                                                                        \
	"WITH RECURSIVE after_cursor (webhook_id) AS ("                                            \
	" SELECT (SELECT webhook_id FROM deliveries WHERE state = 0 AND webhook_id > $4"           \
	" ORDER BY webhook_id, next_at LIMIT 1)"                                                   \
	" UNION ALL SELECT (SELECT p.webhook_id FROM deliveries p"                                 \
	" WHERE p.state = 0 AND p.webhook_id > h.webhook_id ORDER BY p.webhook_id, p.next_at"      \
	" LIMIT 1) FROM after_cursor h WHERE h.webhook_id IS NOT NULL),"                           \
	" up_to_cursor (webhook_id) AS ("                                                          \
	" SELECT (SELECT webhook_id FROM deliveries WHERE state = 0 AND webhook_id <= $4"          \
	" ORDER BY webhook_id, next_at LIMIT 1)"                                                   \
	" UNION ALL SELECT (SELECT p.webhook_id FROM deliveries p"                                 \
	" WHERE p.state = 0 AND p.webhook_id > h.webhook_id AND p.webhook_id <= $4"                \
	" ORDER BY p.webhook_id, p.next_at LIMIT 1)"                                               \
	" FROM up_to_cursor h WHERE h.webhook_id IS NOT NULL),"                                    \
	" walk (webhook_id) AS ("                                                                  \
	" SELECT webhook_id FROM after_cursor WHERE webhook_id IS NOT NULL"                        \
	" UNION ALL SELECT webhook_id FROM up_to_cursor WHERE webhook_id IS NOT NULL),"            \
	" picked AS (SELECT d.seq FROM walk w CROSS JOIN LATERAL ("                                \
	" SELECT seq FROM deliveries d WHERE d.state = 0 AND d.webhook_id = w.webhook_id"          \
	" AND d.next_at <= $1 AND d.lease_until < $1 AND d.webhook_id <> ALL ($7::text[])"         \
	" ORDER BY d.next_at LIMIT $3 FOR UPDATE SKIP LOCKED) d LIMIT $2),"                        \
	" claimed AS (UPDATE deliveries SET claimed_by = $5, lease_until = $6"                     \
	" WHERE seq = ANY (ARRAY (SELECT seq FROM picked))"                                        \
	" RETURNING seq, message_id, event_seq, webhook_id, tries, next_at)"                       \
	" SELECT c.seq, c.message_id, c.webhook_id, c.tries, e.event_id, e.type, e.body, e.did"    \
	" FROM claimed c CROSS JOIN LATERAL (SELECT event_id, type, body, did FROM events"         \
	" WHERE seq = c.event_seq LIMIT 1) e"                                                      \
	" ORDER BY c.webhook_id <= $4, c.webhook_id, c.next_at, c.seq"

#define PG_OUTBOX_STATEMENT_LIST(X)                                                                \
	X(EVENT_BY_ID, "SELECT seq, created_at, (SELECT count(*) FROM deliveries"                  \
	               " WHERE event_seq = events.seq) FROM events"                                \
	               " WHERE did = $1 AND event_id = $2 AND dedup")                              \
	X(EVENT_RELEASE_ID, "UPDATE events SET dedup = false WHERE seq = $1")                      \
	/* Nothing returned: another process holds the id (its publish                             \
	 * committed first, or this one waited for it to). */                                      \
	X(EVENT_INSERT, "INSERT INTO events (did, event_id, type, body, created_at)"               \
	                " VALUES ($1, $2, $3, $4, $5)"                                             \
	                " ON CONFLICT (did, event_id) WHERE dedup DO NOTHING RETURNING seq")       \
	X(DELIVERY_FANOUT, "INSERT INTO deliveries (message_id, event_seq, webhook_id, next_at,"   \
	                   " updated_at) SELECT " PG_MESSAGE_ID ", $1::bigint, id, $2::bigint,"    \
	                   " $2::bigint FROM webhooks WHERE did = $3 AND status = 0"               \
	                   " AND (events & $4::integer) <> 0")                                     \
	X(DELIVERY_ONE, "INSERT INTO deliveries (message_id, event_seq, webhook_id, next_at,"      \
	                " updated_at) SELECT " PG_MESSAGE_ID ", $1::bigint, id, $2::bigint,"       \
	                " $2::bigint FROM webhooks WHERE did = $3 AND id = $4"                     \
	                " RETURNING message_id")                                                   \
	X(WEBHOOK_STATUS, "SELECT status FROM webhooks WHERE did = $1 AND id = $2")                \
	/* Wakes the other processes' delivery; sent at commit, once. */                           \
	X(NOTIFY_OUTBOX, "SELECT pg_notify('webhookd_outbox', '')")                                \
	/* Lapsed claims only: a lease that holds may be a live process's.                         \
	 * SKIP LOCKED: a row being completed or claimed now is not lapsed. */                     \
	X(OUTBOX_RECOVER, "UPDATE deliveries SET claimed_by = NULL, lease_until = 0,"              \
	                  " next_at = least(next_at, $1) WHERE seq IN (SELECT seq"                 \
	                  " FROM deliveries WHERE claimed_by IS NOT NULL AND lease_until < $1"     \
	                  " FOR UPDATE SKIP LOCKED)")                                              \
	/* Every claim whose lease holds: a live process's or a dead one's. */                     \
	X(OUTBOX_LEASED, "SELECT count(*) FROM deliveries WHERE claimed_by IS NOT NULL"            \
	                 " AND lease_until >= $1")                                                 \
	X(OUTBOX_CLAIM, PG_OUTBOX_CLAIM_SQL)                                                       \
	/* Renew and release skip the rows this process is completing at                           \
	 * the moment (they lose the claim anyway): no waiting on our own                          \
	 * locks, and no deadlock with a batch that locks in another order. */                     \
	X(OUTBOX_RENEW, "UPDATE deliveries SET lease_until = $2 WHERE seq IN (SELECT seq"          \
	                " FROM deliveries WHERE claimed_by = $1 AND state = 0"                     \
	                " FOR UPDATE SKIP LOCKED)")                                                \
	X(OUTBOX_RELEASE, "UPDATE deliveries SET claimed_by = NULL, lease_until = 0"               \
	                  " WHERE seq IN (SELECT seq FROM deliveries WHERE claimed_by = $1"        \
	                  " FOR UPDATE SKIP LOCKED)")                                              \
	/* Unclaimed pending (the earliest due), the earliest lapse of                             \
	 * another process's lease (its deliveries are anyone's then), and                         \
	 * whether anything at all is pending. */                                                  \
	X(OUTBOX_NEXT_DUE, "SELECT (SELECT min(next_at) FROM deliveries"                           \
	                   " WHERE state = 0 AND claimed_by IS NULL),"                             \
	                   " (SELECT min(greatest(next_at, lease_until + 1)) FROM deliveries"      \
	                   " WHERE state = 0 AND claimed_by <> $1),"                               \
	                   " EXISTS (SELECT 1 FROM deliveries WHERE state = 0)")                   \
	X(OUTBOX_DEPTH, "SELECT count(*) FROM deliveries WHERE state = 0 AND claimed_by IS NULL")  \
	/* The webhooks of a batch are locked first, one by one in id order                        \
	 * (as a delete locks the webhook before its deliveries): batches of                       \
	 * several processes and deletes never wait on each other in a                             \
	 * circle. NO KEY UPDATE does not hold up publishes (their foreign                         \
	 * key checks take KEY SHARE). */                                                          \
	X(WEBHOOK_FAILING, "SELECT failing_since FROM webhooks WHERE id = $1 FOR NO KEY UPDATE")   \
	/* The delivery's new state and its attempt row in one statement (one                      \
	 * round trip per attempt: the delivery thread waits for each). Only                       \
	 * while the claim is still this process's: a delivery deleted with                        \
	 * its webhook, or taken by another after the lease lapsed, is no                          \
	 * longer ours to record, and nothing is returned. */                                      \
	X(DELIVERY_DONE, "WITH d AS (UPDATE deliveries SET state = $2, claimed_by = NULL,"         \
	                 " lease_until = 0, tries = tries + 1, next_at = $3, updated_at = $4"      \
	                 " WHERE seq = $1 AND claimed_by = $5"                                     \
	                 " RETURNING seq, webhook_id, event_seq, tries)"                           \
	                 " INSERT INTO attempts (delivery_seq, webhook_id, event_seq, number,"     \
	                 " created_at, duration_ms, outcome, status, error_class, error,"          \
	                 " headers, body, truncated, next_at) SELECT seq, webhook_id, event_seq,"  \
	                 " tries, $6::bigint, $7::bigint, $8::integer, $9::integer, $10::text,"    \
	                 " $11::text, $12::text, $13::bytea, $14::boolean, $15::bigint FROM d"     \
	                 " RETURNING number")                                                      \
	X(WEBHOOK_SUCCEEDED, "UPDATE webhooks SET error_count = 0, last_triggered = $2,"           \
	                     " failing_since = 0 WHERE id = $1")                                   \
	X(WEBHOOK_FAILED, "UPDATE webhooks SET error_count = error_count + 1, failing_since ="     \
	                  " CASE failing_since WHEN 0 THEN $2::bigint ELSE failing_since END"      \
	                  " WHERE id = $1")                                                        \
	X(WEBHOOK_DISABLE, "UPDATE webhooks SET status = 1, updated_at = $2"                       \
	                   " WHERE id = $1 AND status = 0")                                        \
	X(REDELIVER_FIND, "SELECT d.seq, d.message_id, w.status FROM deliveries d"                 \
	                  " JOIN events e ON e.seq = d.event_seq"                                  \
	                  " JOIN webhooks w ON w.id = d.webhook_id"                                \
	                  " WHERE e.did = $1 AND e.event_id = $2 AND d.webhook_id = $3"            \
	                  " AND w.did = $1 ORDER BY e.seq DESC LIMIT 1")                           \
	/* A delivery under a live claim (anyone's) is left to finish; a                           \
	 * lapsed claim is dropped with the old series. */                                         \
	X(REDELIVER, "UPDATE deliveries SET state = 0, tries = 0, next_at = $2, updated_at = $2,"  \
	             " claimed_by = NULL, lease_until = 0"                                         \
	             " WHERE seq = $1 AND (claimed_by IS NULL OR lease_until < $2)")               \
	X(ATTEMPTS_BY_WEBHOOK, "SELECT " PG_ATTEMPT_COLUMNS " WHERE a.webhook_id = $2"             \
	                       " AND e.did = $1 AND a.seq < $3 ORDER BY a.seq DESC LIMIT $4")      \
	X(ATTEMPTS_BY_EVENT, "SELECT " PG_ATTEMPT_COLUMNS " WHERE a.event_seq IN (SELECT seq"      \
	                     " FROM events WHERE did = $1 AND event_id = $3)"                      \
	                     " AND ($2::text IS NULL OR a.webhook_id = $2) AND a.seq < $4"         \
	                     " ORDER BY a.seq DESC LIMIT $5")

#endif /* WEBHOOKD_STORE_PG_OUTBOX_H */
