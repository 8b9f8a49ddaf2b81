/*
 * main.c - runs every registered unit test table; the last line it prints
 * is "N passed, N failed", and it exits 1 when anything failed.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "finsync/alloc.h"
#include "finsync/job.h"
#include "finsync/mapping.h"
#include "finsync/pipeline.h"
#include "unit.h"

#define MAX_TABLES 256

int unit_failures;
static const struct unit_test *tables[MAX_TABLES];
static int ntables;
static char tmpdir[256];

void unit_register(const struct unit_test *table)
{
	if (ntables < MAX_TABLES)
		tables[ntables++] = table;
}

const char *unit_tmpdir(void)
{
	char cmd[300];

	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s/finsync-unit.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		exit(2);
	}
	return tmpdir;
}

int unit_count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

char *unit_read_file(const char *path)
{
	static char text[65536];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (!fp)
		return NULL;
	n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	return xstrdup(text);
}

/* Runs fn with stderr going to a file; returns what it wrote (xfree). */
/* What fn wrote to fd (stream's), kept in an unnamed file: unit_tmpdir() would replace the test's folder. */
static char *output_of(int fd, FILE *stream, void (*fn)(void))
{
	FILE *tmp = tmpfile();
	int saved = dup(fd), tfd = tmp ? fileno(tmp) : -1;
	char *text = xcalloc(1, 65536);
	ssize_t n;

	if (tfd < 0) {
		perror("tmpfile");
		exit(2);
	}
	fflush(stream);
	dup2(tfd, fd);
	fn();
	fflush(stream);
	dup2(saved, fd);
	close(saved);
	lseek(tfd, 0, SEEK_SET);
	n = read(tfd, text, 65535);
	text[n > 0 ? n : 0] = '\0';
	fclose(tmp);
	return text;
}

char *unit_stderr_of(void (*fn)(void))
{
	return output_of(STDERR_FILENO, stderr, fn);
}

char *unit_stdout_of(void (*fn)(void))
{
	return output_of(STDOUT_FILENO, stdout, fn);
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, t, i;
	char cmd[300];

	alloc_init();
	job_set_field_check(mapping_check_job); /* as finsync's main() */
	job_set_sync_keys(unit_sync_keys);
	for (t = 0; t < ntables; t++) {
		for (i = 0; tables[t][i].name; i++) {
			int before = unit_failures;
			if (argc > 1 && !strstr(tables[t][i].name, argv[1]))
				continue;
			tables[t][i].fn();
			if (unit_failures == before) {
				passed++;
			} else {
				failed++;
				fprintf(stderr, "FAIL %s\n", tables[t][i].name);
			}
		}
	}
	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
