// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * runtime.c - the running library's state (upage) and its making: read
 * the options, build the mm (arena, page table, regions), the zone of
 * frames with its pool, the swap area and swap cache, the counters, the
 * engine and kswapd.  init.c runs it, then turns interposition on.
 *
 * Any failure before `active` turns true leaves the program running
 * exactly as without upage, after one message saying why.
 */
#include "autoconfig.h"

#include "runtime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fault_sigsegv.h"
#include "fault_uffd.h"
#include "stats.h"
#include "swap_state.h"
#include "swapfile.h"
#include "sys.h"
#include "vmscan.h"

struct upage_state upage;

static const char *env(const char *name)
{
	return getenv(name);
}

/* The swap area: UPAGE_SWAP, else $TMPDIR, else /tmp (a private file). */
const char *swap_default_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && tmp[0] ? tmp : "/tmp";
}

static const char *swap_location(const struct upage_config *cfg)
{
	return cfg->swap[0] ? cfg->swap : swap_default_dir();
}

static int setup_mm(const struct upage_config *cfg)
{
	struct mm_struct *mm = &upage.mm;
	int ret;

	mm->zone = &upage.zone;
	ret = arena_init(&mm->arena, cfg->arena_size);
	if (ret)
		return ret;
	ret = pgtable_init(&mm->pgd, mm->arena.base, mm->arena.size);
	if (ret)
		return ret;
	mm_init_regions(mm);
	return 0;
}

static int setup_zone(const struct upage_config *cfg, void **pool, size_t *pool_len)
{
	unsigned long nr = cfg->max_rss >> PAGE_SHIFT;
	int ret;

	*pool_len = nr << PAGE_SHIFT;
	*pool = sys_mmap(NULL, *pool_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (*pool == MAP_FAILED)
		return -ENOMEM;
	sys_madvise(*pool, *pool_len, MADV_NOHUGEPAGE);
	ret = zone_init(&upage.zone, nr, *pool);
	if (ret)
		return ret;
	return swap_cache_init(nr);
}

/* --- engine selection: userfaultfd where it serves faults taken inside
 * system calls, else the SIGSEGV engine --- */

/* Can userfaultfd serve faults the kernel takes inside system calls?  Only
 * a descriptor opened without UFFD_USER_MODE_ONLY can. */
static bool uffd_serves_kernel_faults(void)
{
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int start_sigsegv(void)
{
	int ret = sigsegv_engine.init(&upage.mm);

	if (ret) {
		upage_msg("the SIGSEGV engine cannot start (%s)", strerrordesc_np(-ret));
		return ret;
	}
	upage.mm.engine = &sigsegv_engine;
	return 0;
}

/* UPAGE_ENGINE: uffd, sigsegv, or auto (uffd when it can serve kernel-mode
 * faults and starts, else sigsegv). */
static int choose_engine(const struct upage_config *cfg)
{
	int ret;

	if (cfg->engine == ENGINE_SIGSEGV ||
	    (cfg->engine == ENGINE_AUTO && !uffd_serves_kernel_faults()))
		return start_sigsegv();
	ret = uffd_engine.init(&upage.mm);
	if (ret && cfg->engine == ENGINE_AUTO)
		return start_sigsegv();
	if (ret) {
		upage_msg("userfaultfd is not available (%s)", strerrordesc_np(-ret));
		return ret;
	}
	upage.mm.engine = &uffd_engine;
	return 0;
}
/* --- end of engine selection --- */

int upage_load_config(void)
{
	char err[512];

	if (config_load(&upage.cfg, env, err, sizeof(err))) {
		upage_msg("%s; running without upage", err);
		return -EINVAL;
	}
	return 0;
}

int upage_setup(void)
{
	struct upage_config *cfg = &upage.cfg;
	void *pool;
	size_t pool_len;
	const char *where;
	int ret;

	ret = setup_mm(cfg);
	if (ret) {
		upage_msg("cannot reserve an arena of %llu bytes (UPAGE_ARENA_SIZE): %s",
			  cfg->arena_size, strerrordesc_np(-ret));
		return ret;
	}
	ret = setup_zone(cfg, &pool, &pool_len);
	if (ret) {
		upage_msg("cannot set up %llu bytes of frames (UPAGE_MAX_RSS): %s", cfg->max_rss,
			  strerrordesc_np(-ret));
		return ret;
	}
	where = swap_location(cfg);
	snprintf(upage.swap_path, sizeof(upage.swap_path), "%s", where);
	ret = swapon(where, 0, 0);
	if (ret < 0) {
		upage_msg("cannot use swap area %s (UPAGE_SWAP): %s", where,
			  ret == -EEXIST ? "an existing file or symlink, never overwritten "
					   "(name a directory, a device or a new path)"
					 : strerrordesc_np(-ret));
		return ret;
	}
	ret = choose_engine(cfg);
	if (ret)
		return ret;
	stats_init(upage.mm.engine->name, cfg->max_rss, upage.mm.arena.size);
	ret = kswapd_start(&upage.mm);
	if (ret) {
		upage_msg("cannot start kswapd: %s", strerrordesc_np(-ret));
		return ret;
	}
	if (cfg->verbose)
		upage_msg("engine %s, max_rss %llu, arena %llu at %#lx, swap %s",
			  upage.mm.engine->name, cfg->max_rss, (unsigned long long)upage.mm.arena.size,
			  (unsigned long)upage.mm.arena.base, where);
	return 0;
}
