// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-plot.c - `upage plot REPORT.json -o FILE.svg|FILE.png`: pictures of
 * a report, drawn by gnuplot.
 *
 * Three panels: the latency distribution of each kind (share of its
 * events per octave, on a log axis), its tail (the share slower than each
 * latency, log-log, where p99 and p99.9 show), and the timeline (the
 * resident set against the cap, swap-ins and swap-outs per second).  The
 * report is parsed with jansson; the data go into files of a private
 * temporary directory for a gnuplot script, removed afterwards.  The
 * output format follows the file's extension.
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"

extern char **environ;

static int cmd_plot_exec(int argc, char **argv);

const struct cmd_entry cmd_plot_entry = {
	.name = "plot",
	.usage = "REPORT.json -o FILE.svg|FILE.png",
	.summary = "draw a report's latencies and resident set over time (gnuplot)",
	.exec = cmd_plot_exec,
};

/* The kinds, in the report's order. */
static const char *const kinds[] = {
	"no_page", "swap_page", "minor",      "wp_page",     "evict",
	"io_read", "io_write",  "zswap_load", "remote_read",
};
#define NR_KINDS	(int)(sizeof(kinds) / sizeof(kinds[0]))

#define BINS_PER_OCTAVE	4
#define DENSITY_BINS	(64 * BINS_PER_OCTAVE)

/* Is there an executable @name in $PATH? */
static bool in_path(const char *name)
{
	const char *path = getenv("PATH");
	char file[4096];

	if (!path || !*path)
		path = "/usr/bin:/bin";
	for (const char *p = path; *p;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);

		if (len && snprintf(file, sizeof(file), "%.*s/%s", (int)len, p, name) <
				   (int)sizeof(file) &&
		    access(file, X_OK) == 0)
			return true;
		p += len + (colon ? 1 : 0);
	}
	return false;
}

/* @s as a gnuplot single-quoted string (a quote is doubled). */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

static double num(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

struct plot {
	char *dir;		/* the temporary directory */
	char files[2 * NR_KINDS + 2][4200];
	int nr_files;
	bool kind_drawn[NR_KINDS];
	long long kind_count[NR_KINDS];
	bool timeline;
	bool unmeasured;	/* latency_ns is null: UPAGE_LATENCY=0 */
	double cap_mib;
};

static FILE *data_file(struct plot *p, const char *name)
{
	char *path = p->files[p->nr_files];

	snprintf(path, sizeof(p->files[0]), "%s/%s", p->dir, name);
	p->nr_files++;
	return fopen(path, "w");
}

/*
 * One kind's buckets: lower, upper, count.  KIND.dat holds the tail: each
 * bucket's upper bound (us) and the share slower than it; KIND.density the
 * distribution: the share per octave (%) in quarter-octave bins (the
 * report's buckets are finer, and noisy where counts are small), at each
 * bin's middle (us).  Returns false on a malformed bucket.
 */
static bool write_kind(struct plot *p, int k, json_t *h, const char *report)
{
	json_t *buckets = json_object_get(h, "buckets"), *b;
	double total = 0, seen = 0, bins[DENSITY_BINS] = { 0 };
	char name[64];
	size_t i;
	FILE *f;

	if (!json_is_array(buckets)) {
		fprintf(stderr, "upage plot: %s: latency_ns.%s has no buckets\n", report, kinds[k]);
		return false;
	}
	json_array_foreach(buckets, i, b) {
		if (!json_is_array(b) || json_array_size(b) != 3 ||
		    !json_is_number(json_array_get(b, 0)) || !json_is_number(json_array_get(b, 1)) ||
		    !json_is_number(json_array_get(b, 2))) {
			fprintf(stderr, "upage plot: %s: latency_ns.%s: bucket %zu is not "
					"[lower, upper, count]\n", report, kinds[k], i);
			return false;
		}
		total += json_number_value(json_array_get(b, 2));
	}
	p->kind_count[k] = (long long)total;
	if (total <= 0)
		return true;
	snprintf(name, sizeof(name), "%s.dat", kinds[k]);
	f = data_file(p, name);
	if (!f)
		return false;
	json_array_foreach(buckets, i, b) {
		double lo = json_number_value(json_array_get(b, 0));
		double hi = json_number_value(json_array_get(b, 1));
		double n = json_number_value(json_array_get(b, 2));
		int bin;

		if (lo < 1)
			lo = 1;		/* the log axis starts above 0 */
		if (hi <= lo)
			hi = lo + 1;
		bin = (int)floor(BINS_PER_OCTAVE * log2(sqrt(lo * hi)));
		bins[bin < 0 ? 0 : bin >= DENSITY_BINS ? DENSITY_BINS - 1 : bin] += n;
		seen += n;
		fprintf(f, "%g %g\n", hi / 1000, (total - seen) / total);
	}
	fclose(f);
	snprintf(name, sizeof(name), "%s.density", kinds[k]);
	f = data_file(p, name);
	if (!f)
		return false;
	for (int j = 0; j < DENSITY_BINS; j++)
		if (bins[j] > 0)
			fprintf(f, "%g %g\n", exp2((j + 0.5) / BINS_PER_OCTAVE) / 1000,
				100 * bins[j] / total * BINS_PER_OCTAVE);
	fclose(f);
	p->kind_drawn[k] = true;
	return true;
}

static bool write_timeline(struct plot *p, json_t *report)
{
	json_t *tl = json_object_get(report, "timeline");
	json_t *samples = json_object_get(tl, "samples"), *s;
	size_t i;
	FILE *f;

	p->cap_mib = num(report, "max_rss_bytes") / (1 << 20);
	if (!json_is_array(samples) || json_array_size(samples) == 0)
		return true;	/* a run shorter than one sample */
	f = data_file(p, "timeline.dat");
	if (!f)
		return false;
	json_array_foreach(samples, i, s) {
		fprintf(f, "%g %g %g %g\n", num(s, "t_ms") / 1000,
			num(s, "resident_bytes") / (1 << 20), num(s, "swap_ins_per_s"),
			num(s, "swap_outs_per_s"));
	}
	fclose(f);
	p->timeline = true;
	return true;
}

/* A panel with nothing to draw: its title and a word, no error. */
static void empty_panel(FILE *f, const char *title, const char *why)
{
	fprintf(f, "set title '%s'\nunset logscale\nset xrange [0:1]\nset yrange [0:1]\n"
		   "unset xtics\nunset ytics\nset label 1 '%s' at 0.5,0.5 center\n"
		   "plot 2 notitle\nunset label 1\nset xtics\nset ytics\n"
		   "set autoscale x\nset autoscale y\n",
		title, why);
}

static void plot_kinds(FILE *f, struct plot *p, bool tail)
{
	bool first = true;

	fprintf(f, "set logscale x\n");
	fprintf(f, tail ? "set logscale y\nset format y '%%g'\nset ylabel 'share slower than x'\n"
			: "unset logscale y\nset ylabel '%% of events per octave'\n");
	fprintf(f, "set xlabel 'latency (us)'\nplot ");
	for (int k = 0; k < NR_KINDS; k++) {
		if (!p->kind_drawn[k])
			continue;
		fprintf(f, "%s'%s/%s.%s' using %s with lines lw 2 title '%s (%lld)'",
			first ? "" : ", \\\n     ", p->dir, kinds[k], tail ? "dat" : "density",
			tail ? "1:($2 > 0 ? $2 : NaN)" : "1:2", kinds[k], p->kind_count[k]);
		first = false;
	}
	fprintf(f, "\n");
}

static bool write_script(struct plot *p, const char *out, bool png)
{
	bool any = false;
	FILE *f = data_file(p, "plot.gp");

	if (!f)
		return false;
	for (int k = 0; k < NR_KINDS; k++)
		any |= p->kind_drawn[k];
	fprintf(f, png ? "set terminal png noenhanced size 1000,1200\n"
		       : "set terminal svg noenhanced size 1000,1200 dynamic background '#ffffff'\n");
	fprintf(f, "set output ");
	put_quoted(f, out);
	fprintf(f, "\nset multiplot layout 3,1\nset grid\nset key outside right\n");
	if (any) {
		fprintf(f, "set title 'Latency distribution by kind'\n");
		plot_kinds(f, p, false);
		fprintf(f, "set title 'Latency tail'\n");
		plot_kinds(f, p, true);
	} else {
		const char *why = p->unmeasured ? "not measured (UPAGE_LATENCY=0)" : "no events";

		empty_panel(f, "Latency distribution by kind", why);
		empty_panel(f, "Latency tail", why);
	}
	fprintf(f, "unset logscale\nunset ylabel\nset format y '%%g'\n");
	if (p->timeline) {
		fprintf(f, "set title 'Resident set and swap traffic'\nset xlabel 'time (s)'\n"
			   "set ylabel 'MiB'\nset y2label 'pages/s'\nset y2tics\nset ytics nomirror\n"
			   "set yrange [0:*]\nset y2range [0:*]\n"
			   "plot '%s/timeline.dat' using 1:2 with lines lw 2 title 'resident', \\\n"
			   "     %g with lines dt 2 lw 2 title 'cap', \\\n"
			   "     '%s/timeline.dat' using 1:3 axes x1y2 with lines title 'swap-ins/s', \\\n"
			   "     '%s/timeline.dat' using 1:4 axes x1y2 with lines title 'swap-outs/s'\n",
			p->dir, p->cap_mib, p->dir, p->dir);
	} else {
		empty_panel(f, "Resident set and swap traffic", "no timeline samples (a run under 0.1 s)");
	}
	fprintf(f, "unset multiplot\n");
	return fclose(f) == 0;
}

static void cleanup(struct plot *p)
{
	for (int i = 0; i < p->nr_files; i++)
		unlink(p->files[i]);
	rmdir(p->dir);
}

/* Run gnuplot on the script; 0 or the exit status to return. */
static int run_gnuplot(struct plot *p)
{
	char *args[] = { "gnuplot", p->files[p->nr_files - 1], NULL };
	int status, err;
	pid_t pid;

	err = posix_spawnp(&pid, "gnuplot", NULL, NULL, args, environ);
	if (err) {
		fprintf(stderr, "upage plot: cannot run gnuplot: %s\n", strerror(err));
		return 1;
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "upage plot: gnuplot failed\n");
		return 1;
	}
	return 0;
}

static int plot_report(const char *report, const char *out, bool png)
{
	const char *tmp = getenv("TMPDIR");
	static char dir[4096];
	struct plot p = { .dir = dir };
	json_error_t jerr;
	json_t *root, *lat;
	int ret = 1;

	root = json_load_file(report, 0, &jerr);
	if (!root) {
		if (jerr.line > 0)
			fprintf(stderr, "upage plot: %s: line %d: %s\n", report, jerr.line, jerr.text);
		else
			fprintf(stderr, "upage plot: %s: %s\n", report, jerr.text);
		return 1;
	}
	lat = json_object_get(root, "latency_ns");
	p.unmeasured = json_is_null(lat);
	if (!json_is_object(root) || (!json_is_object(lat) && !p.unmeasured)) {
		fprintf(stderr, "upage plot: %s is not an upage report (no latency_ns)\n", report);
		json_decref(root);
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/upage-plot.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(p.dir)) {
		fprintf(stderr, "upage plot: cannot make a directory in %s: %s\n",
			tmp && *tmp ? tmp : "/tmp", strerror(errno));
		json_decref(root);
		return 1;
	}
	for (int k = 0; k < NR_KINDS && !p.unmeasured; k++) {
		json_t *h = json_object_get(lat, kinds[k]);

		if (h && !write_kind(&p, k, h, report))
			goto out;
	}
	if (!write_timeline(&p, root) || !write_script(&p, out, png)) {
		fprintf(stderr, "upage plot: cannot write in %s: %s\n", p.dir, strerror(errno));
		goto out;
	}
	ret = run_gnuplot(&p);
out:
	cleanup(&p);
	json_decref(root);
	return ret;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcasecmp(s + n - m, suffix) == 0;
}

static int cmd_plot_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			printf("usage: upage plot %s\n\nDraw the latency distributions and the "
			       "timeline of a report (upage run --report) with gnuplot.\n",
			       cmd_plot_entry.usage);
			return 0;
		case ':':
			fprintf(stderr, "upage plot: %s needs a value\n", argv[optind - 1]);
			return cmd_usage(&cmd_plot_entry);
		default:
			fprintf(stderr, "upage plot: unknown option %s\n", argv[optind - 1]);
			return cmd_usage(&cmd_plot_entry);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, optind >= argc ? "upage plot: no report\n"
					       : "upage plot: one report only\n");
		return cmd_usage(&cmd_plot_entry);
	}
	if (!out) {
		fprintf(stderr, "upage plot: no output file (-o FILE.svg or FILE.png)\n");
		return cmd_usage(&cmd_plot_entry);
	}
	if (!ends_with(out, ".svg") && !ends_with(out, ".png")) {
		fprintf(stderr, "upage plot: -o %s: the name must end in .svg or .png\n", out);
		return cmd_usage(&cmd_plot_entry);
	}
	if (!in_path("gnuplot")) {
		fprintf(stderr, "upage plot: gnuplot not found in PATH: install the Debian package "
				"gnuplot-nox\n");
		return 1;
	}
	return plot_report(argv[optind], out, ends_with(out, ".png"));
}
