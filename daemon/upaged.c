// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * upaged.c - the upage daemon: follows every process under upage on the
 * host, divides a global resident budget among them by need, and owns
 * the swap areas of its configuration.  See upaged(8).
 *
 * One thread, one epoll loop: the listening socket and its connections
 * (upaged-socket.c), a signalfd (SIGHUP re-reads the configuration and
 * keeps the old one when the new one is bad; SIGTERM and SIGINT stop
 * cleanly, giving every share back), and a timerfd that ticks every
 * Interval= (upaged-procs.c samples and divides).  Readiness and reloads
 * are told to systemd with sd_notify (Type=notify); without systemd that
 * is a no-op.
 *
 * The parts, each using only those after it: the socket and the requests
 * on it (upaged-socket.c), the processes followed (upaged-procs.c), the
 * swap areas (upaged-swap.c), and what they all share, the configuration
 * in force and the log (upaged-state.c).
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "config.h"
#include "upaged-conf.h"
#include "upaged-procs.h"
#include "upaged-socket.h"
#include "upaged-state.h"
#include "upaged-swap.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define EXIT_USAGE	2

static const char *conf_path = UPAGED_CONF_DEFAULT;
static bool conf_given;

static void usage(FILE *f)
{
	fprintf(f, "usage: upaged [--foreground] [--socket PATH] [--config FILE] [--check]\n"
		   "       upaged --help | --version\n");
}

static void help(void)
{
	usage(stdout);
	printf("\nThe upage daemon: follows the processes running under upage, divides a\n"
	       "global resident budget among them by need (their stall and refaults), and\n"
	       "owns the swap areas of its configuration.\n\n"
	       "  -f, --foreground      stay in the foreground (as systemd runs it)\n"
	       "  -s, --socket PATH     listen there (default: $UPAGE_SOCKET, else %s)\n"
	       "  -c, --config FILE     the configuration (default: %s, and FILE.d/*.conf)\n"
	       "  -t, --check           check the configuration, say what it sets, and exit\n"
	       "  -h, --help            this help\n"
	       "  -V, --version         the version\n\n"
	       "SIGHUP re-reads the configuration; SIGTERM stops.  See upaged(8) and\n"
	       "upaged.conf(5).\n",
	       UPAGED_SOCKET_DEFAULT, UPAGED_CONF_DEFAULT);
}

static int load_conf(struct upaged_conf *c)
{
	char err[PATH_MAX + 512];

	if (upaged_conf_load(c, conf_path, conf_given, err, sizeof(err))) {
		upaged_log("%s", err);
		return -1;
	}
	return 0;
}

static void describe(const struct upaged_conf *c)
{
	char budget[64];

	if (!c->budget)
		snprintf(budget, sizeof(budget), "none");
	else if (c->budget_percent)
		snprintf(budget, sizeof(budget), "%u%% of RAM, %lluM", c->budget_percent,
			 (unsigned long long)(c->budget >> 20));
	else
		snprintf(budget, sizeof(budget), "%lluM", (unsigned long long)(c->budget >> 20));
	upaged_log("configuration: %u file%s, budget %s, interval %gs, %u swap area%s, "
		   "%u rule%s", c->nr_files, c->nr_files == 1 ? "" : "s", budget, c->interval,
		   c->nr_swap, c->nr_swap == 1 ? "" : "s", c->nr_rules,
		   c->nr_rules == 1 ? "" : "s");
}

static int arm_timer(int tfd, double interval)
{
	struct itimerspec it;

	it.it_interval.tv_sec = (time_t)interval;
	it.it_interval.tv_nsec = (long)((interval - (double)(time_t)interval) * 1e9);
	it.it_value = it.it_interval;
	return timerfd_settime(tfd, 0, &it, NULL);
}

/* SIGHUP: the new configuration, or the old one with a message. */
static void reload(int tfd)
{
	struct upaged_conf next;
	char err[PATH_MAX + 512];

	sd_notify(0, "RELOADING=1");
	if (upaged_conf_load(&next, conf_path, conf_given, err, sizeof(err))) {
		upaged_log("%s; keeping the previous configuration", err);
	} else if (swap_open_all(&next, err, sizeof(err))) {
		upaged_log("%s; keeping the previous configuration", err);
		swap_open_all(&upaged_conf, err, sizeof(err));
	} else {
		upaged_conf = next;
		arm_timer(tfd, upaged_conf.interval);
		procs_reconfigure();
		describe(&upaged_conf);
	}
	sd_notify(0, "READY=1");
}

static void status(void)
{
	sd_notifyf(0, "STATUS=following %u process%s", procs_count(),
		   procs_count() == 1 ? "" : "es");
}

static int add_fd(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int serve(const char *socket_path, int ready_fd)
{
	int lfd, sfd, tfd, epfd;
	bool stop = false;
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	lfd = socket_listen(socket_path);
	if (lfd < 0)
		return 1;
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || tfd < 0 || epfd < 0 || arm_timer(tfd, upaged_conf.interval) ||
	    add_fd(epfd, lfd) || add_fd(epfd, sfd) || add_fd(epfd, tfd)) {
		upaged_log("cannot set up the event loop: %s", strerror(errno));
		socket_close_all();
		return 1;
	}
	/* Those that started before us, or while no daemon listened. */
	procs_rescan();
	upaged_log("listening on %s, following %u process%s", socket_path, procs_count(),
		   procs_count() == 1 ? "" : "es");
	if (ready_fd >= 0) {
		if (write(ready_fd, "", 1) < 0)
			upaged_log("cannot tell the parent it is ready: %s", strerror(errno));
		close(ready_fd);
	}
	sd_notify(0, "READY=1");
	status();

	while (!stop) {
		struct epoll_event ev[64];
		int n = epoll_wait(epfd, ev, 64, -1);

		for (int i = 0; i < n; i++) {
			int fd = ev[i].data.fd;

			if (fd == lfd) {
				socket_accept(lfd, epfd);
			} else if (fd == tfd) {
				uint64_t ticks;

				if (read(tfd, &ticks, sizeof(ticks)) > 0) {
					procs_interval();
					status();
				}
			} else if (fd == sfd) {
				struct signalfd_siginfo si;

				while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGHUP)
						reload(tfd);
					else
						stop = true;
				}
			} else {
				socket_client(fd, epfd);
			}
		}
	}
	sd_notify(0, "STOPPING=1");
	procs_release();
	socket_close_all();
	swap_close_all();
	upaged_log("stopped; the processes run on with their own caps");
	return 0;
}

/* Without --foreground: the parent returns once the child listens. */
static int background(int *ready_fd)
{
	int p[2], fd;
	char c;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(p[1]);
		exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	setsid();
	if (chdir("/") < 0)
		return -1;
	/* stderr stays: it is where the messages go */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	*ready_fd = p[1];
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *socket_path = getenv("UPAGE_SOCKET");
	bool foreground = false, check = false;
	char err[PATH_MAX + 512];
	int c, ready_fd = -1;

	if (!socket_path || !socket_path[0] || strcmp(socket_path, "none") == 0)
		socket_path = UPAGED_SOCKET_DEFAULT;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":fs:c:thV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			foreground = true;
			break;
		case 's':
			socket_path = optarg;
			break;
		case 'c':
			conf_path = optarg;
			conf_given = true;
			break;
		case 't':
			check = true;
			break;
		case 'h':
			help();
			return 0;
		case 'V':
			printf("upaged %s\n", PACKAGE_VERSION);
			return 0;
		case ':':
			fprintf(stderr, "upaged: %s needs a value\n", argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "upaged: unknown option %s\n", argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "upaged: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	upaged_socket_path = socket_path;
	if (load_conf(&upaged_conf))
		return 1;
	describe(&upaged_conf);
	if (check)
		return 0;
	if (swap_open_all(&upaged_conf, err, sizeof(err))) {
		upaged_log("%s", err);
		return 1;
	}
	if (!foreground && background(&ready_fd)) {
		upaged_log("cannot go to the background: %s", strerror(errno));
		return 1;
	}
	return serve(socket_path, ready_fd);
}
