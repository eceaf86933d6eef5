// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * runtime.c - start-up: read the options, build the mm (arena, page table,
 * regions), the zone of frames with its pool, the swap area and swap
 * cache, the counters, the engine and kswapd; then turn interposition on
 * and point jemalloc at the arena.
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

#include "as_limit.h"
#include "control.h"
#include "coredump.h"
#include "ownfd.h"
#include "sampler.h"
#include "stats.h"
#include "swap_state.h"
#include "swapfile.h"
#include "sys.h"
#include "upaged_client.h"
#include "vmscan.h"
#include "zone_cap.h"

struct upage_state upage;

int extent_hooks_install(void);
int fork_handlers_install(void);

static const char *env(const char *name)
{
	return getenv(name);
}

/*
 * The swap area: UPAGE_SWAP, else a private file in $TMPDIR, else /tmp;
 * but never by default on a RAM-backed file system (tmpfs is /tmp on
 * Debian 13 and in most containers): a swap file there is memory, and the
 * cap would cap nothing, so the default then moves to SWAP_DISK_DIR.
 */
#define SWAP_DISK_DIR	"/var/tmp"

const char *swap_default_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	const char *dir = tmp && tmp[0] ? tmp : "/tmp";

	return swap_ram_backed(dir) ? SWAP_DISK_DIR : dir;
}

static const char *swap_location(const struct upage_config *cfg)
{
	return cfg->swap[0] ? cfg->swap : swap_default_dir();
}

/* Said once, by the process `upage run` started (not by what it executes). */
static void warn_ram_backed(const struct upage_config *cfg, const char *where)
{
	const char *fs = swap_ram_backed(where);

	if (!fs || !report_owner_is_me())
		return;
	if (cfg->swap[0])
		upage_msg("the swap area %s (UPAGE_SWAP) is on %s, which is RAM: pages swapped "
			  "there stay in memory", where, fs);
	else
		upage_msg("no disk-backed directory for swap: %s is on %s, which is RAM; "
			  "name one with UPAGE_SWAP", where, fs);
}

static int setup_mm(const struct upage_config *cfg)
{
	struct mm_struct *mm = &upage.mm;
	int ret;

	ret = arena_init(&mm->arena, cfg->arena_size);
	if (ret)
		return ret;
	ret = pgtable_init(&mm->pgd, mm->arena.base, mm->arena.size);
	if (ret)
		return ret;
	mm_init_regions(mm);
	return 0;
}

/* The frame pool's reservation, for upage_release. */
static size_t pool_bytes;

/* The pool and descriptors are reserved for the ceiling, used for the cap. */
static int setup_zone(const struct upage_config *cfg, void **pool, size_t *pool_len)
{
	unsigned long nr = cfg->max_rss >> PAGE_SHIFT, max = cfg->max_rss_ceiling >> PAGE_SHIFT;
	int ret;

	*pool_len = max << PAGE_SHIFT;
	*pool = sys_mmap(NULL, *pool_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (*pool == MAP_FAILED)
		return -ENOMEM;
	pool_bytes = *pool_len;
	sys_madvise(*pool, *pool_len, MADV_NOHUGEPAGE);
	ret = zone_init_ceiling(&upage.zone, nr, max, *pool);
	if (ret) {
		sys_munmap(*pool, *pool_len);
		pool_bytes = 0;
		return ret;
	}
	return swap_cache_init(nr);
}

/*
 * Start-up failed: give back the big reservations (the arena, the frame
 * pool, the swap areas), so that the program runs as without upage,
 * with its address space (RLIMIT_AS) and descriptors its own.
 */
static void upage_release(void)
{
	struct zone *z = &upage.zone;

	swapoff_all();
	if (z->pool && pool_bytes)
		sys_munmap(z->pool, pool_bytes);
	z->pool = NULL;
	arena_destroy(&upage.mm.arena);
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

static int start_sigsegv(void *pool, size_t pool_len)
{
	int ret = sigsegv_engine.init(pool, pool_len);

	if (ret) {
		upage_msg("the SIGSEGV engine cannot start (%s)", strerrordesc_np(-ret));
		return ret;
	}
	upage.engine = &sigsegv_engine;
	return 0;
}

/* UPAGE_ENGINE: uffd, sigsegv, or auto (uffd when it can serve kernel-mode
 * faults and starts, else sigsegv). */
static int choose_engine(const struct upage_config *cfg, void *pool, size_t pool_len)
{
	int ret;

	if (cfg->engine == ENGINE_SIGSEGV ||
	    (cfg->engine == ENGINE_AUTO && !uffd_serves_kernel_faults()))
		return start_sigsegv(pool, pool_len);
	ret = uffd_engine.init(pool, pool_len);
	if (ret && cfg->engine == ENGINE_AUTO)
		return start_sigsegv(pool, pool_len);
	if (ret) {
		upage_msg("userfaultfd is not available (%s)", strerrordesc_np(-ret));
		return ret;
	}
	upage.engine = &uffd_engine;
	return 0;
}
/* --- end of engine selection --- */

/* The control block, from the zone as the engine left it (control.h).  A
 * failure leaves the cap fixed: nothing else depends on it. */
void control_setup(void)
{
	struct zone *z = &upage.zone;

	control_init((uint64_t)z->cap_frames << PAGE_SHIFT, (uint64_t)z->ceiling_frames << PAGE_SHIFT,
		     (uint64_t)ZONE_CAP_MIN_FRAMES << PAGE_SHIFT, upage.cfg.max_rss_set,
		     upage.cfg.socket);
}

static int upage_setup(void)
{
	struct upage_config *cfg = &upage.cfg;
	char err[512];
	void *pool;
	size_t pool_len;
	const char *where;
	int ret;

	if (config_load(cfg, env, err, sizeof(err))) {
		upage_msg("%s; running without upage", err);
		return -EINVAL;
	}
	exec_setup(cfg);
	report_setup();
	if (as_limit_fit(cfg, cfg->arena_size_set, report_owner_is_me()))
		return -ENOMEM;
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
	warn_ram_backed(cfg, where);
	swap_set_force(cfg->swap_force);
	ret = swapon(where, 0, 0);
	if (ret < 0) {
		upage_msg("cannot use swap area %s (UPAGE_SWAP): %s", where,
			  swapon_why()[0] ? swapon_why() : strerrordesc_np(-ret));
		return ret;
	}
	ret = choose_engine(cfg, pool, pool_len);
	if (ret)
		return ret;
	if (upage.engine == &sigsegv_engine && !cfg->inherit && report_owner_is_me())
		upage_msg("UPAGE_INHERIT=0 under the SIGSEGV engine: what this program executes "
			  "keeps its no_new_privs, and a set-user-ID program among it runs without "
			  "its privilege");
	stats_set_latency(cfg->latency);	/* before any fault is served */
	stats_init(upage.engine->name, (unsigned long long)upage.zone.cap_frames << PAGE_SHIFT,
		   upage.mm.arena.size);
	control_setup();
	upaged_client_init(cfg->socket);
	ret = kswapd_start();
	if (ret) {
		upage_msg("cannot start kswapd: %s", strerrordesc_np(-ret));
		return ret;
	}
	coredump_setup();
	ownfd_started(cfg->verbose);
	ret = sampler_start();
	if (ret)	/* counting goes on; only the sampled values stay still */
		upage_msg("cannot start the sampler (no timeline, no list lengths): %s",
			  strerrordesc_np(-ret));
	if (cfg->verbose)
		upage_msg("engine %s, max_rss %llu, arena %llu at %#lx, swap %s",
			  upage.engine->name, cfg->max_rss, (unsigned long long)upage.mm.arena.size,
			  (unsigned long)upage.mm.arena.base, where);
	return 0;
}

__attribute__((constructor)) static void upage_init(void)
{
	int ret;

	/* First, so that our fork child handler runs before jemalloc's. */
	ret = fork_handlers_install();
	if (ret) {
		upage_msg("cannot install fork handlers: %s", strerrordesc_np(-ret));
		return;
	}
	if (upage_setup()) {
		upage_release();
		return;
	}
	__atomic_store_n(&upage.active, true, __ATOMIC_RELEASE);
	ret = extent_hooks_install();
	if (ret)
		upage_msg("jemalloc refused the arena's extent hooks (%s): malloc stays outside",
			  strerrordesc_np(-ret));
}
