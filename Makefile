# morgue - a static site generator for annotated news archives.
#
#   make            build ./morgue
#   make site       install missing packages, build, render content/ to public/
#   make check      every test (unit, golden, spec, e2e, browser); last line
#                   "N passed, N failed, N skipped"
#   make check-asan the whole suite under AddressSanitizer + UBSan
#   make valgrind   the sample build under valgrind memcheck
#   make bench      benchmarks against hugo and pagefind (not part of check)
#   make install PREFIX=/usr/local

CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
PKGS    := libcmark libgit2 sqlite3 yaml-0.1 libutf8proc libmicrohttpd zlib

# pkg-config only answers once the -dev packages are there; `make site` and
# `make check` install them first (scripts/deps.sh).
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libmicrohttpd is not linked: serve.c opens it when `morgue serve` starts
# (it brings GnuTLS and eight more libraries into every command's start)
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libmicrohttpd,$(PKGS)) 2>/dev/null) \
	      -lstemmer -lpthread -lm

# The morgue binary allocates with mimalloc: a build makes and frees tens
# of millions of small blocks (catalog rows, page contexts, SQLite's own),
# and mimalloc's per-thread heaps take about a tenth off a clean build's
# time against glibc's malloc (make bench). Sanitizer builds keep the
# sanitizers' allocator; `make MALLOC_LIB=` builds without mimalloc.
MALLOC_LIB ?= -lmimalloc

ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
MALLOC_LIB :=
endif
# libFuzzer builds (clang): the library is instrumented, the targets link
# the fuzzer's main.
ifeq ($(SAN),fuzz)
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
MALLOC_LIB :=
endif

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c17 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) $(CFLAGS) \
	-Igenerator -I$(BUILD) $(PKG_CFLAGS) $(SANFLAGS) -MMD -MP \
	$(if $(strip $(MALLOC_LIB)),-DMORGUE_MIMALLOC)
ALL_LDFLAGS := $(LDFLAGS) $(SANFLAGS) -Wl,--build-id


# The library: every generator/*.c except main.c and the command files.
# EXCLUDE: sources left out while a module is being written elsewhere.
EXCLUDE ?=
LIB_SRC := $(filter-out $(EXCLUDE),$(sort $(wildcard generator/util/*.c) \
	$(filter-out generator/main.c generator/cmd_%.c,$(wildcard generator/*.c))))
CMD_SRC := generator/main.c $(sort $(wildcard generator/cmd_*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/theme_data.o
CMD_OBJ := $(CMD_SRC:%.c=$(BUILD)/%.o)
THEME_FILES := $(shell find themes/default -type f ! -name '*~' 2>/dev/null | LC_ALL=C sort)

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_TIME ?= 60

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_BIN := $(BUILD)/tools/embed

.PHONY: all site check check-asan valgrind bench fuzz fuzz-bins install clean deps deps-test unit

all: morgue

morgue: $(BUILD)/morgue
	@if [ "$(BUILD)" = build ]; then ln -sf $(BUILD)/morgue morgue; fi

$(BUILD)/morgue: $(CMD_OBJ) $(BUILD)/libmorgue.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CMD_OBJ) $(BUILD)/libmorgue.a $(MALLOC_LIB) $(PKG_LIBS)

$(BUILD)/libmorgue.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The default theme is compiled into the binary so a lone `morgue` works.
$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O1 $(WARN) -o $@ $<

$(BUILD)/theme_data.c: $(TOOL_BIN) $(THEME_FILES)
	$(TOOL_BIN) themes/default $(THEME_FILES) > $@.tmp && mv $@.tmp $@

$(BUILD)/theme_data.o: $(BUILD)/theme_data.c
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libmorgue.a tests/unit/test.h tests/unit/corpus.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libmorgue.a $(ALL_LDFLAGS) $(PKG_LIBS)

unit: $(UNIT_BIN) $(BUILD)/search-driver

# drives the search index writer alone (golden tests, browser fixture)
$(BUILD)/search-driver: tests/regress/search/driver.c $(BUILD)/libmorgue.a
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< $(BUILD)/libmorgue.a $(ALL_LDFLAGS) $(PKG_LIBS)

$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/libmorgue.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -fsanitize=fuzzer -o $@ $< $(BUILD)/libmorgue.a $(ALL_LDFLAGS) $(PKG_LIBS)

fuzz-bins: $(FUZZ_BIN)

# Every fuzz target for FUZZ_TIME seconds (default 60) from the committed
# seeds; new inputs go to a scratch directory, the seeds stay as they are.
fuzz: deps-test
	@$(MAKE) --no-print-directory BUILD=build/fuzz SAN=fuzz CC=clang CFLAGS="-O1 -g" fuzz-bins
	@FUZZ_TIME=$(FUZZ_TIME) sh tests/fuzz/run.sh build/fuzz

deps:
	@sh scripts/deps.sh build

deps-test:
	@sh scripts/deps.sh test

site: deps
	@$(MAKE) --no-print-directory morgue
	./morgue build content -o public
	@echo "site: open public/index.html"

check: deps-test
	@$(MAKE) --no-print-directory morgue unit
	@BUILD=$(BUILD) sh tests/run.sh

check-asan: deps-test
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 CFLAGS="-O1 -g" build/asan/morgue unit
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		BUILD=build/asan MORGUE_SKIP_BROWSER=1 MORGUE_SKIP_FUZZ=1 MORGUE_SKIP_VALGRIND=1 sh tests/run.sh

valgrind: deps-test morgue
	@sh tests/e2e/valgrind.sh

bench: morgue $(BUILD)/annotate-bench
	@sh scripts/deps.sh bench
	@echo "== annotation throughput (10,000 articles; 100 vs 10,000 entities)"
	@$(BUILD)/annotate-bench 10000
	@sh tests/bench/run.sh

$(BUILD)/annotate-bench: tests/bench/annotate-bench.c $(BUILD)/libmorgue.a
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< $(BUILD)/libmorgue.a $(ALL_LDFLAGS) $(PKG_LIBS)

install: morgue
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 $(BUILD)/morgue $(DESTDIR)$(PREFIX)/bin/morgue
	install -m 644 docs/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 docs/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/

clean:
	rm -rf build morgue

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
