// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exec.c - what a program under upage passes on to the programs it
 * executes.
 *
 * LD_PRELOAD is inherited across execve, so by default every program a
 * paged program starts (a shell's commands, a server's workers) is paged
 * too, each process with its own arena, cap, swap area and kswapd, from
 * the same UPAGE_* variables.  UPAGE_INHERIT=0 (`upage run --no-inherit`)
 * takes libupage.so out of this process's LD_PRELOAD at start-up, so what
 * it executes runs as if upage were not there; this process stays paged.
 *
 * A swap area that is one process's alone (an existing swap file, locked
 * while in use, or a device) cannot be a second process's too: what this
 * process executes is given the default directory in UPAGE_SWAP instead,
 * for a private swap file of its own, as a forked child is (fork.c).
 *
 * Runs in the constructor, before the program's threads exist: the
 * environment may be changed there.
 */
#include "autoconfig.h"

#include "exec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime.h"
#include "sys.h"

/* Is this LD_PRELOAD entry (@len bytes at @s) the upage library? */
static bool is_upage(const char *s, size_t len)
{
	const char *base = s;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '/')
			base = s + i + 1;
	return (size_t)(s + len - base) == strlen(LIBRARY_NAME) &&
	       memcmp(base, LIBRARY_NAME, strlen(LIBRARY_NAME)) == 0;
}

/* LD_PRELOAD without the upage library: ld.so splits it at spaces and
 * colons; what stays is joined with colons. */
static void drop_from_preload(void)
{
	const char *old = getenv("LD_PRELOAD");
	char *val;
	size_t n = 0;

	if (!old)
		return;
	val = malloc(strlen(old) + 1);
	if (!val) {
		upage_msg("cannot take libupage.so out of LD_PRELOAD (UPAGE_INHERIT=0): "
			  "out of memory");
		return;
	}
	for (const char *p = old; *p;) {
		size_t len = strcspn(p, " :");

		if (len && !is_upage(p, len)) {
			if (n)
				val[n++] = ':';
			memcpy(val + n, p, len);
			n += len;
		}
		p += len;
		p += strspn(p, " :");
	}
	val[n] = '\0';
	if (n)
		setenv("LD_PRELOAD", val, 1);
	else
		unsetenv("LD_PRELOAD");
	free(val);
}

/* An existing file or a device in UPAGE_SWAP is this process's alone. */
static void private_swap_for_children(const struct upage_config *cfg)
{
	struct stat st;

	if (!cfg->swap[0] || stat(cfg->swap, &st) || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
		return;
	if (setenv("UPAGE_SWAP", swap_default_dir(), 1))
		upage_msg("cannot give the programs this one executes a swap area of their own "
			  "(UPAGE_SWAP): %s", strerrordesc_np(errno));
}

void exec_setup(const struct upage_config *cfg)
{
	if (!cfg->inherit)
		drop_from_preload();
	else
		private_swap_for_children(cfg);
}
