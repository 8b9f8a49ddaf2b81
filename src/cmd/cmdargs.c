/*
 * cmdargs.c - the arguments of the commands that take only a JOB and the
 * common options (pause, resume, disable, enable, check).
 */
#include <getopt.h>
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
