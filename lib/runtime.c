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

#include "as_limit.h"
#include "fault_sigbus.h"
#include "fault_sigsegv.h"
#include "fault_uffd.h"
#include "control.h"
#include "coredump.h"
#include "ownfd.h"
#include "report.h"
#include "sampler.h"
#include "stats.h"
#include "page_io.h"
#include "swap_state.h"
#include "swapfile.h"
#include "sys.h"
#include "syscall_filter.h"
#include "untraced.h"
#include "upaged_client.h"
#include "vmscan.h"
#include "zone_cap.h"
#include "swap_memcached.h"
#include "zswap.h"

struct upage_state upage;

/* kswapd out of a tracer's reach (stopped in a write-out, it would hold
 * pages a tracer's read waits for: untraced.c), staying registered with
 * upaged. */
const struct kswapd_env upage_kswapd_env = {
	.start = untraced_start,
	.tick = upaged_client_tick,
};

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

/*
 * The zone of @cap bytes of frames, its pool and the swap cache.  The
 * pool and the frame descriptors are reserved for @ceiling, the most a
 * cap set later may grow to (zone_cap.c); only the cap's are used.
 */
static int setup_zone(unsigned long long cap, unsigned long long ceiling)
{
	struct zone *z = &upage.zone;
	unsigned long nr = cap >> PAGE_SHIFT, max = ceiling >> PAGE_SHIFT;
	size_t len = max << PAGE_SHIFT;
	void *pool;
	int ret;

	pool = sys_mmap(NULL, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (pool == MAP_FAILED)
		return -ENOMEM;
	sys_madvise(pool, len, MADV_NOHUGEPAGE);
	ret = zone_init_ceiling(z, nr, max, pool);
	if (ret == 0)
		ret = swap_cache_init(nr);
	if (ret) {
		zone_destroy(z);
		sys_munmap(pool, len);
	}
	return ret;
}

/* Undo setup_zone (an engine that did not start, or start-up failed). */
static void teardown_zone(void)
{
	struct zone *z = &upage.zone;
	void *pool = z->pool;
	size_t len = z->max_frames << PAGE_SHIFT;

	if (!pool)
		return;
	swap_cache_destroy();
	zone_destroy(z);
	sys_munmap(pool, len);
}

void upage_release(void)
{
	swapoff_all();
	teardown_zone();
	arena_destroy(&upage.mm.arena);
}

/*
 * The cap in force under engine @e: the user's (or the default), cut to
 * what the engine can keep mapped.  The default cap (half the RAM) is a
 * ceiling, not a request, and is cut quietly; a cap the user asked for is
 * cut with one message saying why.  0: the engine cannot page here.
 */
static unsigned long long cap_in_force(const struct fault_engine *e,
				       const struct upage_config *cfg, unsigned long long *ceiling)
{
	unsigned long want = cfg->max_rss >> PAGE_SHIFT, max;
	char why[256] = "";

	*ceiling = cfg->max_rss_ceiling;
	if (!e->max_frames)
		return cfg->max_rss;
	max = e->max_frames(want, why, sizeof(why));
	if (max == 0) {
		upage_msg("%s engine: %s", e->name, why);
		return 0;
	}
	/* Neither the cap nor a cap raised later may go past it. */
	if (*ceiling > (unsigned long long)max << PAGE_SHIFT)
		*ceiling = (unsigned long long)max << PAGE_SHIFT;
	if (want <= max)
		return cfg->max_rss;
	if (cfg->max_rss_set || cfg->verbose)
		upage_msg("%s engine: UPAGE_MAX_RSS=%lluM %s%s: at most %luM stay resident", e->name,
			  cfg->max_rss >> 20, cfg->max_rss_set ? "" : "(the default) ", why,
			  (max << PAGE_SHIFT) >> 20);
	return (unsigned long long)max << PAGE_SHIFT;
}

/* The control block, from the zone as the engine left it (control.h).  A
 * failure leaves the cap fixed: nothing else depends on it. */
void control_setup(void)
{
	struct zone *z = &upage.zone;

	control_init(zswap_cap_bytes(z->cap_frames), zswap_cap_bytes(z->ceiling_frames),
		     (uint64_t)ZONE_CAP_MIN_FRAMES << PAGE_SHIFT, upage.cfg.max_rss_set,
		     upage.cfg.socket);
}

/*
 * The compressed tier's share of a cap of @cap bytes (UPAGE_ZSWAP): its
 * pool's bytes are frames the zone does not have.  A pool that would
 * leave the zone less than half the cap (an engine cut it) gets half.
 */
static unsigned long long zswap_in_force(const struct upage_config *cfg, unsigned long long cap)
{
	unsigned long long bytes = config_zswap_bytes(cfg, cap);

	if (!bytes && !cfg->zswap_bytes && !cfg->zswap_percent)
		return 0;
	if (cfg->zswap_bytes && bytes + CONFIG_MIN_MAX_RSS > cap) {
		bytes = (cap / 2) & ~(PAGE_SIZE - 1);
		upage_msg("UPAGE_ZSWAP=%lluK does not fit in the cap in force of %lluK: "
			  "the compressed pool takes half of it",
			  cfg->zswap_bytes >> 10, cap >> 10);
	}
	if (bytes < ZSWAP_MIN_POOL) {
		upage_msg("UPAGE_ZSWAP=%u%% of a cap of %lluK is below %luK: no compressed pool",
			  cfg->zswap_percent, cap >> 10, ZSWAP_MIN_POOL >> 10);
		return 0;
	}
	return bytes;
}

/* Start engine @e: its cap, the compressed pool and the zone of frames
 * that share it, the engine.
 * @quiet: a failure is the caller's to report (auto tries another). */
static int start_engine(const struct fault_engine *e, const struct upage_config *cfg, bool quiet)
{
	unsigned long long ceiling, cap = cap_in_force(e, cfg, &ceiling), zbytes;
	int ret;

	if (!cap)
		return -ENOMEM;
	zbytes = zswap_in_force(cfg, cap);
	/* The pool's frames are the zone's less, under the ceiling too. */
	ret = setup_zone(cap - zbytes, ceiling > cap ? ceiling - zbytes : cap - zbytes);
	if (ret) {
		upage_msg("cannot set up %llu bytes of frames (UPAGE_MAX_RSS): %s", cap - zbytes,
			  strerrordesc_np(-ret));
		return ret;
	}
	if (zbytes) {
		ret = swap_zswap_init(zbytes, cfg->zswap_compressor);
		if (ret) {
			upage_msg("cannot set up a compressed pool of %llu bytes (UPAGE_ZSWAP, %s): %s",
				  zbytes, compressor_name(cfg->zswap_compressor),
				  strerrordesc_np(-ret));
			teardown_zone();
			return ret;
		}
	}
	ret = e->init(&upage.mm);
	if (ret) {
		if (!quiet)
			upage_msg("the %s engine cannot start (%s)", e->name, strerrordesc_np(-ret));
		zswap_destroy();
		teardown_zone();
		return ret;
	}
	upage.mm.engine = e;
	upage.max_rss = cap;
	return 0;
}

/*
 * Engine selection.  UPAGE_ENGINE names one, or auto picks, for this
 * machine and user, the fastest engine that serves every fault:
 *  - uffd, where a userfaultfd serves kernel-mode faults (root, or
 *    vm.unprivileged_userfaultfd=1): the only engine that needs no system
 *    call trap, so raw system calls and io_uring on paged-out memory work;
 *  - else uffd-sigbus, where a user-mode-only userfaultfd opens (any user
 *    of a kernel since 5.11): served in the faulting thread, and with no
 *    cap cut;
 *  - else sigsegv (userfaultfd denied altogether: a seccomp profile).
 * One that does not start gives way to the next, quietly.
 */

/* Can userfaultfd serve faults the kernel takes inside system calls?  Only
 * a descriptor opened without UFFD_USER_MODE_ONLY can. */
static bool uffd_serves_kernel_faults(void)
{
	int fd = (int)sys_syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int choose_engine(const struct upage_config *cfg)
{
	switch (cfg->engine) {
	case ENGINE_UFFD:
		return start_engine(&uffd_engine, cfg, false);
	case ENGINE_UFFD_SIGBUS:
		return start_engine(&sigbus_engine, cfg, false);
	case ENGINE_SIGSEGV:
		return start_engine(&sigsegv_engine, cfg, false);
	case ENGINE_AUTO:
		break;
	}
	if (uffd_serves_kernel_faults() && start_engine(&uffd_engine, cfg, true) == 0)
		return 0;
	if (sigbus_engine_available() && start_engine(&sigbus_engine, cfg, true) == 0)
		return 0;
	return start_engine(&sigsegv_engine, cfg, false);
}


int upage_load_config(void)
{
	char err[512];

	if (config_load(&upage.cfg, env, err, sizeof(err))) {
		upage_msg("%s; running without upage", err);
		return -EINVAL;
	}
	return 0;
}

static int upage_setup_rest(struct upage_config *cfg, int ret, const char *where);

int upage_setup(void)
{
	struct upage_config *cfg = &upage.cfg;
	const char *where;
	int ret;

	if (as_limit_fit(cfg, cfg->arena_size_set, report_owner_is_me()))
		return -ENOMEM;
	ret = setup_mm(cfg);
	if (ret) {
		upage_msg("cannot reserve an arena of %llu bytes (UPAGE_ARENA_SIZE): %s",
			  cfg->arena_size, strerrordesc_np(-ret));
		return ret;
	}
	where = swap_location(cfg);
	snprintf(upage.swap_path, sizeof(upage.swap_path), "%s", where);
	swap_set_force(cfg->swap_force);
	if (swap_is_memcached(where))
		return upage_setup_rest(cfg, swapon_memcached(where, 0), where);
	warn_ram_backed(cfg, where);
	ret = swapon(where, 0, 0);
	return upage_setup_rest(cfg, ret, where);
}

/* upage_setup once the swap area is there (@ret: swapon's answer). */
static int upage_setup_rest(struct upage_config *cfg, int ret, const char *where)
{
	struct zswap_stats zs;

	if (ret < 0 && swap_is_memcached(where))
		return ret;	/* swapon_memcached said why */
	if (ret < 0) {
		upage_msg("cannot use swap area %s (UPAGE_SWAP): %s", where,
			  swapon_why()[0] ? swapon_why() : strerrordesc_np(-ret));
		return ret;
	}
	upage.mm.raw_madvise = program_is_go();	/* before any fault */
	ret = choose_engine(cfg);
	if (ret)
		return ret;
	if (upage.mm.engine->user_faults_only && !cfg->inherit && report_owner_is_me())
		upage_msg("UPAGE_INHERIT=0 under the %s engine: what this program executes "
			  "keeps its no_new_privs, and a set-user-ID program among it runs without "
			  "its privilege", upage.mm.engine->name);
	stats_set_latency(cfg->latency);	/* before any fault is served */
	stats_init(upage.mm.engine->name, upage.max_rss, upage.mm.arena.size);
	control_setup();
	upaged_client_init(cfg->socket);
	ret = kswapd_start(&upage.mm, &upage_kswapd_env);
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
	zswap_get_stats(&zs);
	if (cfg->verbose)
		upage_msg("engine %s, max_rss %llu, arena %llu at %#lx, swap %s, zswap %llu (%s)",
			  upage.mm.engine->name, upage.max_rss, (unsigned long long)upage.mm.arena.size,
			  (unsigned long)upage.mm.arena.base, where,
			  (unsigned long long)zs.limit_bytes, compressor_name(cfg->zswap_compressor));
	return 0;
}
