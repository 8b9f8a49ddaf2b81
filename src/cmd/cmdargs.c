/*
 * cmdargs.c - the arguments of the commands that take only a JOB and the
 * common options (pause, resume, disable, enable, check), and the pieces
 * every getopt loop of the other commands shares.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "finsync/cmd.h"
#include "finsync/err.h"
#include "finsync/help.h"
#include "finsync/log.h"

int cmd_parse_job_args(int argc, char **argv, const char **job_path)
{
	static const struct option longopts[] = {
		{ "log-format", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum log_level level = LOG_INFO;
	enum log_format format = LOG_TEXT;
	int c;

	*job_path = NULL;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help_print(stdout, help_find(argv[0]));
			return 1;
		case 'v':
			level = LOG_DEBUG;
			break;
		case 'q':
			level = LOG_WARN;
			break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				return fail(FS_EUSAGE, "--log-format: unknown value '%s' (text, json)", optarg);
			format = strcmp(optarg, "json") ? LOG_TEXT : LOG_JSON;
			break;
		case ':':
			return fail(FS_EUSAGE, "option '%s' needs a value", argv[optind - 1]);
		default:
			return fail(FS_EUSAGE, "unknown option '%s'; see 'finsync help %s'", argv[optind - 1], argv[0]);
		}
	}
	if (optind != argc - 1)
		return fail(FS_EUSAGE, "usage: %s", help_find(argv[0])->synopsis);
	*job_path = argv[optind];
	log_setup(level, format);
	return 0;
}

int cmd_option_error(const char *command, int c, char **argv)
{
	if (c == ':')
		return fail(FS_EUSAGE, "option '%s' needs a value", argv[optind - 1]);
	if (optopt)
		return fail(FS_EUSAGE, "unknown option '-%c' (see finsync %s --help)", optopt, command);
	return fail(FS_EUSAGE, "unknown option '%s' (see finsync %s --help)", argv[optind - 1], command);
}

int cmd_take_job(const char *command, int argc, char **argv, const char **job_path)
{
	if (optind < argc)
		*job_path = argv[optind++];
	if (optind < argc)
		return fail(FS_EUSAGE, "unexpected argument '%s'", argv[optind]);
	if (!*job_path)
		return fail(FS_EUSAGE, "missing JOB (see finsync %s --help)", command);
	return 0;
}

int cmd_parse_count(const char *option, const char *what, const char *arg, long min, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(arg, &end, 10);
	if (errno || end == arg || *end || *out < min)
		return fail(FS_EUSAGE, "%s: '%s' is not %s", option, arg, what);
	return 0;
}
