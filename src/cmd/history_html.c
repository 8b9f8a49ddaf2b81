/*
 * history_html.c - `finsync history --format html`: the job's runs as one
 * self-contained page an operator opens over coffee.  No script, no fonts,
 * no link out: inline CSS and an inline SVG chart, so the file works
 * offline, as a mail attachment and in a headless browser.
 *
 * The page has four parts:
 *   - the newest run at a glance (status, exit code, duration, its counts);
 *   - a stacked bar chart of records per run by outcome, oldest run on the
 *     left.  The bars stack the outcomes that partition a run's records
 *     (added, updated, unchanged, skipped, failed, deleted); duplicates are
 *     counted within those (a skipped duplicate is also skipped), so they
 *     are a line with markers on the same scale.  Every run's group carries
 *     its numbers as data-* attributes (data-added="7" ...) for tools and
 *     tests, and every bar a <title> tooltip;
 *   - the runs table: duration, status and exit code, counts per entity;
 *   - the newest run's failed, invalid and ambiguous records with reasons.
 *
 * The counts are the ledger's run_stats rows that history.c picked (the
 * load stage, or transform for a run that did not load), summed over the
 * entities: the same numbers as --format csv.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/err.h"
#include "finsync/timeutil.h"
#include "history.h"

/* A run's totals over its entities, oldest first once collected. */
struct run_total {
	const struct history_row *first; /* the run's first row: its run-level columns */
	long count[OUTCOME_COUNT];
	int has_stats;
};

/* The six outcomes stacked in a bar, bottom up, and their colours. */
static const int stacked[] = {
	OUTCOME_ADDED, OUTCOME_UPDATED, OUTCOME_UNCHANGED, OUTCOME_SKIPPED, OUTCOME_FAILED, OUTCOME_DELETED
};
#define NSTACKED ((int)(sizeof(stacked) / sizeof(stacked[0])))
static const char *const colour[OUTCOME_COUNT] = {
	[OUTCOME_ADDED] = "#2e7d32",   [OUTCOME_UPDATED] = "#1565c0",    [OUTCOME_UNCHANGED] = "#b0bec5",
	[OUTCOME_SKIPPED] = "#f9a825", [OUTCOME_DUPLICATES] = "#6d4c41", [OUTCOME_FAILED] = "#c62828",
	[OUTCOME_DELETED] = "#7b1fa2",
};

/* Chart geometry, in SVG user units (the SVG scales to the page's width). */
#define SVG_W 1100
#define SVG_H 340
#define PAD_L 64
#define PAD_R 40
#define PAD_T 20
#define PAD_B 58

static void esc(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '&':
			fputs("&amp;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			putc(*s, fp);
		}
	}
}

/* ---- run-level facts ---- */

/* The exit status the run's process recorded ("-" when none: running, died, or before it was kept). */
static const char *exit_code(const struct history_row *r, char *buf, size_t size)
{
	if (r->exit_code < 0)
		return NULL;
	snprintf(buf, size, "%d", r->exit_code);
	return buf;
}

/* A dry run planned and wrote nothing: said beside its status wherever the status is. */
static void dry_badge(FILE *fp, const struct history_row *r)
{
	if (r->dry_run)
		fputs(" <span class=\"badge dry\" title=\"planned only: nothing was written\">dry run</span>", fp);
}

/* "42s", "3m 05s", "2h 01m 09s"; "" when either end is unknown or unreadable. */
static void duration(const struct history_row *r, char *out, size_t size)
{
	time_t a, b;
	long s, h;

	out[0] = '\0';
	if (!r->started_at || !r->finished_at || time_parse_iso(r->started_at, &a) ||
	    time_parse_iso(r->finished_at, &b) || b < a)
		return;
	s = (long)(b - a);
	h = s / 3600;
	if (h)
		snprintf(out, size, "%ldh %02ldm %02lds", h, s / 60 % 60, s % 60);
	else if (s >= 60)
		snprintf(out, size, "%ldm %02lds", s / 60, s % 60);
	else
		snprintf(out, size, "%lds", s);
}

static const char *status_class(const char *status)
{
	static const char *const known[] = { "ok", "partial", "aborted", "budget", "running", NULL };
	int i;

	for (i = 0; status && known[i]; i++)
		if (!strcmp(status, known[i]))
			return known[i];
	return "other";
}

/* The runs, oldest first, with their totals (out has room for h->n). */
static size_t collect_runs(const struct history *h, struct run_total *out)
{
	struct run_total tmp;
	size_t n = 0, i;
	int k;

	for (i = 0; i < h->n; i++) {
		const struct history_row *r = &h->rows[i];
		if (!n || out[n - 1].first->run != r->run) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n++].first = r;
		}
		if (!r->entity)
			continue;
		out[n - 1].has_stats = 1;
		for (k = 0; k < OUTCOME_COUNT; k++)
			out[n - 1].count[k] += r->count[k];
	}
	for (i = 0; i < n / 2; i++) {
		tmp = out[i];
		out[i] = out[n - 1 - i];
		out[n - 1 - i] = tmp;
	}
	return n;
}

static long stack_height(const struct run_total *t)
{
	long sum = 0;
	int k;

	for (k = 0; k < NSTACKED; k++)
		sum += t->count[stacked[k]];
	return sum;
}

/* ---- the page ---- */

static const char css[] =
	"*{box-sizing:border-box}"
	"body{margin:0;background:#f4f6f8;color:#1f2933;font:14px/1.45 system-ui,-apple-system,"
	"'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}"
	"main{max-width:1160px;margin:0 auto;padding:24px 28px 40px}"
	"h1{font-size:22px;margin:0 0 2px}h1 .job{color:#52606d;font-weight:500}"
	"h2{font-size:16px;margin:0 0 12px}"
	".meta{color:#616e7c;margin:0 0 20px;font-size:13px}"
	"section{background:#fff;border:1px solid #e1e5ea;border-radius:8px;padding:16px 20px;margin:0 0 18px}"
	".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(88px,1fr));gap:10px}"
	".card{border:1px solid #e1e5ea;border-radius:6px;padding:8px 12px}"
	".card.wide{grid-column:span 2}.card.wide .v{font-size:16px;line-height:27px}"
	".card .v{font-size:18px;font-weight:600;white-space:nowrap}.card .k{color:#616e7c;font-size:12px}"
	".card.c-failed .v{color:#c62828}"
	".badge{display:inline-block;border-radius:10px;padding:0 9px;font-size:12px;font-weight:600;color:#fff}"
	"td.bad{color:#c62828;font-weight:600}"
	".ok{background:#2e7d32}.partial{background:#e65100}.aborted{background:#c62828}"
	".budget{background:#7b1fa2}.running{background:#1565c0}.other{background:#616e7c}"
	".dry{background:#fff;color:#3e4c59;border:1px dashed #7b8794}"
	".scroll{overflow-x:auto}"
	"table{border-collapse:collapse;width:100%;font-size:12.5px}"
	"th,td{border-bottom:1px solid #e4e7eb;padding:4px 7px;text-align:left;vertical-align:top}"
	"th{background:#f5f7fa;color:#3e4c59;font-weight:600;white-space:nowrap}"
	"td.t{white-space:nowrap}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	"td.z{color:#b4bcc5}td.err{color:#c62828;font-size:12px}"
	"tr.first td{border-top:2px solid #cbd2d9}"
	".legend{display:flex;flex-wrap:wrap;gap:14px;margin:6px 0 0;font-size:12px;color:#3e4c59}"
	".legend i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}"
	".legend i.line{height:3px;vertical-align:3px;border-radius:0}"
	"svg{width:100%;height:auto;display:block}"
	".note{color:#616e7c;font-size:12px;margin:8px 0 0}"
	"code{font-size:12px}";

static void page_head(FILE *fp, const struct history *h)
{
	char now[ISO_TIME_LEN];
	long runs = 0;
	size_t i;

	for (i = 0; i < h->n; i++)
		runs += !i || h->rows[i].run != h->rows[i - 1].run;
	time_now_iso(now);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"finsync history\">\n<title>finsync history: ",
	      fp);
	esc(fp, h->job_name);
	fprintf(fp,
		"</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n<h1>finsync history "
		"<span class=\"job\">",
		css);
	esc(fp, h->job_name);
	fprintf(fp, "</span></h1>\n<p class=\"meta\">%ld run%s, generated %s from <code>", runs, runs == 1 ? "" : "s",
		now);
	esc(fp, h->ledger_path);
	fputs("</code>. Times are UTC.</p>\n", fp);
}

/* "2026-11-21T15:26:40Z" as "2026-11-21 15:26:40" (the page says the times are UTC). */
static void when(FILE *fp, const char *iso)
{
	if (!iso || strlen(iso) != 20 || iso[10] != 'T') {
		esc(fp, iso && *iso ? iso : "-");
		return;
	}
	fprintf(fp, "%.10s %.8s", iso, iso + 11);
}

static void card(FILE *fp, const char *key, const char *value, const char *cls)
{
	fprintf(fp, "<div class=\"card%s%s\"><div class=\"v\">", cls ? " " : "", cls ? cls : "");
	if (!strcmp(key, "started"))
		when(fp, value);
	else
		esc(fp, value && *value ? value : "-");
	fprintf(fp, "</div><div class=\"k\">%s</div></div>", key);
}

static void last_run(FILE *fp, const struct run_total *t)
{
	const struct history_row *r = t->first;
	char num[32], dur[48], code[16];
	int k;

	duration(r, dur, sizeof(dur));
	fprintf(fp,
		"<section id=\"last-run\" data-run=\"%ld\" data-dry-run=\"%d\">\n<h2>Last run: #%ld "
		"<span class=\"badge %s\">",
		r->run, r->dry_run, r->run, status_class(r->status));
	esc(fp, r->status);
	fputs("</span>", fp);
	dry_badge(fp, r);
	fputs("</h2>\n<div class=\"cards\">", fp);
	card(fp, "started", r->started_at, "wide");
	card(fp, "duration", *dur ? dur : "unfinished", NULL);
	card(fp, "exit status", exit_code(r, code, sizeof(code)), NULL);
	for (k = 0; k < OUTCOME_COUNT; k++) {
		snprintf(num, sizeof(num), "%ld", t->count[k]);
		card(fp, outcome_columns[k], t->has_stats ? num : NULL,
		     k == OUTCOME_FAILED && t->count[k] ? "c-failed" : NULL);
	}
	fputs("</div>\n", fp);
	if (r->error) {
		fputs("<p class=\"note\">Error: ", fp);
		esc(fp, r->error);
		fputs("</p>\n", fp);
	}
	fputs("</section>\n", fp);
}

/* ---- the chart ---- */

/* The smallest 1, 2 or 5 times a power of ten with max/step <= 5, and the axis top. */
static long nice_step(long max, long *top)
{
	long step = 1, base = 1;

	while (max > 5 * step) {
		if (step == base)
			step = 2 * base;
		else if (step == 2 * base)
			step = 5 * base;
		else
			step = base *= 10;
	}
	*top = (max + step - 1) / step * step;
	if (*top == 0)
		*top = step;
	return step;
}

static double y_of(long v, long top)
{
	return PAD_T + (SVG_H - PAD_T - PAD_B) * (1.0 - (double)v / (double)top);
}

/* 30000 -> "30,000" for the axis. */
static void thousands(FILE *fp, long v)
{
	char digits[32];
	int len = snprintf(digits, sizeof(digits), "%ld", v), i;

	for (i = 0; i < len; i++) {
		if (i && digits[0] != '-' && (len - i) % 3 == 0)
			putc(',', fp);
		putc(digits[i], fp);
	}
}

static void axes(FILE *fp, long top, long step)
{
	long v;

	fputs("<g class=\"axis\" font-size=\"12\" fill=\"#616e7c\">\n", fp);
	for (v = 0; v <= top; v += step) {
		double y = y_of(v, top);
		fprintf(fp,
			"<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
			PAD_L, SVG_W - PAD_R, y, y, v ? "#eceff3" : "#9aa5b1", PAD_L - 8, y + 4);
		thousands(fp, v);
		fputs("</text>\n", fp);
	}
	fprintf(fp, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">records</text>\n",
		(SVG_H - PAD_B + PAD_T) / 2, (SVG_H - PAD_B + PAD_T) / 2);
	fputs("</g>\n", fp);
}

static void run_label(FILE *fp, const struct run_total *t, double cx, int show)
{
	const char *day = t->first->started_at;

	if (!show)
		return;
	fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\" fill=\"#3e4c59\">#%ld%s</text>",
		cx, SVG_H - PAD_B + 18, t->first->run, t->first->dry_run ? " dry" : "");
	if (day && strlen(day) >= 16)
		fprintf(fp,
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" fill=\"#7b8794\">"
			"%.5s %.5s</text>",
			cx, SVG_H - PAD_B + 34, day + 5, day + 11);
}

/* One run's bar: a group with the run's numbers, one rect per non-zero outcome. */
static void bar(FILE *fp, const struct run_total *t, double cx, double w, long top, int show_label)
{
	double y = y_of(0, top);
	int k;

	fprintf(fp, "<g class=\"run\" data-run=\"%ld\" data-started-at=\"", t->first->run);
	esc(fp, t->first->started_at);
	fputs("\" data-status=\"", fp);
	esc(fp, t->first->status);
	fprintf(fp, "\" data-dry-run=\"%d\"", t->first->dry_run);
	for (k = 0; k < OUTCOME_COUNT; k++)
		fprintf(fp, " data-%s=\"%ld\"", outcome_columns[k], t->count[k]);
	fputs(">\n", fp);
	for (k = 0; k < NSTACKED; k++) {
		long v = t->count[stacked[k]];
		double h = y_of(0, top) - y_of(v, top);
		if (!v)
			continue;
		y -= h;
		/* A dry run's bars are pale and dashed: planned, not written. */
		fprintf(fp,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" %s"
			"data-outcome=\"%s\" data-count=\"%ld\"><title>run %ld: %ld %s%s</title></rect>\n",
			cx - w / 2, y, w, h, colour[stacked[k]],
			t->first->dry_run ? "fill-opacity=\"0.35\" stroke=\"#3e4c59\" stroke-dasharray=\"3 2\" " : "",
			outcome_columns[stacked[k]], v, t->first->run, v, outcome_columns[stacked[k]],
			t->first->dry_run ? " (dry run: planned, not written)" : "");
	}
	/* A run without stats (stopped before its transform) gets a grey mark, and words where they fit. */
	if (!t->has_stats) {
		fprintf(fp,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"3\" fill=\"#cbd2d9\">"
			"<title>run %ld: no stats (",
			cx - w / 2, y_of(0, top) - 3, w, t->first->run);
		esc(fp, t->first->status);
		fputs(")</title></rect>\n", fp);
		if (w >= 40)
			fprintf(fp,
				"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\" "
				"fill=\"#9aa5b1\">no stats</text>\n",
				cx, y_of(0, top) - 8);
	}
	run_label(fp, t, cx, show_label);
	fputs("</g>\n", fp);
}

static void duplicates_line(FILE *fp, const struct run_total *runs, size_t n, double slot, long top)
{
	size_t i;

	fprintf(fp, "<g class=\"duplicates\"><polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
		colour[OUTCOME_DUPLICATES]);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s%.1f,%.1f", i ? " " : "", PAD_L + slot * (i + 0.5),
			y_of(runs[i].count[OUTCOME_DUPLICATES], top));
	fputs("\"/>\n", fp);
	for (i = 0; i < n; i++)
		fprintf(fp,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" data-run=\"%ld\" data-count=\"%ld\">"
			"<title>run %ld: %ld duplicates</title></circle>\n",
			PAD_L + slot * (i + 0.5), y_of(runs[i].count[OUTCOME_DUPLICATES], top),
			colour[OUTCOME_DUPLICATES], runs[i].first->run, runs[i].count[OUTCOME_DUPLICATES],
			runs[i].first->run, runs[i].count[OUTCOME_DUPLICATES]);
	fputs("</g>\n", fp);
}

static void legend(FILE *fp)
{
	int k;

	fputs("<div class=\"legend\">", fp);
	for (k = 0; k < NSTACKED; k++)
		fprintf(fp, "<span><i style=\"background:%s\"></i>%s</span>", colour[stacked[k]],
			outcome_columns[stacked[k]]);
	fprintf(fp, "<span><i class=\"line\" style=\"background:%s\"></i>duplicates (within the others)</span></div>\n",
		colour[OUTCOME_DUPLICATES]);
}

static void chart(FILE *fp, const struct run_total *runs, size_t n)
{
	double slot = n ? (double)(SVG_W - PAD_L - PAD_R) / (double)n : 0, w = slot * 0.62;
	size_t i, every;
	long max = 0, top, step;

	for (i = 0; i < n; i++) {
		if (stack_height(&runs[i]) > max)
			max = stack_height(&runs[i]);
		if (runs[i].count[OUTCOME_DUPLICATES] > max)
			max = runs[i].count[OUTCOME_DUPLICATES];
	}
	step = nice_step(max, &top);
	if (w > 56)
		w = 56;
	/* A label takes about 80 units: label every run, or every few counted from the newest. */
	every = n && slot < 80 ? (size_t)(80 / slot) + 1 : 1;
	fputs("<section id=\"chart\">\n<h2>Records per run, by outcome</h2>\n", fp);
	fprintf(fp,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" "
		"aria-label=\"records per run by outcome\" font-family=\"system-ui, sans-serif\">\n",
		SVG_W, SVG_H);
	axes(fp, top, step);
	for (i = 0; i < n; i++)
		bar(fp, &runs[i], PAD_L + slot * (i + 0.5), w, top, (n - 1 - i) % every == 0);
	if (n)
		duplicates_line(fp, runs, n, slot, top);
	else
		fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#9aa5b1\">no runs yet</text>\n",
			SVG_W / 2, SVG_H / 2);
	fputs("</svg>\n", fp);
	legend(fp);
	fputs("<p class=\"note\">Oldest run on the left. The counts are those of each run's load stage "
	      "(of its transform stage for a dry run), summed over the entities.</p>\n</section>\n",
	      fp);
}

/* ---- the runs table ---- */

static void count_cell(FILE *fp, const struct history_row *r, int k)
{
	if (!r->entity)
		fputs("<td class=\"n z\">-</td>", fp);
	else
		fprintf(fp, "<td class=\"n%s\">%ld</td>", r->count[k] ? "" : " z", r->count[k]);
}

/* The run-level cells, spanning the run's entity rows. */
static void run_cells(FILE *fp, const struct history_row *r, size_t span)
{
	char dur[48], buf[16];
	const char *code = exit_code(r, buf, sizeof(buf));

	duration(r, dur, sizeof(dur));
	fprintf(fp, "<td class=\"n\" rowspan=\"%zu\">%ld</td><td class=\"t\" rowspan=\"%zu\">", span, r->run, span);
	when(fp, r->started_at);
	fprintf(fp, "</td><td class=\"n t\" rowspan=\"%zu\">", span);
	esc(fp, *dur ? dur : "-");
	fprintf(fp, "</td><td rowspan=\"%zu\"><span class=\"badge %s\">", span, status_class(r->status));
	esc(fp, r->status);
	fputs("</span>", fp);
	dry_badge(fp, r);
	fprintf(fp, "</td><td class=\"n\" rowspan=\"%zu\">%s</td>", span, code ? code : "-");
}

/* One row per entity; the run's error, if any, in a row of its own under them. */
static void run_rows(FILE *fp, const struct history *h, size_t i, size_t n)
{
	const struct history_row *r = &h->rows[i];
	size_t k, j;

	for (j = i; j < i + n; j++) {
		fprintf(fp, "<tr%s data-run=\"%ld\">", j == i ? " class=\"first\"" : "", r->run);
		if (j == i)
			run_cells(fp, r, n + (r->error != NULL));
		fputs("<td>", fp);
		esc(fp, h->rows[j].entity ? h->rows[j].entity : "-");
		fputs("</td><td>", fp);
		esc(fp, h->rows[j].entity ? h->rows[j].stage : "-");
		fputs("</td>", fp);
		for (k = 0; k < OUTCOME_COUNT; k++)
			count_cell(fp, &h->rows[j], (int)k);
		fputs("</tr>\n", fp);
	}
	if (r->error) {
		fprintf(fp, "<tr class=\"errrow\" data-run=\"%ld\"><td class=\"err\" colspan=\"%d\">error: ", r->run,
			2 + OUTCOME_COUNT);
		esc(fp, r->error);
		fputs("</td></tr>\n", fp);
	}
}

static void runs_table(FILE *fp, const struct history *h)
{
	size_t i, span;
	int k;

	fputs("<section id=\"runs\">\n<h2>Runs</h2>\n<div class=\"scroll\"><table>\n<thead><tr><th class=\"n\">run</th>"
	      "<th>started</th><th class=\"n\">duration</th><th>status</th><th class=\"n\" title=\"the exit status "
	      "of the run's process\">exit</th><th>entity</th><th>stage</th>",
	      fp);
	for (k = 0; k < OUTCOME_COUNT; k++)
		fprintf(fp, "<th class=\"n\">%s</th>", outcome_columns[k]);
	fputs("</tr></thead>\n<tbody>\n", fp);
	for (i = 0; i < h->n; i += span) {
		for (span = 1; i + span < h->n && h->rows[i + span].run == h->rows[i].run; span++)
			;
		run_rows(fp, h, i, span);
	}
	if (!h->n)
		fprintf(fp, "<tr><td colspan=\"%d\">No runs yet.</td></tr>\n", 7 + OUTCOME_COUNT);
	fputs("</tbody>\n</table></div>\n<p class=\"note\">exit: the exit status the run's process recorded "
	      "(0 done, 1 records failed, 2 job error, 3 aborted, 5 budget; - when none was recorded: the "
	      "process ended without finishing). A dry run planned and wrote nothing.</p>\n</section>\n",
	      fp);
}

/* ---- the newest run's records that did not go through ---- */

static void problems(FILE *fp, const struct history *h)
{
	size_t i;

	if (!h->n)
		return;
	fprintf(fp,
		"<section id=\"problems\" data-run=\"%ld\" data-count=\"%ld\">\n"
		"<h2>Failed, invalid and ambiguous records of run #%ld</h2>\n",
		h->rows[0].run, h->events_total, h->rows[0].run);
	if (!h->events_total) {
		fputs("<p class=\"note\">None: every record of this run was synced, unchanged or skipped by policy"
		      " (a dry run or a run stopped before its load records no events).</p>\n</section>\n",
		      fp);
		return;
	}
	fputs("<div class=\"scroll\"><table>\n<thead><tr><th>entity</th><th>CRM module</th><th>CRM id</th><th>action</th><th>match</th>"
	      "<th>finance id</th><th>reason</th></tr></thead>\n<tbody>\n",
	      fp);
	for (i = 0; i < h->nevents; i++) {
		const struct history_event *e = &h->events[i];
		const char *cells[] = {
			e->entity, e->crm_module, e->crm_id, e->action, e->match, e->finance_id, e->reason
		};
		size_t c;
		fputs("<tr class=\"event\">", fp);
		for (c = 0; c < sizeof(cells) / sizeof(cells[0]); c++) {
			fputs("<td>", fp);
			esc(fp, cells[c] && *cells[c] ? cells[c] : "-");
			fputs("</td>", fp);
		}
		fputs("</tr>\n", fp);
	}
	fputs("</tbody>\n</table></div>\n", fp);
	if (h->events_total > (long)h->nevents)
		fprintf(fp,
			"<p class=\"note\">The first %zu of %ld. 'finsync review JOB' lists the ambiguous and "
			"invalid ones as CSV; the ledger's events table has them all.</p>\n",
			h->nevents, h->events_total);
	else
		fputs("<p class=\"note\">'finsync review JOB' lists the ambiguous and invalid ones, and the skipped "
		      "duplicates, as CSV to decide on.</p>\n",
		      fp);
	fputs("</section>\n", fp);
}

/* ---- the last reconcile: do both sides agree? ---- */

static void reconcile_row(FILE *fp, const char *entity, json_t *s)
{
	static const char *const keys[] = { "in_scope", "linked", "missing", "orphaned", "doubled", "drifted" };
	size_t k;

	fputs("<tr class=\"reconciled\"><td>", fp);
	esc(fp, entity);
	fputs("</td>", fp);
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		long v = (long)json_integer_value(json_object_get(s, keys[k]));
		fprintf(fp, "<td class=\"n%s\">", k >= 2 && v ? " bad" : "");
		thousands(fp, v);
		fputs("</td>", fp);
	}
	fputs("</tr>\n", fp);
}

static void reconcile(FILE *fp, const struct history *h)
{
	json_t *summary = h->reconcile_summary ? json_loads(h->reconcile_summary, 0, NULL) : NULL, *s;
	const char *entity;

	if (!summary)
		return;
	fprintf(fp, "<section id=\"reconcile\" data-off=\"%ld\">\n<h2>Last reconcile: ", h->reconcile_off);
	when(fp, h->reconcile_at);
	fprintf(fp, " <span class=\"badge %s\">%s</span></h2>\n", h->reconcile_off ? "aborted" : "ok",
		h->reconcile_off ? "records amiss" : "both sides agree");
	fputs("<div class=\"scroll\"><table>\n<thead><tr><th>entity</th><th class=\"n\">in scope</th><th class=\"n\">"
	      "linked</th><th class=\"n\">missing</th><th class=\"n\">orphaned</th><th class=\"n\">doubled</th>"
	      "<th class=\"n\">drifted</th></tr></thead>\n<tbody>\n",
	      fp);
	json_object_foreach(summary, entity, s)
		reconcile_row(fp, entity, s);
	fputs("</tbody>\n</table></div>\n<p class=\"note\">'finsync reconcile JOB' names each record amiss "
	      "(missing: in the CRM scope, no live finance record; orphaned: a finance record carrying a CRM id no "
	      "link pairs with it; doubled: a CRM id on more than one finance record; drifted: changed in the "
	      "finance app since finsync wrote it).</p>\n</section>\n",
	      fp);
	json_decref(summary);
}

int history_print_html(FILE *fp, const struct history *h)
{
	struct run_total *runs = xcalloc(h->n ? h->n : 1, sizeof(*runs));
	size_t n = collect_runs(h, runs);

	page_head(fp, h);
	if (n)
		last_run(fp, &runs[n - 1]);
	chart(fp, runs, n);
	runs_table(fp, h);
	reconcile(fp, h);
	problems(fp, h);
	fputs("</main>\n</body>\n</html>\n", fp);
	xfree(runs);
	return 0;
}
