/* crypto.c: see crypto.h. OpenSSL's libcrypto does the cryptography; this
 * file decides the formats, the key derivation and the key file's rules. */
#include "config.h"

#include "crypto.h"

#include <lexc/base64.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

enum {
	MASTER_LEN = 32,
	NONCE_LEN = 12,
	TAG_LEN = 16,
	CURSOR_MAC_LEN = 16,
};

struct wh_keyring {
	unsigned char seal[32];   /* AES-256-GCM key for secrets at rest */
	unsigned char cursor[32]; /* HMAC key for listWebhooks cursors */
};

bool wh_random(void *buf, size_t n)
{
	return n <= (size_t)INT32_MAX && RAND_bytes(buf, (int)n) == 1;
}

void wh_wipe(void *buf, size_t n)
{
	OPENSSL_cleanse(buf, n);
}

void wh_sha256(const void *data, size_t len, unsigned char out[32])
{
	SHA256(data, len, out);
}

bool wh_equal_ct(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

static void hmac_sha256(const unsigned char key[32], const void *data, size_t len,
                        unsigned char out[32])
{
	unsigned int out_len = 32;
	HMAC(EVP_sha256(), key, 32, data, len, out, &out_len);
}

bool wh_secret_generate(char out[WH_SECRET_LEN + 1])
{
	unsigned char raw[32];
	if (!wh_random(raw, sizeof raw))
		return false;
	memcpy(out, "whsec_", 6);
	/* EVP_EncodeBlock writes standard base64 with padding and a NUL. */
	int n = EVP_EncodeBlock((unsigned char *)out + 6, raw, sizeof raw);
	wh_wipe(raw, sizeof raw);
	return n == WH_SECRET_LEN - 6;
}

bool wh_api_key_generate(char out[WH_API_KEY_LEN + 1])
{
	unsigned char raw[32];
	if (!wh_random(raw, sizeof raw))
		return false;
	memcpy(out, "whk_", 4);
	size_t n = lexc_base64url_encode(raw, sizeof raw, out + 4);
	out[4 + n] = '\0';
	wh_wipe(raw, sizeof raw);
	return n == WH_API_KEY_LEN - 4;
}

/* The last id's time and counter: ids made in one process sort in the
 * order they were made, even within one millisecond or when the clock
 * steps back (RFC 9562 §6.2, method 1: a 12-bit counter in rand_a). */
static pthread_mutex_t uuid_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t uuid_last_ms = -1;
static unsigned uuid_counter;

bool wh_uuid7(int64_t now_ms, char out[WH_UUID_LEN + 1])
{
	unsigned char b[16];
	if (now_ms < 0 || !wh_random(b + 6, 10))
		return false;
	pthread_mutex_lock(&uuid_lock);
	if (now_ms > uuid_last_ms) {
		uuid_last_ms = now_ms;
		uuid_counter =
		        (unsigned)(b[6] & 0x07) << 8 | b[7]; /* random start, room to count */
	} else if (++uuid_counter > 0xfff) {
		uuid_last_ms++; /* the counter overflowed: borrow the next millisecond */
		uuid_counter = 0;
	}
	uint64_t ms = (uint64_t)uuid_last_ms;
	unsigned counter = uuid_counter;
	pthread_mutex_unlock(&uuid_lock);
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	b[6] = (unsigned char)(0x70 | (counter >> 8)); /* version 7 */
	b[7] = (unsigned char)counter;
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f)); /* variant 10 */
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
	return true;
}

/* The key file ------------------------------------------------------------ */

static const char key_file_name[] = "webhookd.key";

static bool refuse(lexc_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool refuse(lexc_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lexc_error_setv(err, LEXC_INTERNAL_SERVER_ERROR, fmt, ap);
	va_end(ap);
	return false;
}

/* Creates the key file if there is none: 32 bytes, mode 0600, O_EXCL so two
 * processes starting at once cannot both write one. */
static bool key_file_create(const char *path, lexc_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return true; /* someone else made it: read theirs */
		return refuse(err, "cannot create the key file %s: %s", path, strerror(errno));
	}
	unsigned char master[MASTER_LEN];
	bool ok = wh_random(master, sizeof master) &&
	          write(fd, master, sizeof master) == (ssize_t)sizeof master && fsync(fd) == 0;
	wh_wipe(master, sizeof master);
	if (close(fd) != 0)
		ok = false;
	if (!ok) {
		unlink(path);
		return refuse(err, "cannot write the key file %s: %s", path, strerror(errno));
	}
	return true;
}

static bool key_file_read(const char *path, unsigned char master[MASTER_LEN], lexc_error *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return refuse(err, "cannot open the key file %s: %s (it must be a regular file)",
		              path, strerror(errno));
	struct stat st;
	bool ok = false;
	if (fstat(fd, &st) != 0) {
		refuse(err, "cannot stat the key file %s: %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		refuse(err, "the key file %s is not a regular file", path);
	} else if ((st.st_mode & 077) != 0) {
		refuse(err,
		       "the key file %s is readable or writable by others (mode %04o); fix it "
		       "with: "
		       "chmod 600 %s",
		       path, (unsigned)(st.st_mode & 07777), path);
	} else if (st.st_uid != geteuid()) {
		refuse(err, "the key file %s belongs to another user", path);
	} else if (st.st_size != MASTER_LEN) {
		refuse(err, "the key file %s is damaged (%lld bytes, not %d)", path,
		       (long long)st.st_size, MASTER_LEN);
	} else if (read(fd, master, MASTER_LEN) != MASTER_LEN) {
		refuse(err, "cannot read the key file %s: %s", path, strerror(errno));
	} else {
		ok = true;
	}
	close(fd);
	return ok;
}

wh_keyring *wh_keyring_open(const char *dir, lexc_error *err)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, key_file_name) >= sizeof path) {
		lexc_error_set(err, LEXC_INTERNAL_SERVER_ERROR,
		               "the data directory path is too long");
		return NULL;
	}
	return wh_keyring_open_file(path, err);
}

wh_keyring *wh_keyring_open_file(const char *path, lexc_error *err)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT) {
			refuse(err, "cannot stat the key file %s: %s", path, strerror(errno));
			return NULL;
		}
		if (!key_file_create(path, err))
			return NULL;
	} else if (S_ISLNK(st.st_mode)) {
		refuse(err, "the key file %s is a symbolic link; it must be a regular file", path);
		return NULL;
	}
	unsigned char master[MASTER_LEN];
	if (!key_file_read(path, master, err))
		return NULL;
	wh_keyring *k = OPENSSL_malloc(sizeof *k);
	if (k == NULL) {
		wh_wipe(master, sizeof master);
		lexc_error_set(err, LEXC_NO_MEMORY, "out of memory");
		return NULL;
	}
	/* One master key, one derived key per use: a cursor MAC never shares
	 * a key with the cipher. */
	hmac_sha256(master, "webhookd seal v1", 16, k->seal);
	hmac_sha256(master, "webhookd cursor v1", 18, k->cursor);
	wh_wipe(master, sizeof master);
	return k;
}

void wh_keyring_free(wh_keyring *k)
{
	if (k == NULL)
		return;
	OPENSSL_clear_free(k, sizeof *k);
}

/* Sealing ----------------------------------------------------------------- */

/* The additional data: did NUL id. The NUL keeps ("a", "bc") and ("ab",
 * "c") apart; neither a DID nor an id contains one. */
static bool aad_update(EVP_CIPHER_CTX *c, lexc_str did, lexc_str secret_id)
{
	int n;
	return did.len <= INT32_MAX && secret_id.len <= INT32_MAX &&
	       EVP_CipherUpdate(c, NULL, &n, (const unsigned char *)did.ptr, (int)did.len) == 1 &&
	       EVP_CipherUpdate(c, NULL, &n, (const unsigned char *)"", 1) == 1 &&
	       EVP_CipherUpdate(c, NULL, &n, (const unsigned char *)secret_id.ptr,
	                        (int)secret_id.len) == 1;
}

bool wh_seal(const wh_keyring *k, lexc_str did, lexc_str secret_id, lexc_str plain, lexc_arena *a,
             wh_sealed *out)
{
	if (plain.len > 4096)
		return false;
	size_t total = NONCE_LEN + plain.len + TAG_LEN;
	unsigned char *buf = lexc_arena_alloc(a, total);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0;
	bool ok = buf != NULL && c != NULL && wh_random(buf, NONCE_LEN) &&
	          EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, k->seal, buf) == 1 &&
	          aad_update(c, did, secret_id) &&
	          EVP_EncryptUpdate(c, buf + NONCE_LEN, &n, (const unsigned char *)plain.ptr,
	                            (int)plain.len) == 1 &&
	          EVP_EncryptFinal_ex(c, buf + NONCE_LEN + n, &fin) == 1 &&
	          (size_t)(n + fin) == plain.len &&
	          EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
	                              buf + NONCE_LEN + plain.len) == 1;
	EVP_CIPHER_CTX_free(c);
	if (!ok)
		return false;
	out->data = buf;
	out->len = total;
	return true;
}

bool wh_open(const wh_keyring *k, lexc_str did, lexc_str secret_id, wh_sealed sealed, lexc_arena *a,
             lexc_str *plain)
{
	if (sealed.data == NULL || sealed.len < NONCE_LEN + TAG_LEN || sealed.len > 8192)
		return false;
	size_t len = sealed.len - NONCE_LEN - TAG_LEN;
	char *buf = lexc_arena_alloc(a, len + 1);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0;
	bool ok = buf != NULL && c != NULL &&
	          EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, k->seal, sealed.data) == 1 &&
	          aad_update(c, did, secret_id) &&
	          EVP_DecryptUpdate(c, (unsigned char *)buf, &n, sealed.data + NONCE_LEN,
	                            (int)len) == 1 &&
	          EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
	                              (void *)(sealed.data + NONCE_LEN + len)) == 1 &&
	          EVP_DecryptFinal_ex(c, (unsigned char *)buf + n, &fin) == 1 &&
	          (size_t)(n + fin) == len;
	EVP_CIPHER_CTX_free(c);
	if (!ok) {
		if (buf != NULL)
			wh_wipe(buf, len);
		return false;
	}
	buf[len] = '\0';
	*plain = lexc_str_borrow_n(buf, len);
	return true;
}

/* Cursors ------------------------------------------------------------------ */

/* MAC over did NUL id: a cursor of one DID is no cursor for another. */
static void cursor_mac(const wh_keyring *k, lexc_str did, const unsigned char *id, size_t id_len,
                       unsigned char out[32])
{
	unsigned char msg[512];
	size_t n = 0;
	size_t dl = did.len < 300 ? did.len : 300;
	memcpy(msg, did.ptr, dl);
	n = dl;
	msg[n++] = 0;
	size_t il = id_len < sizeof msg - n ? id_len : sizeof msg - n;
	memcpy(msg + n, id, il);
	n += il;
	hmac_sha256(k->cursor, msg, n, out);
}

enum { CURSOR_ID_MAX = 64 };

lexc_str wh_cursor_make(const wh_keyring *k, lexc_str did, lexc_str id, lexc_arena *a)
{
	if (id.len > CURSOR_ID_MAX)
		return lexc_str_borrow(NULL);
	unsigned char raw[CURSOR_ID_MAX + CURSOR_MAC_LEN], mac[32];
	memcpy(raw, id.ptr, id.len);
	cursor_mac(k, did, raw, id.len, mac);
	memcpy(raw + id.len, mac, CURSOR_MAC_LEN);
	size_t raw_len = id.len + CURSOR_MAC_LEN;
	char *out = lexc_arena_alloc(a, (raw_len + 2) / 3 * 4 + 1);
	if (out == NULL)
		return lexc_str_borrow(NULL);
	size_t n = lexc_base64url_encode(raw, raw_len, out);
	out[n] = '\0';
	return lexc_str_borrow_n(out, n);
}

bool wh_cursor_parse(const wh_keyring *k, lexc_str did, lexc_str cursor, lexc_arena *a,
                     lexc_str *id)
{
	unsigned char raw[CURSOR_ID_MAX + CURSOR_MAC_LEN], mac[32];
	size_t len;
	if (cursor.ptr == NULL || cursor.len > (sizeof raw + 2) / 3 * 4 ||
	    !lexc_base64url_decode(cursor.ptr, cursor.len, raw, sizeof raw, &len, NULL) ||
	    len <= CURSOR_MAC_LEN)
		return false;
	size_t id_len = len - CURSOR_MAC_LEN;
	cursor_mac(k, did, raw, id_len, mac);
	if (!wh_equal_ct(mac, raw + id_len, CURSOR_MAC_LEN))
		return false;
	*id = lexc_str_copy_n(a, (const char *)raw, id_len);
	return id->ptr != NULL;
}
