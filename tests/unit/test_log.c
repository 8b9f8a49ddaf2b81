/*
 * test_log.c - JSON log lines always parse (bytes that are not UTF-8, a
 * message cut at the line's cap) and always carry the same keys; the
 * progress line's totals from a manifest.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <jansson.h>
#include "finsync/alloc.h"
#include "finsync/log.h"
#include "finsync/progress.h"
#include "unit.h"

static void log_bad_bytes(void)
{
	char big[5000];

	log_setup(LOG_INFO, LOG_JSON);
	log_set_run(0);
	log_set_stage("extract");
	log_set_entity("customers");
	log_info("name '%s' from a bad export", "Soci\xe9t\xe9 \xff\xfe");
	/* A message longer than the cap, cut in the middle of "é". */
	memset(big, 'a', sizeof(big));
	memcpy(big + 4094, "\xc3\xa9", 2);
	big[sizeof(big) - 1] = '\0';
	log_warn("%s", big);
	log_debug("not shown at info level");
	log_set_entity(NULL);
	log_set_stage(NULL);
	log_command_error("run", "the end");
	log_setup(LOG_INFO, LOG_TEXT);
}

static void test_log__json_lines_always_parse(void)
{
	char *text = unit_stderr_of(log_bad_bytes), *line, *save = NULL;
	const char *keys[] = { "time", "level", "run_id", "stage", "entity", "message" };
	int n = 0;
	size_t k;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		json_error_t err;
		json_t *o = json_loads(line, 0, &err);
		CHECK(o != NULL);
		for (k = 0; o && k < sizeof(keys) / sizeof(keys[0]); k++)
			CHECK(json_object_get(o, keys[k]) != NULL);
		if (o && n == 0) {
			CHECK_STREQ(json_string_value(json_object_get(o, "message")),
				    "name 'Soci\xef\xbf\xbdt\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd' from a bad export");
			CHECK_STREQ(json_string_value(json_object_get(o, "entity")), "customers");
			CHECK(json_is_null(json_object_get(o, "run_id")));
		}
		if (o && n == 2) {
			CHECK_STREQ(json_string_value(json_object_get(o, "command")), "run");
			CHECK(json_is_null(json_object_get(o, "stage")));
		}
		json_decref(o);
	}
	CHECK_INTEQ(n, 3);
	xfree(text);
}

#if defined(__SANITIZE_ADDRESS__)
#define HUGE_MALLOC_FAILS 0 /* ASan stops the process itself */
#else
#define HUGE_MALLOC_FAILS 1
#endif

/* Out of memory under --log-format json: still one JSON line with the keys, and exit 3. */
static void test_log__out_of_memory_is_json(void)
{
	char *path = xasprintf("%s/oom", unit_tmpdir()), text[2048];
	json_t *o;
	ssize_t n;
	pid_t pid;
	int fd, status = 0;

	if (!HUGE_MALLOC_FAILS) {
		xfree(path);
		return;
	}
	fflush(stderr);
	if ((pid = fork()) == 0) {
		fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
		dup2(fd, STDERR_FILENO);
		log_setup(LOG_INFO, LOG_JSON);
		log_set_run(7);
		log_set_stage("load");
		log_set_entity("items");
		xfree(xmalloc((size_t)1 << 62));
		_exit(0);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	fd = open(path, O_RDONLY);
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	o = json_loads(text, 0, NULL);
	CHECK(o != NULL);
	CHECK_STREQ(json_string_value(json_object_get(o, "level")), "error");
	CHECK_INTEQ(json_integer_value(json_object_get(o, "run_id")), 7);
	CHECK_STREQ(json_string_value(json_object_get(o, "stage")), "load");
	CHECK_STREQ(json_string_value(json_object_get(o, "entity")), "items");
	CHECK(strstr(json_string_value(json_object_get(o, "message"))
			     ? json_string_value(json_object_get(o, "message"))
			     : "",
		     "out of memory") != NULL);
	CHECK(json_string_value(json_object_get(o, "time")) != NULL);
	json_decref(o);
	xfree(path);
}

static void test_progress__total_from_manifest(void)
{
	json_t *m = json_loads("{\"files\":{\"accounts.ndjson.gz\":{\"records\":12},"
			       "\"finance.customers.ndjson.gz\":{\"records\":3}}}",
			       0, NULL);

	CHECK_INTEQ(progress_total(m, "Accounts"), 12);
	CHECK_INTEQ(progress_total(m, "finance.customers"), 3);
	CHECK_INTEQ(progress_total(m, "Contacts"), -1);
	CHECK_INTEQ(progress_total(NULL, "Accounts"), -1);
	json_decref(m);
}

static const struct unit_test log_tests[] = {
	UNIT(test_log__json_lines_always_parse),
	UNIT(test_log__out_of_memory_is_json),
	UNIT(test_progress__total_from_manifest),
	{ 0 },
};
UNIT_SUITE(log_tests)
