// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fake_mm.c - the fake engine and the mm around it (fake_mm.h).
 */
#include "autoconfig.h"

#include "fake_mm.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "memory.h"
#include "stats.h"
#include "swap_state.h"
#include "swapfile.h"
#include "sys.h"
#include "vmscan.h"

struct fake_mmu fake;
struct mm_struct test_mm;
struct zone test_zone;
static char *pool;
static char swap_dir[64];

static size_t idx(uintptr_t addr)
{
	cr_assert(addr >= fake.base && addr < fake.base + fake.size,
		  "expected an arena address, got %#lx", (unsigned long)addr);
	return (addr - fake.base) >> PAGE_SHIFT;
}

static char *data(uintptr_t addr)
{
	return (char *)(addr & PAGE_MASK);
}

/* A fresh page at @addr, or none (PROT_NONE, as the arena's reservation). */
static void kernel_map(uintptr_t addr, bool present)
{
	void *p = sys_mmap(data(addr), PAGE_SIZE, present ? PROT_READ | PROT_WRITE : PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);

	cr_assert_neq(p, MAP_FAILED, "expected the fake to map %#lx", (unsigned long)addr);
}

static int fake_init(struct mm_struct *mm)
{
	(void)mm;
	return 0;
}

static int fake_map_range(uintptr_t start, size_t len, int prot)
{
	(void)prot;
	memset(&fake.state[idx(start)], 0, len >> PAGE_SHIFT);
	return 0;
}

static int fake_protect_range(uintptr_t start, size_t len, int prot)
{
	(void)start;
	(void)len;
	(void)prot;
	return 0;
}

static int fake_zap_range(uintptr_t start, size_t len)
{
	for (uintptr_t a = start; a < start + len; a += PAGE_SIZE) {
		if (fake.state[idx(a)] & FAKE_MAPPED)
			kernel_map(a, false);
		fake.state[idx(a)] = 0;
	}
	fake.zaps++;
	return 0;
}

static int fake_install(uintptr_t addr, const void *src, bool wp)
{
	if (fake.fail_install) {
		int err = fake.fail_install;

		if (fake.fail_times && --fake.fail_times == 0)
			fake.fail_install = 0;
		return err;
	}
	if (fake.state[idx(addr)] & FAKE_MAPPED)
		return -EEXIST;		/* as UFFDIO_COPY */
	kernel_map(addr, true);
	memcpy(data(addr), src, PAGE_SIZE);
	fake.state[idx(addr)] = FAKE_MAPPED | (wp ? FAKE_WP : 0);
	return 0;
}

static int fake_install_copy(uintptr_t addr, const void *src, bool wp)
{
	int ret = fake_install(addr, src, wp);

	if (ret == 0)
		fake.installs++;
	return ret;
}

static int fake_install_move(uintptr_t addr, void *slot, bool wp)
{
	int ret = fake_install(addr, slot, wp);

	if (ret == 0) {
		memset(slot, 0xdd, PAGE_SIZE);	/* the slot is empty now */
		fake.moves++;
	}
	return ret;
}

/* Maps at most fake.run_max pages (0: all) of a run, as UFFDIO_COPY
 * stopping part-way. */
static long fake_install_run(uintptr_t addr, const void *src, unsigned long nr, bool wp)
{
	unsigned long n = fake.run_max && nr > fake.run_max ? fake.run_max : nr;

	for (unsigned long i = 0; i < n; i++) {
		uintptr_t a = addr + (i << PAGE_SHIFT);

		if (fake.state[idx(a)] & FAKE_MAPPED)
			return i ? (long)i : -EEXIST;
		kernel_map(a, true);
		if (src)
			memcpy(data(a), (const char *)src + (i << PAGE_SHIFT), PAGE_SIZE);
		fake.state[idx(a)] = FAKE_MAPPED | (wp ? FAKE_WP : 0);
	}
	fake.runs++;
	return (long)n;
}

static int fake_unmap_page(uintptr_t addr, void *slot)
{
	if (!(fake.state[idx(addr)] & FAKE_MAPPED))
		return -EINVAL;
	memcpy(slot, data(addr), PAGE_SIZE);
	kernel_map(addr, false);	/* gone from the program's view */
	fake.state[idx(addr)] = 0;
	fake.unmaps++;
	return 0;
}

static int fake_unprotect(uintptr_t addr)
{
	if (!(fake.state[idx(addr)] & FAKE_MAPPED))
		return -EINVAL;
	fake.state[idx(addr)] &= ~FAKE_WP;
	fake.unprotects++;
	return 0;
}

static void fake_wake(uintptr_t addr)
{
	(void)addr;
	fake.wakes++;
}

static int fake_free_slot(void *slot)
{
	memset(slot, 0xdd, PAGE_SIZE);
	return 0;
}

const struct fault_engine fake_engine = {
	.name = "fake",
	.init = fake_init,
	.map_range = fake_map_range,
	.protect_range = fake_protect_range,
	.unmap_range = fake_zap_range,
	.zap_range = fake_zap_range,
	.install_copy = fake_install_copy,
	.install_move = fake_install_move,
	.unmap_page = fake_unmap_page,
	.unprotect = fake_unprotect,
	.wake = fake_wake,
	.free_slot = fake_free_slot,
};
/* The same with install_run: fault-around and swap readahead on. */
const struct fault_engine fake_engine_faultaround = {
	.name = "fake-fa",
	.init = fake_init,
	.map_range = fake_map_range,
	.protect_range = fake_protect_range,
	.unmap_range = fake_zap_range,
	.zap_range = fake_zap_range,
	.install_copy = fake_install_copy,
	.install_run = fake_install_run,
	.install_move = fake_install_move,
	.unmap_page = fake_unmap_page,
	.unprotect = fake_unprotect,
	.wake = fake_wake,
	.free_slot = fake_free_slot,
};

void fake_mm_setup(unsigned long arena_pages, unsigned long frames, unsigned long swap_pages)
{
	struct mm_struct *mm = &test_mm;
	size_t size;

	memset(mm, 0, sizeof(*mm));
	memset(&fake, 0, sizeof(fake));
	cr_assert_eq(stats_init("fake", frames << PAGE_SHIFT, arena_pages << PAGE_SHIFT), 0,
		     "expected the counters");
	cr_assert_eq(arena_init(&mm->arena, arena_pages << PAGE_SHIFT), 0, "expected an arena");
	size = mm->arena.size;
	cr_assert_eq(pgtable_init(&mm->pgd, mm->arena.base, size), 0, "expected a page table");
	mm_init_regions(mm);
	pool = sys_alloc_pages(frames << PAGE_SHIFT);
	cr_assert_not_null(pool, "expected the frame pool");
	cr_assert_eq(zone_init(&test_zone, frames, pool), 0, "expected a zone");
	cr_assert_eq(swap_cache_init(frames), 0, "expected a swap cache");
	strcpy(swap_dir, "/tmp/upage-test-mm-XXXXXX");
	cr_assert_not_null(mkdtemp(swap_dir), "expected a swap directory");
	if (swap_pages)
		cr_assert_geq(swapon(swap_dir, 0, swap_pages << PAGE_SHIFT), 0,
			      "expected a swap area");
	mm->zone = &test_zone;
	mm->engine = &fake_engine;

	fake.base = mm->arena.base;
	fake.size = size;
	fake.state = sys_alloc_pages(PAGE_ALIGN(size >> PAGE_SHIFT));
	cr_assert_not_null(fake.state, "expected the fake's page states");
	cr_assert_eq(arena_alloc_fixed(&mm->arena, mm->arena.base, arena_pages << PAGE_SHIFT), 0,
		     "expected the arena's range");
	cr_assert_eq(do_mmap(mm, mm->arena.base, mm->arena.base + (arena_pages << PAGE_SHIFT),
			     VM_READ | VM_WRITE, NULL),
		     0, "expected a read-write region over the arena");
}

void fake_mm_destroy(void)
{
	swapoff_all();
	swap_cache_destroy();
	rmdir(swap_dir);
}

uintptr_t page_addr(unsigned long i)
{
	return fake.base + (i << PAGE_SHIFT);
}

int fake_access(uintptr_t addr, bool write)
{
	for (int tries = 0; tries < 8; tries++) {
		uint8_t s = fake.state[idx(addr)];
		unsigned int flags = write ? FAULT_FLAG_WRITE : 0;
		int ret;

		if ((s & FAKE_MAPPED) && (!write || !(s & FAKE_WP)))
			return 0;
		ret = do_page_fault(&test_mm, addr, flags);
		if (ret)
			return ret;
	}
	cr_assert_fail("expected the page at %#lx mapped after 8 faults", (unsigned long)addr);
	return SIGSEGV;
}

unsigned char fake_read(uintptr_t addr)
{
	int ret = fake_access(addr, false);

	cr_assert_eq(ret, 0, "expected the read of %#lx served, got %d", (unsigned long)addr, ret);
	return (unsigned char)data(addr)[addr & ~PAGE_MASK];
}

void fake_write(uintptr_t addr, unsigned char v)
{
	int ret = fake_access(addr, true);

	cr_assert_eq(ret, 0, "expected the write of %#lx served, got %d", (unsigned long)addr, ret);
	data(addr)[addr & ~PAGE_MASK] = (char)v;
}

void fake_evict(uintptr_t addr)
{
	struct mm_struct *mm = &test_mm;
	struct page *held[64];
	unsigned long n = 0;
	pte_t pte;

	pthread_mutex_lock(&mm->page_table_lock);
	for (;;) {
		pte = pte_get(&mm->pgd, addr);
		cr_assert(!pte_none(pte), "expected %#lx to have been touched", (unsigned long)addr);
		if (!pte_present(pte) && !lookup_swap_cache(pte_to_swp_entry(pte)))
			break;
		cr_assert_lt(n, 64, "expected %#lx out within 64 frames", (unsigned long)addr);
		held[n] = __alloc_pages(mm, NULL);
		cr_assert_not_null(held[n], "expected a frame");
		n++;
	}
	while (n)
		free_page_and_swap_cache(mm, held[--n]);
	pthread_mutex_unlock(&mm->page_table_lock);
}

pte_t fake_pte(uintptr_t addr)
{
	return pte_get(&test_mm.pgd, addr);
}

bool fake_mapped(uintptr_t addr)
{
	return fake.state[idx(addr)] & FAKE_MAPPED;
}
