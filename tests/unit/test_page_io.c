// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for page_io.c: swap I/O through an area's backend, the file
 * one (a private file in a test directory) and a fake one of the test's
 * own, with no file, that completes at once or later from another thread.
 */
#include "autoconfig.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "page_io.h"
#include "zswap.h"
#include "swapfile.h"
#include "sys.h"

static char dir[] = "/tmp/upage-test-page_io-XXXXXX";

#include "swap_area.h"

static void setup(void)
{
	strcpy(dir, "/tmp/upage-test-page_io-XXXXXX");
	cr_assert_not_null(mkdtemp(dir), "expected mkdtemp to make a test directory");
}

static void teardown(void)
{
	swapoff_all();
	rmdir(dir);
}

TestSuite(page_io, .init = setup, .fini = teardown);

static void fill_pattern(char *buf, int n)
{
	for (unsigned long j = 0; j < PAGE_SIZE; j++)
		buf[j] = n == 0 ? 0 : n == 1 ? (char)0xff : n == 2 ? (char)0xa5
		       : n == 3 ? (char)j : (char)(j * 7 + j / 13);
}

Test(page_io, write_then_read_back_patterns)
{
	char *buf = page_buf(), *back = page_buf();
	swp_entry_t e[5];

	file_area(0, 64);
	for (int i = 0; i < 5; i++)
		e[i] = get_slot();
	for (int i = 0; i < 5; i++) {
		fill_pattern(buf, i);
		cr_assert_eq(swap_writepage(e[i], buf), 0, "expected pattern %d written", i);
	}
	for (int i = 4; i >= 0; i--) {
		fill_pattern(buf, i);
		memset(back, 0x5a, PAGE_SIZE);
		cr_assert_eq(swap_readpage(e[i], back), 0, "expected pattern %d read", i);
		cr_assert_eq(memcmp(buf, back, PAGE_SIZE), 0,
			     "expected slot %lu to read back pattern %d", swp_offset(e[i]), i);
	}
	sys_free_pages(buf, PAGE_SIZE);
	sys_free_pages(back, PAGE_SIZE);
}

Test(page_io, writepages_four_then_read_each)
{
	char *pages = sys_alloc_pages(4 * PAGE_SIZE), *back = page_buf();
	struct iovec iov[4];
	swp_entry_t first;

	cr_assert_not_null(pages, "expected 4 aligned pages");
	file_area(0, 64);
	first = get_slot();
	for (int i = 1; i < 4; i++)
		cr_assert_eq(swp_offset(get_slot()), swp_offset(first) + i,
			     "expected 4 consecutive slots");
	for (int i = 0; i < 4; i++) {
		memset(pages + i * PAGE_SIZE, 'A' + i, PAGE_SIZE);
		iov[i].iov_base = pages + i * PAGE_SIZE;
		iov[i].iov_len = PAGE_SIZE;
	}
	cr_assert_eq(swap_writepages(first, iov, 4), 0, "expected 4 pages written at once");
	for (int i = 0; i < 4; i++) {
		swp_entry_t e = swp_entry(swp_type(first), swp_offset(first) + i);

		cr_assert_eq(swap_readpage(e, back), 0, "expected page %d read", i);
		cr_assert_eq(memcmp(back, pages + i * PAGE_SIZE, PAGE_SIZE), 0,
			     "expected page %d to hold '%c's", i, 'A' + i);
	}
	sys_free_pages(pages, 4 * PAGE_SIZE);
	sys_free_pages(back, PAGE_SIZE);
}

/*
 * A directory on a disk-backed file system for the test's area, made in
 * the first of the build directory (where make check runs) and /var/tmp
 * that is not RAM-backed; NULL when neither is.
 */
static char disk_dir[PATH_MAX];

static const char *make_disk_dir(void)
{
	char cwd[PATH_MAX];
	const char *bases[] = { getcwd(cwd, sizeof(cwd)), "/var/tmp" };

	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		if (!bases[i] || swap_ram_backed(bases[i]))
			continue;
		snprintf(disk_dir, sizeof(disk_dir), "%s/upage-test-disk-XXXXXX", bases[i]);
		if (mkdtemp(disk_dir))
			return disk_dir;
	}
	return NULL;
}

/* O_DIRECT on a disk: the written page is on the disk, not in memory.
 * (On tmpfs O_DIRECT is accepted and the page stays in memory.) */
Test(page_io, written_page_stays_out_of_page_cache)
{
	struct swap_info_struct *si;
	char *buf = page_buf(), *map;
	unsigned char vec[8];
	const char *where = make_disk_dir();
	swp_entry_t e;
	int type;

	if (!where)
		cr_skip_test("neither the build directory nor /var/tmp is on a disk-backed file system");
	type = swapon(where, 0, 8 * PAGE_SIZE);
	rmdir(where);	/* the area's file is unlinked: the directory is empty */
	cr_assert_geq(type, 0, "expected swapon(%s) to succeed, got %d", where, type);
	e = get_slot();
	si = swap_info(type);
	if (!(si->flags & SWP_DIRECT))
		cr_skip_test("%s refuses O_DIRECT", where);
	memset(buf, 0x77, PAGE_SIZE);
	cr_assert_eq(swap_writepage(e, buf), 0, "expected the page written");
	map = mmap(NULL, si->max * PAGE_SIZE, PROT_READ, MAP_SHARED, si->fd, 0);
	cr_assert_neq(map, MAP_FAILED, "expected to map the area's file");
	cr_assert_eq(mincore(map, si->max * PAGE_SIZE, vec), 0, "expected mincore to work");
	cr_assert_eq(vec[swp_offset(e)] & 1, 0, "expected the swapped page not in the page cache");
	cr_assert_eq(memcmp(map + swp_offset(e) * PAGE_SIZE, buf, PAGE_SIZE), 0,
		     "expected the page on disk all the same");
	munmap(map, si->max * PAGE_SIZE);
	sys_free_pages(buf, PAGE_SIZE);
}

Test(page_io, io_outside_the_area_is_einval)
{
	char *buf = page_buf();
	struct iovec iov[2] = { { buf, PAGE_SIZE }, { buf, PAGE_SIZE } };
	swp_entry_t last;

	file_area(0, 8);
	for (int i = 0; i < 7; i++)
		last = get_slot();
	cr_assert_eq(swap_writepage(swp_entry(swp_type(last), 8), buf), -EINVAL,
		     "expected -EINVAL writing past the area");
	cr_assert_eq(swap_readpage(swp_entry(swp_type(last), 0), buf), -EINVAL,
		     "expected -EINVAL reading slot 0");
	cr_assert_eq(swap_writepages(last, iov, 2), -EINVAL,
		     "expected -EINVAL for a run that crosses the end");
	cr_assert_eq(swap_writepages(last, iov, 1), 0, "expected the last slot writable");
	sys_free_pages(buf, PAGE_SIZE);
}

Test(page_io, a_vector_of_other_than_whole_pages_is_einval)
{
	char *buf = page_buf();
	struct iovec iov[1] = { { buf, 512 } };

	file_area(0, 8);
	cr_assert_eq(swap_writepages(get_slot(), iov, 1), -EINVAL,
		     "expected -EINVAL for a 512-byte buffer");
	cr_assert_eq(swap_writepages(get_slot(), iov, 0), -EINVAL, "expected -EINVAL for 0 pages");
	sys_free_pages(buf, PAGE_SIZE);
}

/* ---- a backend with no file: slots in memory ------------------------ */

#define MEM_SLOTS 16

struct mem_backend {
	char slots[MEM_SLOTS][PAGE_SIZE];
	int submits;
	int fail;		/* submit fails with this */
	int io_err;		/* end_io gets this */
	bool later;		/* complete from another thread */
};

static void mem_copy(struct mem_backend *m, const struct swap_io *io)
{
	unsigned long off = swp_offset(io->entry);

	for (int i = 0; i < io->nr; i++) {
		if (io->write)
			memcpy(m->slots[off + i], io->iov[i].iov_base, PAGE_SIZE);
		else
			memcpy(io->iov[i].iov_base, m->slots[off + i], PAGE_SIZE);
	}
}

struct completion {
	struct mem_backend *m;
	struct swap_io *io;
};

static void *complete_later(void *arg)
{
	struct completion *c = arg;

	usleep(20000);		/* the submitter is asleep by now */
	mem_copy(c->m, c->io);
	c->io->end_io(c->io, c->m->io_err);
	free(c);
	return NULL;
}

static int mem_submit(struct swap_info_struct *si, struct swap_io *io)
{
	struct mem_backend *m = si->private;
	struct completion *c;
	pthread_t t;

	m->submits++;
	if (m->fail)
		return m->fail;
	if (!m->later) {
		mem_copy(m, io);
		io->end_io(io, m->io_err);
		return 0;
	}
	c = malloc(sizeof(*c));
	cr_assert_not_null(c);
	*c = (struct completion){ m, io };
	cr_assert_eq(pthread_create(&t, NULL, complete_later, c), 0);
	pthread_detach(t);
	return 0;
}

static const struct swap_aops mem_aops = { .name = "mem", .submit = mem_submit };

static struct mem_backend *mem_area(void)
{
	struct mem_backend *m = sys_alloc_pages(PAGE_ALIGN(sizeof(*m)));
	int type;

	cr_assert_not_null(m);
	type = swapon_backend("mem", &mem_aops, m, MEM_SLOTS, 0);
	cr_assert_geq(type, 0, "expected swapon_backend to add an area, got %d", type);
	cr_assert_eq(swap_info(type)->fd, -1, "expected an area with no file");
	return m;
}

Test(page_io, backend_without_a_file_reads_back_what_was_written)
{
	struct mem_backend *m = mem_area();
	char *buf = page_buf(), *back = page_buf();
	swp_entry_t e = get_slot();

	fill_pattern(buf, 4);
	cr_assert_eq(swap_writepage(e, buf), 0, "expected the write through the backend");
	cr_assert_eq(memcmp(m->slots[swp_offset(e)], buf, PAGE_SIZE), 0,
		     "expected the backend's slot to hold the page");
	cr_assert_eq(swap_readpage(e, back), 0, "expected the read through the backend");
	cr_assert_eq(memcmp(buf, back, PAGE_SIZE), 0, "expected the page back");
	cr_assert_eq(m->submits, 2, "expected one request each way");
}

Test(page_io, completion_from_another_thread_is_waited_for)
{
	struct mem_backend *m = mem_area();
	char *buf = page_buf(), *back = page_buf();
	swp_entry_t e = get_slot();

	m->later = true;
	fill_pattern(buf, 3);
	cr_assert_eq(swap_writepage(e, buf), 0, "expected the write to complete later");
	memset(back, 0x5a, PAGE_SIZE);
	cr_assert_eq(swap_readpage(e, back), 0, "expected the read to complete later");
	cr_assert_eq(memcmp(buf, back, PAGE_SIZE), 0,
		     "expected the page read only once the backend completed");
}

Test(page_io, backend_errors_reach_the_caller)
{
	struct mem_backend *m = mem_area();
	char *buf = page_buf();
	swp_entry_t e = get_slot();

	m->fail = -ENODEV;
	cr_assert_eq(swap_readpage(e, buf), -ENODEV, "expected submit's error");
	m->fail = 0;
	m->io_err = -EIO;
	cr_assert_eq(swap_readpage(e, buf), -EIO, "expected the completion's error");
	m->later = true;
	cr_assert_eq(swap_writepage(e, buf), -EIO, "expected a later completion's error");
}

Test(page_io, slots_past_a_backend_area_are_einval)
{
	struct mem_backend *m = mem_area();
	char *buf = page_buf();

	cr_assert_eq(swap_readpage(swp_entry(0, MEM_SLOTS), buf), -EINVAL,
		     "expected -EINVAL past the area's last slot");
	cr_assert_eq(m->submits, 0, "expected nothing submitted");
}

/* ---- the compressed tier in front of the file area ------------------- */

static void zswap_teardown(void)
{
	zswap_destroy();
	teardown();
}

TestSuite(page_io_zswap, .init = setup, .fini = zswap_teardown);

static void fill_text(char *page, unsigned long n)
{
	size_t off = 0;

	for (int line = 0; off < PAGE_SIZE; line++) {
		char l[96];
		int len = snprintf(l, sizeof(l), "slot %lu line %d: some text %lu\n", n, line,
				   n * 17 + (unsigned long)line);
		size_t take = PAGE_SIZE - off < (size_t)len ? PAGE_SIZE - off : (size_t)len;

		memcpy(page + off, l, take);
		off += take;
	}
}

static struct zswap_stats zstats(void)
{
	struct zswap_stats st;

	zswap_get_stats(&st);
	return st;
}

/* What the area's file holds at @e, bypassing the pool. */
static void read_file_slot(int type, swp_entry_t e, char *buf)
{
	struct swap_info_struct *si = swap_info(type);

	cr_assert_eq(pread(si->fd, buf, PAGE_SIZE, (off_t)swp_offset(e) * PAGE_SIZE),
		     (ssize_t)PAGE_SIZE, "expected the file's slot read");
}

Test(page_io_zswap, stored_pages_spare_the_disk_and_read_back)
{
	char *buf = page_buf(), *back = page_buf();
	int type = file_area(0, 64);
	swp_entry_t e[8];

	cr_assert_eq(swap_zswap_init(1 << 20, COMPRESSOR_LZ4), 0, "expected a pool");
	for (int i = 0; i < 8; i++) {
		e[i] = get_slot();
		fill_text(buf, swp_offset(e[i]));
		cr_assert_eq(swap_writepage(e[i], buf), 0, "expected page %d written", i);
	}
	cr_assert_eq(zstats().stores, 8, "expected every page stored in the pool");
	for (int i = 0; i < 8; i++) {
		read_file_slot(type, e[i], back);
		fill_text(buf, swp_offset(e[i]));
		cr_assert_neq(memcmp(back, buf, PAGE_SIZE), 0, "expected page %d not on the disk", i);
		cr_assert_eq(swap_readpage(e[i], back), 0, "expected page %d read", i);
		cr_assert_arr_eq(back, buf, PAGE_SIZE, "expected page %d as written", i);
	}
	cr_assert_eq(zstats().hits, 8, "expected every read served by the pool");
	sys_free_pages(buf, PAGE_SIZE);
	sys_free_pages(back, PAGE_SIZE);
}

Test(page_io_zswap, freeing_the_slot_drops_its_entry)
{
	char *buf = page_buf();
	swp_entry_t e;

	file_area(0, 64);
	cr_assert_eq(swap_zswap_init(1 << 20, COMPRESSOR_LZ4), 0, "expected a pool");
	e = get_slot();
	fill_text(buf, 1);
	cr_assert_eq(swap_writepage(e, buf), 0, "expected the page written");
	cr_assert_eq(swap_duplicate(e), 0, "expected a second user of the slot");
	cr_assert_eq(swap_free(e), 0, "expected one user fewer");
	cr_assert_eq(zstats().stored_pages, 1, "expected the entry kept while the slot is used");
	cr_assert_eq(swap_free(e), 0, "expected the slot freed");
	cr_assert_eq(zstats().stored_pages, 0, "expected the entry dropped with the slot");
	cr_assert_eq(zswap_load(e, buf), -ENOENT, "expected no copy of a free slot");
	sys_free_pages(buf, PAGE_SIZE);
}

Test(page_io_zswap, a_run_of_stored_and_refused_pages)
{
	char *pages = sys_alloc_pages(4 * PAGE_SIZE), *back = page_buf();
	struct iovec iov[4];
	swp_entry_t first;

	cr_assert_not_null(pages, "expected 4 aligned pages");
	file_area(0, 64);
	cr_assert_eq(swap_zswap_init(1 << 20, COMPRESSOR_LZ4), 0, "expected a pool");
	first = get_slot();
	for (int i = 1; i < 4; i++)
		get_slot();
	for (int i = 0; i < 4; i++) {
		char *p = pages + i * PAGE_SIZE;

		if (i % 2)
			cr_assert_eq(getrandom(p, PAGE_SIZE, 0), (ssize_t)PAGE_SIZE,
				     "expected random bytes");
		else
			fill_text(p, (unsigned long)i);
		iov[i] = (struct iovec){ p, PAGE_SIZE };
	}
	cr_assert_eq(swap_writepages(first, iov, 4), 0, "expected 4 pages written");
	cr_assert_eq(zstats().stores, 2, "expected the text pages stored");
	cr_assert_eq(zstats().rejects, 2, "expected the random pages refused");
	for (int i = 0; i < 4; i++) {
		swp_entry_t e = swp_entry(swp_type(first), swp_offset(first) + i);

		cr_assert_eq(swap_readpage(e, back), 0, "expected page %d read", i);
		cr_assert_arr_eq(back, pages + i * PAGE_SIZE, PAGE_SIZE,
				 "expected page %d as written", i);
	}
	sys_free_pages(pages, 4 * PAGE_SIZE);
	sys_free_pages(back, PAGE_SIZE);
}

Test(page_io_zswap, writeback_reaches_the_file)
{
	char *buf = page_buf(), *back = page_buf();
	int type = file_area(0, 1024);
	const int n = 400;
	swp_entry_t e[400];

	cr_assert_eq(swap_zswap_init(ZSWAP_MIN_POOL, COMPRESSOR_LZ4), 0, "expected a small pool");
	for (int i = 0; i < n; i++) {
		e[i] = get_slot();
		fill_text(buf, swp_offset(e[i]));
		cr_assert_eq(swap_writepage(e[i], buf), 0, "expected page %d written", i);
	}
	cr_assert_gt(zstats().writebacks, 0, "expected a full pool to write back");
	/* The oldest was written back: the file has it. */
	read_file_slot(type, e[0], back);
	fill_text(buf, swp_offset(e[0]));
	cr_assert_arr_eq(back, buf, PAGE_SIZE, "expected the oldest page on the disk");
	for (int i = 0; i < n; i++) {
		fill_text(buf, swp_offset(e[i]));
		cr_assert_eq(swap_readpage(e[i], back), 0, "expected page %d read", i);
		cr_assert_arr_eq(back, buf, PAGE_SIZE, "expected page %d as written", i);
	}
	sys_free_pages(buf, PAGE_SIZE);
	sys_free_pages(back, PAGE_SIZE);
}
