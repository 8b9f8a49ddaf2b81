# finsync — plain Makefile.  `make help` lists the targets.
PKGS      := libcurl jansson sqlite3 zlib libdeflate libutf8proc libmicrohttpd nettle xlsxwriter libzip
BUILD     ?= build
PREFIX    ?= /usr/local
CFLAGS    ?= -O2 -g
# Warnings live apart from CFLAGS so that `make CFLAGS=-O0` cannot drop -Werror.
WARNINGS  := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wwrite-strings -Wvla -Wformat=2 -Wpointer-arith
SANFLAGS  := $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) $(SANFLAGS) $(CFLAGS) -Iinclude \
             -MMD -MP $(PKG_CFLAGS)

CORE_SRCS    := $(sort $(wildcard src/util/*.c src/job/*.c src/ledger/*.c src/conn/*.c \
                  src/xform/*.c src/stage/*.c src/cmd/*.c))
CORE_OBJS    := $(CORE_SRCS:%.c=$(BUILD)/%.o)
SANDBOX_SRCS := $(sort $(wildcard src/sandbox/*.c src/sandbox/*/*.c))
SANDBOX_OBJS := $(SANDBOX_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS    := $(sort $(wildcard tests/unit/*.c))
UNIT_OBJS    := $(UNIT_SRCS:%.c=$(BUILD)/%.o)

.PHONY: all deps test check-quick format-check unit e2e demo asan valgrind bench install man clean help fuzz fuzz-targets

all: $(BUILD)/finsync $(BUILD)/finsync-sandbox $(BUILD)/gen-man  ## build both binaries (and the man page generator)

deps:                                                  ## install missing Debian packages
	@scripts/install-deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/finsync: $(BUILD)/src/main.o $(CORE_OBJS)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The sandbox borrows a named few of finsync's utilities on purpose (docs/sandbox.md,
# "Where things live"): allocation, the buffer, errors, ISO time parsing, the JSON
# reader and writer.  tests/check-layers.sh refuses any other finsync header there.
SANDBOX_UTIL := $(BUILD)/src/util/alloc.o $(BUILD)/src/util/buf.o $(BUILD)/src/util/err.o \
                $(BUILD)/src/util/timeutil.o $(BUILD)/src/util/ndjson.o

$(BUILD)/finsync-sandbox: $(SANDBOX_OBJS) $(SANDBOX_UTIL)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Prints the man page from docs/finsync.1.in and the command tables (see `make man`).
$(BUILD)/gen-man: $(BUILD)/scripts/gen-man.o $(CORE_OBJS)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# test_load.c starts the sandbox.
$(BUILD)/unit-tests: $(UNIT_OBJS) $(CORE_OBJS) | $(BUILD)/finsync-sandbox
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Tests run side by side, JOBS at a time (default: the number of cores).
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
# check-quick: the unit tests, the layering check and one fast e2e script or two per
# area (CLI, sandbox, job errors, extract, transform, load, persons, both ways, export,
# history, incremental, faults, lock, check, secrets, review, docs, deals, unlink);
# about 20 s on two cores.
QUICK     := unit check-layers check-layout check-mirror t0000 t0010 t0110 t1000 t2000 t3000 t3155 t4000 t4100 t4400 \
             t5100 t6100 t7000 t7100 t7450 t7800 t8100 t8400 t9000 t9200

test: deps                                             ## install, build, run unit + e2e tests (JOBS=N at once)
	@$(MAKE) --no-print-directory all $(BUILD)/unit-tests $(FUZZ_REPLAY)
	@tests/run.sh -j $(JOBS) $(BUILD)

check-quick: all $(BUILD)/unit-tests                   ## unit tests, layering check and a fast e2e subset (< 1 min)
	@tests/run.sh -j $(JOBS) $(BUILD) $(QUICK)

# unit: the unit tests alone (tests/unit, the sandbox beside them for the tests that talk to one).
unit: $(BUILD)/unit-tests                              ## the unit tests: one line per failure, then "N passed, N failed"
	@$(BUILD)/unit-tests

# format-check: every C file of the product, the sandbox, the tests and the
# scripts must be as .clang-format lays it out.  A table or SQL text that
# clang-format 14 would break apart (a braced initializer in a macro, SQL
# built round a macro) stands between clang-format off/on comments.
FORMAT_FILES = $(shell find src include tests scripts -name '*.[ch]' | sort)

format-check:                                          ## clang-format --dry-run --Werror over every .c and .h file
	@command -v clang-format >/dev/null 2>&1 || scripts/install-deps.sh clang-format
	@clang-format --dry-run --Werror $(FORMAT_FILES)
	@echo "format-check: $(words $(FORMAT_FILES)) files as .clang-format lays them out"

demo: deps                                             ## install, build, run jobs/demo.json against the sandbox
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(BUILD)

asan:                                                  ## the same tests under ASan+UBSan
	@$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=address,undefined CFLAGS='-O1 -g' test

valgrind: deps                                         ## the test suite with finsync under valgrind
	@$(MAKE) --no-print-directory all $(BUILD)/unit-tests
	@FINSYNC_WRAPPER='valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite' tests/run.sh $(BUILD)

bench: deps                                            ## records/s per stage and peak RSS -> BENCH.md
	@$(MAKE) --no-print-directory all
	@tests/bench/run.sh $(BUILD)
	@tests/bench/bulk_read.sh $(BUILD)
	@tests/bench/reconcile.sh $(BUILD)

install: all                                           ## install binaries and man page under PREFIX
	install -D -m 755 $(BUILD)/finsync $(DESTDIR)$(PREFIX)/bin/finsync
	install -D -m 755 $(BUILD)/finsync-sandbox $(DESTDIR)$(PREFIX)/bin/finsync-sandbox
	install -D -m 644 docs/finsync.1 $(DESTDIR)$(PREFIX)/share/man/man1/finsync.1

man: $(BUILD)/gen-man                                  ## regenerate docs/finsync.1 (synopsis, options) from its template
	$(BUILD)/gen-man docs/finsync.1.in >docs/finsync.1.tmp && mv docs/finsync.1.tmp docs/finsync.1

# ---- fuzzing: the libFuzzer targets of tests/fuzz/ (tests/fuzz/README.md) ----
FUZZ_TARGETS := json csv job review fin_answer crm_answer
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build-fuzz
# clang warns where gcc does not, on code that is fine (a vprintf wrapper, SQL split over lines).
FUZZ_CFLAGS  := -O1 -g -Wno-format-nonliteral -Wno-string-concatenation
# A target built with a product file itself, to reach the readers private to it, leaves its object out.
FUZZ_WITH_review     := src/cmd/review_apply.c
FUZZ_WITH_fin_answer := src/conn/finclient.c
FUZZ_WITH_crm_answer := src/conn/zoho_crm.c
fuzz_objs = $(filter-out $(FUZZ_WITH_$(1):%.c=$(BUILD)/%.o),$(CORE_OBJS))
# The same targets as plain programs that replay files (the seed and regression corpus, in make test).
FUZZ_REPLAY  := $(FUZZ_TARGETS:%=$(BUILD)/fuzz-replay/%)

fuzz:                                                  ## build the fuzz targets with clang (ASan+UBSan), run each FUZZ_SECONDS
	@scripts/install-deps.sh clang libclang-rt-dev
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang SANITIZE=fuzzer-no-link,address,undefined \
		CFLAGS='$(FUZZ_CFLAGS)' fuzz-targets
	@tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-targets: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)

.PRECIOUS: $(BUILD)/tests/fuzz/%.o

$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/fuzz_%.o $(CORE_OBJS)
	@mkdir -p $(@D)
	$(CC) -fsanitize=fuzzer,address,undefined $(LDFLAGS) -o $@ $< $(call fuzz_objs,$*) $(PKG_LIBS)

$(BUILD)/fuzz-replay/%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay.o $(CORE_OBJS)
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/tests/fuzz/replay.o $(call fuzz_objs,$*) $(PKG_LIBS)

clean:                                                 ## remove build outputs
	rm -rf build build-asan build-fuzz

help:                                                  ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
