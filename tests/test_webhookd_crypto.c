/* Unit tests of webhookd's crypto (examples/webhookd/crypto.h): token and
 * id formats, sealing bound to owner and id, the key file's rules, and
 * cursors that only the server can make. */
#include "config.h"

#include "crypto.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void make_dir(void)
{
	strcpy(dir, "/tmp/wh-crypto-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
	char path[128];
	snprintf(path, sizeof path, "%s/webhookd.key", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/target", dir);
	unlink(path);
	rmdir(dir);
}

static wh_keyring *open_keys(void)
{
	lexc_error err;
	lexc_error_clear(&err);
	wh_keyring *k = wh_keyring_open(dir, &err);
	ck_assert_msg(k != NULL, "%s", err.message);
	return k;
}

START_TEST(secret_and_key_formats)
{
	char a[WH_SECRET_LEN + 1], b[WH_SECRET_LEN + 1];
	ck_assert(wh_secret_generate(a));
	ck_assert(wh_secret_generate(b));
	ck_assert_uint_eq(strlen(a), WH_SECRET_LEN);
	ck_assert_int_eq(strncmp(a, "whsec_", 6), 0);
	ck_assert_int_eq(a[WH_SECRET_LEN - 1], '='); /* 32 bytes: one pad */
	ck_assert_str_ne(a, b);
	unsigned char raw[40];
	size_t n;
	ck_assert(lexc_base64_decode(a + 6, WH_SECRET_LEN - 6, raw, sizeof raw, &n, NULL));
	ck_assert_uint_eq(n, 32);

	char k[WH_API_KEY_LEN + 1];
	ck_assert(wh_api_key_generate(k));
	ck_assert_uint_eq(strlen(k), WH_API_KEY_LEN);
	ck_assert_int_eq(strncmp(k, "whk_", 4), 0);
	for (const char *p = k + 4; *p; p++)
		ck_assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
		                 *p));
}
END_TEST

START_TEST(uuid7_is_ordered)
{
	char prev[WH_UUID_LEN + 1] = "", id[WH_UUID_LEN + 1];
	/* The same millisecond many times, then the clock stepping back: the
	 * ids still sort in the order they were made. */
	for (int i = 0; i < 5000; i++) {
		int64_t ms = i < 4000 ? 1800000000000 : 1799999999000;
		ck_assert(wh_uuid7(ms, id));
		ck_assert_uint_eq(strlen(id), WH_UUID_LEN);
		ck_assert_int_eq(id[14], '7');
		ck_assert(strchr("89ab", id[19]));
		ck_assert_int_eq(id[8], '-');
		ck_assert_msg(strcmp(prev, id) < 0, "%s then %s", prev, id);
		strcpy(prev, id);
	}
	/* Its first 48 bits are the time. */
	ck_assert(wh_uuid7(1900000000000, id));
	ck_assert_int_eq(strncmp(id, "01ba60d3-3800", 13), 0);
	ck_assert(!wh_uuid7(-1, id));
}
END_TEST

START_TEST(seal_binds_owner_and_id)
{
	make_dir();
	wh_keyring *k = open_keys();
	lexc_arena a;
	lexc_arena_init(&a);
	lexc_str did = LEXC_STR("did:plc:alice"), id = LEXC_STR("0190-a");
	lexc_str plain = LEXC_STR("whsec_c2VjcmV0");
	wh_sealed s, s2;
	ck_assert(wh_seal(k, did, id, plain, &a, &s));
	ck_assert_uint_eq(s.len, 12 + plain.len + 16);
	ck_assert(memmem(s.data, s.len, "c2VjcmV0", 8) == NULL);
	ck_assert(wh_seal(k, did, id, plain, &a, &s2));
	ck_assert(memcmp(s.data, s2.data, s.len) != 0); /* a fresh nonce each time */

	lexc_str out;
	ck_assert(wh_open(k, did, id, s, &a, &out));
	ck_assert(lexc_str_eq(out, plain));
	ck_assert_int_eq(out.ptr[out.len], '\0');
	/* Another owner, another id, or a boundary moved between them. */
	ck_assert(!wh_open(k, LEXC_STR("did:plc:bobby"), id, s, &a, &out));
	ck_assert(!wh_open(k, did, LEXC_STR("0190-b"), s, &a, &out));
	ck_assert(!wh_open(k, LEXC_STR("did:plc:alice0"), LEXC_STR("190-a"), s, &a, &out));
	/* Any changed byte. */
	for (size_t i = 0; i < s.len; i++) {
		unsigned char *copy = lexc_arena_memdup(&a, s.data, s.len);
		copy[i] ^= 0x01;
		ck_assert_msg(!wh_open(k, did, id, (wh_sealed){copy, s.len}, &a, &out), "byte %zu",
		              i);
	}
	ck_assert(!wh_open(k, did, id, (wh_sealed){s.data, 27}, &a, &out));
	ck_assert(!wh_open(k, did, id, (wh_sealed){NULL, 0}, &a, &out));

	/* The same key file opens it again; another key file does not. */
	wh_keyring *again = open_keys();
	ck_assert(wh_open(again, did, id, s, &a, &out));
	wh_keyring_free(again);
	remove_dir();
	make_dir();
	wh_keyring *other = open_keys();
	ck_assert(!wh_open(other, did, id, s, &a, &out));
	wh_keyring_free(other);
	wh_keyring_free(k);
	lexc_arena_free(&a);
	remove_dir();
}
END_TEST

START_TEST(key_file_rules)
{
	make_dir();
	char path[128], target[128];
	snprintf(path, sizeof path, "%s/webhookd.key", dir);
	snprintf(target, sizeof target, "%s/target", dir);
	wh_keyring_free(open_keys());
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(st.st_size, 32);

	lexc_error err;
	static const mode_t bad_modes[] = {0644, 0640, 0604, 0660, 0602};
	for (size_t i = 0; i < sizeof bad_modes / sizeof bad_modes[0]; i++) {
		chmod(path, bad_modes[i]);
		lexc_error_clear(&err);
		ck_assert_ptr_null(wh_keyring_open(dir, &err));
		ck_assert_msg(strstr(err.message, "chmod 600") && strstr(err.message, path), "%s",
		              err.message);
	}
	chmod(path, 0400); /* read-only for its owner is fine */
	wh_keyring_free(open_keys());
	chmod(path, 0600);

	/* A symbolic link, even to a good file, is refused. */
	ck_assert_int_eq(rename(path, target), 0);
	ck_assert_int_eq(symlink(target, path), 0);
	lexc_error_clear(&err);
	ck_assert_ptr_null(wh_keyring_open(dir, &err));
	ck_assert_msg(strstr(err.message, "symbolic link"), "%s", err.message);
	unlink(path);
	ck_assert_int_eq(rename(target, path), 0);

	/* A damaged (truncated) key file is refused, not replaced. */
	ck_assert_int_eq(truncate(path, 31), 0);
	lexc_error_clear(&err);
	ck_assert_ptr_null(wh_keyring_open(dir, &err));
	ck_assert_msg(strstr(err.message, "31 bytes"), "%s", err.message);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 31);

	/* A directory where the file should be. */
	unlink(path);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	lexc_error_clear(&err);
	ck_assert_ptr_null(wh_keyring_open(dir, &err));
	rmdir(path);
	remove_dir();
}
END_TEST

START_TEST(cursors)
{
	make_dir();
	wh_keyring *k = open_keys();
	lexc_arena a;
	lexc_arena_init(&a);
	lexc_str did = LEXC_STR("did:plc:alice");
	lexc_str id = LEXC_STR("0190aaaa-0000-7000-8000-000000000001");
	lexc_str c = wh_cursor_make(k, did, id, &a);
	ck_assert_ptr_nonnull(c.ptr);
	lexc_str back;
	ck_assert(wh_cursor_parse(k, did, c, &a, &back));
	ck_assert(lexc_str_eq(back, id));
	ck_assert(!wh_cursor_parse(k, LEXC_STR("did:plc:bobby"), c, &a, &back));
	/* Every one-character change. */
	for (size_t i = 0; i < c.len; i++) {
		char *copy = lexc_arena_strndup(&a, c.ptr, c.len);
		copy[i] = copy[i] == 'A' ? 'B' : 'A';
		ck_assert_msg(!wh_cursor_parse(k, did, lexc_str_borrow_n(copy, c.len), &a, &back),
		              "char %zu", i);
	}
	static const char *const bad[] = {
	        "", "garbage", "====", "AAAA", "A", "0190aaaa-0000-7000-8000-000000000001"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!wh_cursor_parse(k, did, lexc_str_borrow(bad[i]), &a, &back), "%s",
		              bad[i]);
	char *huge = lexc_arena_alloc(&a, 10001);
	memset(huge, 'A', 10000);
	huge[10000] = '\0';
	ck_assert(!wh_cursor_parse(k, did, lexc_str_borrow(huge), &a, &back));
	ck_assert(!wh_cursor_parse(k, did, lexc_str_borrow(NULL), &a, &back));
	wh_keyring_free(k);
	lexc_arena_free(&a);
	remove_dir();
}
END_TEST

START_TEST(hashes_and_compare)
{
	unsigned char h[32];
	wh_sha256("abc", 3, h);
	static const unsigned char want[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
	                                       0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
	                                       0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
	                                       0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
	ck_assert(wh_equal_ct(h, want, 32));
	h[31] ^= 1;
	ck_assert(!wh_equal_ct(h, want, 32));
	char buf[8] = "secret!";
	wh_wipe(buf, sizeof buf);
	for (size_t i = 0; i < sizeof buf; i++)
		ck_assert_int_eq(buf[i], 0);
}
END_TEST

static Suite *crypto_suite(void)
{
	Suite *s = suite_create("webhookd_crypto");
	TCase *t = tcase_create("core");
	tcase_add_test(t, secret_and_key_formats);
	tcase_add_test(t, uuid7_is_ordered);
	tcase_add_test(t, seal_binds_owner_and_id);
	tcase_add_test(t, key_file_rules);
	tcase_add_test(t, cursors);
	tcase_add_test(t, hashes_and_compare);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(crypto_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
