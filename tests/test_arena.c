/* Unit tests for lexc_arena. */
#include "config.h"

#include <lexc/arena.h>

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool aligned(const void *p, size_t align)
{
	return ((uintptr_t)p & (align - 1)) == 0;
}

START_TEST(test_zero_initialised_is_usable)
{
	lexc_arena a = LEXC_ARENA_INIT;
	char *p = lexc_arena_alloc(&a, 10);
	ck_assert_ptr_nonnull(p);
	memset(p, 'x', 10);
	ck_assert_uint_gt(lexc_arena_heap_bytes(&a), 0);
	lexc_arena_free(&a);
	ck_assert_uint_eq(lexc_arena_heap_bytes(&a), 0);
}
END_TEST

START_TEST(test_alignment)
{
	lexc_arena a;
	lexc_arena_init(&a);
	for (size_t i = 0; i < 1000; i++) {
		size_t align = (size_t)1 << (i % 7); /* 1 .. 64 */
		void *p = lexc_arena_alloc_aligned(&a, i % 37 + 1, align);
		ck_assert_ptr_nonnull(p);
		ck_assert(aligned(p, align));
		void *q = lexc_arena_alloc(&a, 3);
		ck_assert(aligned(q, LEXC_ARENA_ALIGN));
	}
	ck_assert_ptr_null(lexc_arena_alloc_aligned(&a, 8, 3)); /* not a power of two */
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_allocations_do_not_overlap)
{
	lexc_arena a;
	lexc_arena_init(&a);
	enum { N = 5000 };
	unsigned char *ptrs[N];
	size_t sizes[N];
	for (size_t i = 0; i < N; i++) {
		sizes[i] = (i * 7919) % 300 + 1;
		ptrs[i] = lexc_arena_alloc(&a, sizes[i]);
		ck_assert_ptr_nonnull(ptrs[i]);
		memset(ptrs[i], (int)(i & 0xFF), sizes[i]);
	}
	/* One assertion per allocation keeps this fast under valgrind. */
	for (size_t i = 0; i < N; i++) {
		size_t bad = 0;
		for (size_t k = 0; k < sizes[i]; k++)
			bad += ptrs[i][k] != (i & 0xFF);
		ck_assert_uint_eq(bad, 0);
	}
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_large_allocation_gets_own_block)
{
	lexc_arena a;
	lexc_arena_init(&a);
	char *small = lexc_arena_alloc(&a, 16);
	size_t before = lexc_arena_heap_bytes(&a);
	char *big = lexc_arena_alloc(&a, 8 * 1024 * 1024);
	ck_assert_ptr_nonnull(big);
	memset(big, 1, 8 * 1024 * 1024);
	ck_assert_uint_ge(lexc_arena_heap_bytes(&a), before + 8 * 1024 * 1024);
	/* The small block stays current: the next small allocation follows it. */
	char *next = lexc_arena_alloc(&a, 16);
	ck_assert_ptr_eq(next, small + 16);
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_fixed_buffer_first)
{
	_Alignas(max_align_t) char buf[256];
	lexc_arena a;
	lexc_arena_init_buffer(&a, buf, sizeof buf);
	char *p = lexc_arena_alloc(&a, 100);
	ck_assert(p >= buf && p + 100 <= buf + sizeof buf);
	ck_assert_uint_eq(lexc_arena_heap_bytes(&a), 0);
	char *q = lexc_arena_alloc(&a, 1000); /* does not fit: heap */
	ck_assert_ptr_nonnull(q);
	ck_assert(q < buf || q >= buf + sizeof buf);
	ck_assert_uint_gt(lexc_arena_heap_bytes(&a), 0);
	lexc_arena_free(&a);
	/* After free the buffer is used again. */
	p = lexc_arena_alloc(&a, 8);
	ck_assert(p >= buf && p < buf + sizeof buf);
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_reset_keeps_largest_block)
{
	lexc_arena a;
	lexc_arena_init(&a);
	for (int i = 0; i < 100; i++)
		ck_assert_ptr_nonnull(lexc_arena_alloc(&a, 1000));
	size_t held = lexc_arena_heap_bytes(&a);
	lexc_arena_reset(&a);
	size_t kept = lexc_arena_heap_bytes(&a);
	ck_assert_uint_gt(kept, 0);
	ck_assert_uint_lt(kept, held);
	/* A reset loop with the same work neither grows nor mallocs. */
	for (int round = 0; round < 50; round++) {
		for (int i = 0; i < 20; i++)
			ck_assert_ptr_nonnull(lexc_arena_alloc(&a, 1000));
		lexc_arena_reset(&a);
		ck_assert_uint_eq(lexc_arena_heap_bytes(&a), kept);
	}
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_limit)
{
	lexc_arena a;
	lexc_arena_init(&a);
	lexc_arena_set_limit(&a, 64 * 1024);
	size_t total = 0;
	while (lexc_arena_alloc(&a, 1000) != NULL) {
		total += 1000;
		ck_assert_uint_le(lexc_arena_heap_bytes(&a), 64 * 1024);
		ck_assert_uint_lt(total, 1024 * 1024);
	}
	ck_assert_uint_gt(total, 30 * 1000);
	ck_assert_ptr_null(lexc_arena_alloc(&a, 1024 * 1024));
	lexc_arena_free(&a);
	ck_assert_ptr_nonnull(lexc_arena_alloc(&a, 1000)); /* usable again */
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_overflow_requests_fail)
{
	lexc_arena a;
	lexc_arena_init(&a);
	ck_assert_ptr_null(lexc_arena_alloc(&a, SIZE_MAX));
	ck_assert_ptr_null(lexc_arena_alloc(&a, SIZE_MAX - 8));
	ck_assert_ptr_null(lexc_arena_calloc(&a, SIZE_MAX / 2, 4));
	ck_assert_ptr_null(lexc_arena_strndup(&a, "x", SIZE_MAX));
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_calloc_zeroes)
{
	lexc_arena a;
	lexc_arena_init(&a);
	unsigned char *p = lexc_arena_alloc(&a, 64);
	memset(p, 0xAB, 64);
	lexc_arena_reset(&a);
	unsigned char *z = lexc_arena_calloc(&a, 16, 4);
	ck_assert_ptr_nonnull(z);
	for (int i = 0; i < 64; i++)
		ck_assert_uint_eq(z[i], 0);
	lexc_arena_free(&a);
}
END_TEST

START_TEST(test_realloc_in_place_and_copy)
{
	lexc_arena a;
	lexc_arena_init(&a);
	char *p = lexc_arena_alloc(&a, 8);
	memcpy(p, "abcdefgh", 8);
	char *q = lexc_arena_realloc(&a, p, 8, 64);
	ck_assert_ptr_eq(p, q); /* last allocation grows in place */
	ck_assert_int_eq(memcmp(q, "abcdefgh", 8), 0);
	char *other = lexc_arena_alloc(&a, 8);
	ck_assert_ptr_nonnull(other);
	char *r = lexc_arena_realloc(&a, q, 64, 128);
	ck_assert_ptr_ne(r, q); /* no longer last: copied */
	ck_assert_int_eq(memcmp(r, "abcdefgh", 8), 0);
	ck_assert_ptr_eq(lexc_arena_realloc(&a, r, 128, 16), r);
	char *fresh = lexc_arena_realloc(&a, NULL, 0, 32);
	ck_assert_ptr_nonnull(fresh);
	/* Growing an array one element at a time, as a decoder does. */
	int *arr = NULL;
	for (int i = 0; i < 10000; i++) {
		arr = lexc_arena_realloc(&a, arr, (size_t)i * sizeof *arr,
		                         (size_t)(i + 1) * sizeof *arr);
		ck_assert_ptr_nonnull(arr);
		arr[i] = i;
	}
	for (int i = 0; i < 10000; i++)
		ck_assert_int_eq(arr[i], i);
	lexc_arena_free(&a);
}
END_TEST

/* A big array growing by doubling while small allocations come between
 * its growths costs about its final size: its own block is realloc'd. */
START_TEST(test_realloc_big_costs_final_size)
{
	lexc_arena a;
	lexc_arena_init(&a);
	size_t size = 8192;
	char *p = lexc_arena_alloc(&a, size);
	ck_assert_ptr_nonnull(p);
	memset(p, 7, size);
	for (; size < (16u << 20); size *= 2) {
		ck_assert_ptr_nonnull(lexc_arena_alloc(&a, 24)); /* in the way */
		p = lexc_arena_realloc(&a, p, size, size * 2);
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(p[0], 7);
		ck_assert_int_eq(p[size - 1], 7);
		memset(p + size, 7, size);
	}
	/* 16 MiB of array; copies would have cost 32 MiB. */
	ck_assert_uint_lt(lexc_arena_heap_bytes(&a), (size_t)(17u << 20));
	lexc_arena_reset(&a);
	/* The kept block is the current one now: ordinary allocations use it. */
	char *q = lexc_arena_alloc(&a, 100);
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_nonnull(lexc_arena_realloc(&a, q, 100, 200));
	lexc_arena_free(&a);
}
END_TEST

/* The limit holds for realloc'd blocks too, and lexc_arena_limit_reached()
 * tells a refusal by the limit from a malloc failure, until reset. */
START_TEST(test_limit_reached)
{
	lexc_arena a;
	lexc_arena_init(&a);
	lexc_arena_set_limit(&a, 1u << 20);
	char *p = lexc_arena_alloc(&a, 8192);
	ck_assert_ptr_nonnull(p);
	ck_assert(!lexc_arena_limit_reached(&a));
	size_t size = 8192;
	while ((p = lexc_arena_realloc(&a, p, size, size * 2)) != NULL)
		size *= 2;
	ck_assert(lexc_arena_limit_reached(&a));
	ck_assert_uint_le(lexc_arena_heap_bytes(&a), (size_t)(1u << 20));
	ck_assert_uint_ge(size, (size_t)(256u << 10));
	lexc_arena_reset(&a);
	ck_assert(!lexc_arena_limit_reached(&a));
	/* Growing within a big allocation's own block needs no memory. */
	lexc_arena_free(&a);
	lexc_arena_set_limit(&a, 1u << 20);
	ck_assert_ptr_nonnull(lexc_arena_alloc(&a, 16));
	p = lexc_arena_alloc(&a, 9000);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_eq(lexc_arena_realloc(&a, p, 9000, 9001), p);
	ck_assert(!lexc_arena_limit_reached(&a));
	lexc_arena_reset(&a);
	ck_assert_ptr_null(lexc_arena_alloc(&a, 2u << 20));
	ck_assert(lexc_arena_limit_reached(&a));
	lexc_arena_free(&a);
	ck_assert(!lexc_arena_limit_reached(&a));
}
END_TEST

START_TEST(test_strndup_memdup)
{
	lexc_arena a;
	lexc_arena_init(&a);
	const char src[] = {'a', '\0', 'b'};
	char *s = lexc_arena_strndup(&a, src, 3);
	ck_assert_int_eq(memcmp(s, src, 3), 0);
	ck_assert_int_eq(s[3], '\0');
	char *e = lexc_arena_strndup(&a, NULL, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e[0], '\0');
	int v[4] = {1, 2, 3, 4};
	int *d = lexc_arena_memdup(&a, v, sizeof v);
	ck_assert_int_eq(d[3], 4);
	lexc_arena_free(&a);
}
END_TEST

static Suite *arena_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_zero_initialised_is_usable);
	tcase_add_test(tc, test_alignment);
	tcase_add_test(tc, test_allocations_do_not_overlap);
	tcase_add_test(tc, test_large_allocation_gets_own_block);
	tcase_add_test(tc, test_fixed_buffer_first);
	tcase_add_test(tc, test_reset_keeps_largest_block);
	tcase_add_test(tc, test_limit);
	tcase_add_test(tc, test_overflow_requests_fail);
	tcase_add_test(tc, test_calloc_zeroes);
	tcase_add_test(tc, test_realloc_in_place_and_copy);
	tcase_add_test(tc, test_strndup_memdup);
	tcase_add_test(tc, test_realloc_big_costs_final_size);
	tcase_add_test(tc, test_limit_reached);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(arena_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
