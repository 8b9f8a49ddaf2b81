/*
 * outcome.h - what a run can do with a record, defined once.
 *
 * FS_OUTCOMES is the list, in the order of the run_stats columns: struct
 * stats, the ledger's SQL, and every report that lists the outcomes
 * (history as a table, CSV, JSON and HTML, status, the summary line of
 * `finsync run`) are generated from it, so a new outcome is one line here
 * (and a schema migration for its column).
 */
#ifndef FINSYNC_OUTCOME_H
#define FINSYNC_OUTCOME_H

/*
 * X(NAME, column, line): NAME for the enum, column for the field, the SQL
 * and the reports; line, how the one-line summary of a run shows it
 * (OUTCOME_LINE_SHOWN, OUTCOME_LINE_PART: in parentheses, a part of the
 * outcome before it, OUTCOME_LINE_NOT).
 */
#define FS_OUTCOMES(X) \
	X(ADDED, added, OUTCOME_LINE_SHOWN) \
	X(UPDATED, updated, OUTCOME_LINE_SHOWN) \
	X(UNCHANGED, unchanged, OUTCOME_LINE_SHOWN) \
	X(SKIPPED, skipped, OUTCOME_LINE_SHOWN) \
	X(DUPLICATES, duplicates, OUTCOME_LINE_PART) \
	X(FAILED, failed, OUTCOME_LINE_SHOWN) \
	X(DELETED, deleted, OUTCOME_LINE_NOT)

enum outcome_line { OUTCOME_LINE_NOT, OUTCOME_LINE_SHOWN, OUTCOME_LINE_PART };

enum outcome {
#define FS_OUTCOME_ENUM(NAME, column, line) OUTCOME_##NAME,
	FS_OUTCOMES(FS_OUTCOME_ENUM)
#undef FS_OUTCOME_ENUM
		OUTCOME_COUNT
};

/* "added", "updated" …, and how the summary line shows each; indexed by enum outcome. */
extern const char *const outcome_columns[OUTCOME_COUNT];
extern const enum outcome_line outcome_lines[OUTCOME_COUNT];

/* The counts of one entity and stage: by name (s.added) or by index (s.count[OUTCOME_ADDED]). */
struct stats {
	union {
		struct {
#define FS_OUTCOME_FIELD(NAME, column, line) long column;
			FS_OUTCOMES(FS_OUTCOME_FIELD)
#undef FS_OUTCOME_FIELD
		};
		long count[OUTCOME_COUNT];
	};
};

#endif
