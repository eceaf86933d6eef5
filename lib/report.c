/*
 * report.c - UPAGE_REPORT: the counters as JSON, written at exit.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "stats.h"
#include "sys.h"
#include "runtime.h"

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

int upage_write_report(const char *path)
{
	char buf[4096];
	int fd, len, ret;

	len = stats_format_json(upage_stats, buf, sizeof(buf) - 1);
	if (len < 0 || len >= (int)sizeof(buf) - 1)
		return -EOVERFLOW;
	buf[len++] = '\n';
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	ret = write_all(fd, buf, len);
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

__attribute__((destructor)) static void upage_exit(void)
{
	int ret;

	if (!upage.active || !upage.cfg.report[0] || !upage_stats)
		return;
	ret = upage_write_report(upage.cfg.report);
	if (ret)
		upage_msg("cannot write the report to %s (UPAGE_REPORT): %s", upage.cfg.report,
			  strerrordesc_np(-ret));
}
