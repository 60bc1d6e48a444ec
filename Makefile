# liba2c -- see README.md.  GNU make.

VERSION_MAJOR := $(shell sed -n 's/^\#define A2C_VERSION_MAJOR \([0-9]*\).*/\1/p' include/a2c/a2c.h)
VERSION_MINOR := $(shell sed -n 's/^\#define A2C_VERSION_MINOR \([0-9]*\).*/\1/p' include/a2c/a2c.h)
VERSION_PATCH := $(shell sed -n 's/^\#define A2C_VERSION_PATCH \([0-9]*\).*/\1/p' include/a2c/a2c.h)
VERSION := $(VERSION_MAJOR).$(VERSION_MINOR).$(VERSION_PATCH)

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR ?=

CC ?= cc
AR ?= ar
CFLAGS ?= -O3 -g
# Set by `make sanitize` and by anyone who wants extra flags everywhere.
EXTRA_CFLAGS ?=
EXTRA_LDFLAGS ?=
# CI builds with WERROR=1: warnings are errors there.
WERROR ?= 0

# Required flags are appended so that a user's CFLAGS still apply.
# -ffp-contract=off: no fused multiply-add behind our back, so a seed gives
# the same numbers whatever the compiler's defaults (and Gymnasium's
# environment dynamics stay bit-comparable).  -fno-math-errno and
# -fno-trapping-math change no value (we read neither errno nor FP flags);
# they let sqrtf and compare-and-select loops vectorise.
A2C_CFLAGS := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wdouble-promotion \
              -Wstrict-prototypes -Wmissing-prototypes -ffp-contract=off \
              -fno-math-errno -fno-trapping-math -fvisibility=hidden -fPIC -Iinclude -Isrc
# Header dependencies are tracked by the compiler (-MMD -MP): touching a
# module's header rebuilds exactly the files that include it.
DEPFLAGS = -MMD -MP
ifeq ($(WERROR),1)
A2C_CFLAGS += -Werror
endif
ALL_CFLAGS = $(CFLAGS) $(A2C_CFLAGS) $(EXTRA_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(EXTRA_LDFLAGS)

# Quiet by default; `make V=1` shows the commands.
V ?= 0
ifeq ($(V),1)
Q :=
ECHO := @:
else
Q := @
ECHO := @echo
endif

BUILD ?= build
include sources.mk
SRC := $(A2C_SOURCES)
OBJ := $(SRC:src/%.c=$(BUILD)/obj/%.o)

# On x86-64 the numeric kernels are built twice more, for AVX2 and for
# AVX-512, and picked at run time (src/kernels/kernels.c); all give
# bit-identical results (docs/kernels.md).  -ffp-contract=off in A2C_CFLAGS
# keeps the FMA instructions that -mavx512f allows out of them.
ifneq ($(findstring x86_64,$(shell $(CC) -dumpmachine)),)
A2C_CFLAGS += -DA2C_HAVE_AVX2_KERNELS -DA2C_HAVE_AVX512_KERNELS
OBJ += $(BUILD)/obj/kernels/kernels_avx2.o $(BUILD)/obj/kernels/kernels_avx512.o
endif
A2C_AVX512_FLAGS := -mavx512f -mavx512vl -DA2C_KERNELS_AVX512

STATIC := $(BUILD)/liba2c.a
SONAME := liba2c.so.$(VERSION_MAJOR)
SHARED := $(BUILD)/liba2c.so.$(VERSION)

# White-box unit tests link the static library (they reach a2c__ internals);
# test_abi links the shared one, as a host would.
TEST_SRC := $(filter-out tests/test_abi.c,$(wildcard tests/test_*.c))
TESTS := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_SUPPORT := $(BUILD)/tests/harness.o $(BUILD)/tests/fixture.o
ABI_TEST := $(BUILD)/tests/test_abi
# Tests mix float and double on purpose.
TEST_CFLAGS = $(ALL_CFLAGS) -Wno-double-promotion -Isrc -Itests -DA2C_SOURCE_DIR='"$(CURDIR)"'
# Prefix for running each test, e.g. TEST_RUNNER="valgrind -q".
TEST_RUNNER ?=


.PHONY: FORCE all static shared demo bench check run-tests exports installcheck clicheck examplecheck \
        compatcheck privacycheck \
        sanitize tsan valgrind \
        install uninstall clean fixtures mutation

CLI := $(BUILD)/bin/a2c
EXAMPLES := $(patsubst examples/%.c,$(BUILD)/examples/%,$(wildcard examples/*.c))

all: static shared $(BUILD)/a2c.pc $(CLI) $(EXAMPLES)

static: $(STATIC)
shared: $(SHARED)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(ECHO) "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/obj/kernels/kernels_avx2.o: $(A2C_AVX2_SOURCES)
	@mkdir -p $(dir $@)
	$(ECHO) "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -mavx2 -DA2C_KERNELS_AVX2 -c $< -o $@

$(BUILD)/obj/kernels/kernels_avx512.o: $(A2C_AVX512_SOURCES)
	@mkdir -p $(dir $@)
	$(ECHO) "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -ffp-contract=off $(A2C_AVX512_FLAGS) -c $< -o $@

$(STATIC): $(OBJ)
	@rm -f $@
	$(ECHO) "  AR      $@"
	$(Q)$(AR) rcs $@ $(OBJ)

$(SHARED): $(OBJ) src/a2c.map
	$(ECHO) "  LD      $@"
	$(Q)$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=src/a2c.map \
	    $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(OBJ) -lm -pthread
	$(Q)ln -sf liba2c.so.$(VERSION) $(BUILD)/$(SONAME)
	$(Q)ln -sf $(SONAME) $(BUILD)/liba2c.so

# Always rewritten: it records PREFIX, which may differ between make calls.
$(BUILD)/a2c.pc: a2c.pc.in include/a2c/a2c.h FORCE
	@mkdir -p $(BUILD)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' a2c.pc.in > $@

# The command-line tool: a user of the public API, linked statically.
CLI_OBJ := $(A2C_CLI_SOURCES:tools/%.c=$(BUILD)/tools/%.o)
$(BUILD)/tools/%.o: tools/%.c
	@mkdir -p $(dir $@)
	$(ECHO) "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(CLI): $(CLI_OBJ) $(STATIC)
	@mkdir -p $(dir $@)
	$(ECHO) "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC) -lm

# Examples: complete programs a user copies, built like a user would build
# them (public header, static library).
$(BUILD)/examples/%: examples/%.c include/a2c/a2c.h $(STATIC)
	@mkdir -p $(dir $@)
	$(ECHO) "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC) -lm

# Benchmarks: `make bench` (speed is measured here, never in tests).
$(BUILD)/bench/bench: bench/bench.c $(STATIC)
	@mkdir -p $(dir $@)
	$(ECHO) "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC) -lm

$(BUILD)/bench/bench_kernels: bench/bench_kernels.c $(STATIC)
	@mkdir -p $(dir $@)
	$(ECHO) "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -Itests $(ALL_LDFLAGS) -o $@ $< $(STATIC) -lm

# liba2c's gemm against OpenBLAS's single-thread sgemm (docs/kernels.md).
# Only this program links OpenBLAS (Debian: libopenblas-dev); skipped with a
# message when it is not installed.
OPENBLAS_CFLAGS ?= $(shell pkg-config --cflags openblas 2>/dev/null)
OPENBLAS_LIBS ?= $(shell pkg-config --libs openblas 2>/dev/null || echo -lopenblas)
$(BUILD)/bench/gemm_bench: bench/gemm_bench.c $(STATIC)
	@mkdir -p $(dir $@)
	$(ECHO) "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(OPENBLAS_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(STATIC) \
	    $(OPENBLAS_LIBS) -lm

.PHONY: bench-gemm
bench-gemm: $(STATIC)
	@if printf '#include <cblas.h>\nvoid openblas_set_num_threads(int);\n%s\n' \
	    'int main(void) { openblas_set_num_threads(1); return 0; }' | \
	    $(CC) $(OPENBLAS_CFLAGS) -x c - -o /dev/null $(OPENBLAS_LIBS) >/dev/null 2>&1; then \
	    $(MAKE) --no-print-directory $(BUILD)/bench/gemm_bench && ./$(BUILD)/bench/gemm_bench; \
	else \
	    echo "bench-gemm: skipped, OpenBLAS (cblas.h, -lopenblas) not found;" \
	        "install libopenblas-dev"; \
	fi

# The health monitor's evaluation table (docs/monitor.md); about 3 minutes.
$(BUILD)/bench/monitor_eval: bench/monitor_eval.c $(STATIC)
	@mkdir -p $(dir $@)
	$(ECHO) "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC) -lm

.PHONY: monitor-eval
monitor-eval: $(BUILD)/bench/monitor_eval
	./$(BUILD)/bench/monitor_eval

bench: $(BUILD)/bench/bench $(BUILD)/bench/bench_kernels
	./$(BUILD)/bench/bench
	@echo
	./$(BUILD)/bench/bench_kernels

# Scaling with n_envs, net width and threads, against a plain-PyTorch loop
# doing the same work (docs/benchmarks.md); several minutes.  SB3_SRC and
# GYM_SRC add Stable-Baselines3 itself (bench/sb3_cartpole.py); SCALE_ARGS
# go to bench/scale.sh (`make bench-scale SCALE_ARGS="1 1 --envs 8"`).
$(BUILD)/bench/scale: bench/scale.c bench/timing.h $(STATIC)
	@mkdir -p $(dir $@)
	$(ECHO) "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC) -lm -pthread

.PHONY: bench-scale
bench-scale: $(BUILD)/bench/scale
	SCALE=$(BUILD)/bench/scale sh bench/scale.sh $(SCALE_ARGS)

# The README's first command: build, then train CartPole-v1 with the zoo's
# settings, showing progress and the result.
demo: all
	$(CLI) train --env CartPole-v1

# ---- tests ----

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(ECHO) "  CC      $@"
	$(Q)$(CC) $(TEST_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(TEST_SUPPORT) $(STATIC)
	$(ECHO) "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(TEST_SUPPORT) $(STATIC) -lm

$(ABI_TEST): tests/test_abi.c include/a2c/a2c.h tests/harness.h $(TEST_SUPPORT) $(SHARED)
	@mkdir -p $(dir $@)
	$(ECHO) "  LD      $@"
	$(Q)$(CC) $(TEST_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(TEST_SUPPORT) -L$(BUILD) -la2c \
	    -Wl,-rpath,'$$ORIGIN/..'

run-tests: $(TESTS) $(ABI_TEST)
	@failed=0; for t in $(TESTS) $(ABI_TEST); do \
	    echo "== $$t"; $(TEST_RUNNER) ./$$t || failed=1; \
	done; \
	if [ $$failed -ne 0 ]; then echo "some tests FAILED"; exit 1; fi

exports: $(SHARED)
	@sh tests/check_exports.sh $(SHARED) $(SONAME)

installcheck: all
	@sh tests/install_test.sh "$(MAKE)"

# The a2c command and the examples, run as a user runs them.
clicheck: $(CLI)
	@sh tests/test_cli.sh $(CLI)

examplecheck: $(EXAMPLES)
	@sh tests/test_examples.sh $(BUILD)/examples

# Training, evaluation and 0.1-format checkpoints bit-identical to 0.1.0
# (tests/fixtures/v0.1).
compatcheck: $(CLI)
	@sh tests/test_compat.sh $(CLI)

# Each object's struct is private to its module (docs/design.md).
privacycheck:
	@sh tests/check_privacy.sh

# Trained policies exported as C source (a2c export), each compiled alone and
# checked against the library it came from (docs/export.md).
.PHONY: exportcheck
exportcheck: $(CLI) $(STATIC)
	@sh tests/test_export.sh $(CLI) $(STATIC)

# a2c report's pages: errors, self-containment, size, and every figure drawn
# in headless Chromium through chromedriver (skipped with a message when they
# are not installed, unless REQUIRE_BROWSER=1; docs/report.md).
.PHONY: reportcheck
reportcheck: $(CLI)
	@sh tests/test_report.sh $(CLI)

# The Python binding (bindings/python): its pytest suite against the shared
# library just built.  Skipped, with a message, when $(PYTHON) lacks numpy or
# pytest (Debian: python3-numpy, python3-pytest).
# Debian's interpreter first: it is the one with python3-numpy and
# python3-pytest (a pyenv or venv python3 earlier on PATH may lack them).
PYTHON ?= $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || echo python3)
.PHONY: pycheck
pycheck: shared
	@if $(PYTHON) -c "import numpy, pytest" 2>/dev/null; then \
	    A2C_LIBRARY="$(abspath $(BUILD))/liba2c.so" PYTHONDONTWRITEBYTECODE=1 \
	        $(PYTHON) -m pytest -q -p no:cacheprovider bindings/python/tests; \
	else \
	    echo "pycheck: skipped: $(PYTHON) cannot import numpy and pytest"; \
	fi

check: all run-tests exports privacycheck installcheck clicheck compatcheck examplecheck \
       exportcheck reportcheck pycheck cscheck
	@echo "make check: all tests passed"

# The ABI against the last release's, abi/liba2c-0.1.0.abi, with libabigail's
# abidiff (Debian's abigail-tools): additions pass, anything else fails
# unless the SONAME and CHANGELOG.md declare the break (abi/README.md).
# The library is built with -g (abidiff reads its DWARF) in its own tree.
ABI_BASELINE ?= abi/liba2c-0.1.0.abi
ABI_BUILD := $(BUILD)/abi
.PHONY: abi-check
abi-check:
	$(Q)$(MAKE) --no-print-directory BUILD=$(ABI_BUILD) CFLAGS="$(CFLAGS) -g" shared
	@sh tests/abi_check.sh $(ABI_BUILD)/liba2c.so $(ABI_BASELINE)

# The C# binding (bindings/csharp/) under Mono: compile A2C.cs with the
# example/test program and run its checks against this tree's liba2c.so.
# Skipped, successfully, when Debian's mono-mcs / mono-runtime are absent.
CS_EXE := $(BUILD)/csharp/a2c_example.exe
.PHONY: cscheck
cscheck: shared
	@if ! command -v mcs >/dev/null 2>&1 || ! command -v mono >/dev/null 2>&1; then \
	    echo "cscheck: skipped (mcs or mono not installed: apt-get install mono-mcs mono-runtime)"; \
	else \
	    mkdir -p $(BUILD)/csharp && \
	    mcs -nologo -warn:4 -warnaserror -out:$(CS_EXE) \
	        bindings/csharp/A2C.cs bindings/csharp/Example.cs && \
	    LD_LIBRARY_PATH=$(abspath $(BUILD))$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH} \
	        mono --debug $(CS_EXE) test; \
	fi

# The whole suite again under AddressSanitizer and UBSan, in its own tree.
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
sanitize:
	$(MAKE) BUILD=build/sanitize CFLAGS="-O1 -g" EXTRA_CFLAGS="$(SANITIZE_FLAGS)" \
	    EXTRA_LDFLAGS="$(SANITIZE_FLAGS)" WERROR=$(WERROR) run-tests

# The trainer's thread pool (its own loop and a host's push loop) under ThreadSanitizer.
TSAN_FLAGS := -fsanitize=thread
tsan:
	$(MAKE) BUILD=build/tsan CFLAGS="-O1 -g" \
	    EXTRA_CFLAGS="$(TSAN_FLAGS)" \
	    EXTRA_LDFLAGS="$(TSAN_FLAGS)" WERROR=$(WERROR) build/tsan/tests/test_trainer \
	    build/tsan/tests/test_threads build/tsan/tests/test_push
	./build/tsan/tests/test_trainer
	./build/tsan/tests/test_threads
	./build/tsan/tests/test_push

valgrind:
	$(MAKE) BUILD=build/valgrind CFLAGS="-O1 -g" WERROR=$(WERROR) \
	    TEST_RUNNER="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all" \
	    run-tests

# Proves the tests can fail: one deliberate bug at a time must turn them red.
mutation:
	sh tests/mutation_test.sh

# Regenerates tests/fixtures from PyTorch (needs Debian's python3-torch).
fixtures:
	/usr/bin/python3 tests/reference/gen_fixtures.py

# ---- fuzzing (libFuzzer; docs/fuzzing.md) ----

# `make fuzz` builds every target of fuzz/ with clang's libFuzzer, ASan and
# UBSan in build/fuzz/ (whatever BUILD is) and runs each for FUZZ_SECONDS
# on a fresh copy of its seeds, fuzz/corpus/<target>, in
# build/fuzz/corpus/<target>; fuzz/corpus itself is never written.  Crashes
# go to build/fuzz/artifacts/, logs to build/fuzz/logs/.  FUZZ_TARGETS
# picks some targets; FUZZ_DEFS adds -D switches of the targets (e.g.
# -DFUZZ_NO_MEMORY_BOUND); FUZZ_ARGS adds libFuzzer options.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= fuzz_net_load fuzz_trainer_load fuzz_config_text fuzz_cli_flags
FUZZ_DEFS ?=
FUZZ_ARGS ?=
FUZZ_BUILD := build/fuzz
FUZZ_SAN := address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# The library's own flags, the AVX2 and AVX-512 switches decided below from
# FUZZ_CC.
FUZZ_KERNEL_SWITCHES := -DA2C_HAVE_AVX2_KERNELS -DA2C_HAVE_AVX512_KERNELS
FUZZ_CFLAGS := -g -O1 $(filter-out $(FUZZ_KERNEL_SWITCHES),$(A2C_CFLAGS))
FUZZ_OBJ := $(A2C_SOURCES:src/%.c=$(FUZZ_BUILD)/obj/%.o)
ifneq ($(findstring x86_64,$(shell $(FUZZ_CC) -dumpmachine 2>/dev/null)),)
FUZZ_CFLAGS += $(FUZZ_KERNEL_SWITCHES)
FUZZ_OBJ += $(FUZZ_BUILD)/obj/kernels/kernels_avx2.o $(FUZZ_BUILD)/obj/kernels/kernels_avx512.o
endif
# The CLI's parsing, with fail() jumping back to the target (A2C_CLI_FUZZ).
FUZZ_CLI_OBJ := $(addprefix $(FUZZ_BUILD)/tools/a2c/,common.o train.o presets.o runlog.o)
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/bin/%)

.PHONY: fuzz fuzz-smoke fuzz-build

$(FUZZ_BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(ECHO) "  CC      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) $(DEPFLAGS) -c $< -o $@

$(FUZZ_BUILD)/obj/kernels/kernels_avx2.o: $(A2C_AVX2_SOURCES)
	@mkdir -p $(dir $@)
	$(ECHO) "  CC      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) $(DEPFLAGS) \
	    -mavx2 -DA2C_KERNELS_AVX2 -c $< -o $@

$(FUZZ_BUILD)/obj/kernels/kernels_avx512.o: $(A2C_AVX512_SOURCES)
	@mkdir -p $(dir $@)
	$(ECHO) "  CC      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) $(DEPFLAGS) \
	    -ffp-contract=off $(A2C_AVX512_FLAGS) -c $< -o $@

$(FUZZ_BUILD)/tools/%.o: tools/%.c
	@mkdir -p $(dir $@)
	$(ECHO) "  CC      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -DA2C_CLI_FUZZ \
	    $(DEPFLAGS) -c $< -o $@

# Rewritten only when FUZZ_DEFS changes, so that the targets rebuild then.
$(FUZZ_BUILD)/defs: FORCE
	@mkdir -p $(dir $@)
	@echo '$(FUZZ_DEFS)' | cmp -s - $@ || echo '$(FUZZ_DEFS)' > $@

$(FUZZ_BUILD)/bin/fuzz_cli_flags: $(FUZZ_CLI_OBJ)
$(FUZZ_BUILD)/bin/fuzz_cli_flags: FUZZ_TARGET_FLAGS = -DA2C_CLI_FUZZ -Itools/a2c $(FUZZ_CLI_OBJ)
$(FUZZ_BUILD)/bin/%: fuzz/%.c $(FUZZ_OBJ) $(FUZZ_BUILD)/defs
	@mkdir -p $(dir $@)
	$(ECHO) "  LD      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) $(FUZZ_DEFS) $(DEPFLAGS) \
	    -o $@ $< $(FUZZ_TARGET_FLAGS) $(FUZZ_OBJ) -lm -pthread

fuzz-build: $(FUZZ_BINS)

# Each target replays its regression inputs, tests/fixtures/fuzz/<target>-*,
# then runs on a fresh working corpus; prints libFuzzer's last status line
# (#runs, cov, ft, corp, exec/s) and fails if any target crashed.
fuzz: fuzz-build
	@mkdir -p $(FUZZ_BUILD)/artifacts $(FUZZ_BUILD)/logs; status=0; \
	for t in $(FUZZ_TARGETS); do \
	    work=$(FUZZ_BUILD)/corpus/$$t; log=$(FUZZ_BUILD)/logs/$$t.log; \
	    rm -rf $$work; mkdir -p $$work; cp fuzz/corpus/$$t/* $$work/; \
	    echo "== $$t: $(FUZZ_SECONDS) s, $$(ls $$work | wc -l) seeds"; \
	    for input in tests/fixtures/fuzz/$$t-*; do \
	        [ -f "$$input" ] || continue; \
	        ./$(FUZZ_BUILD)/bin/$$t $$input >$$log.regression 2>&1 && continue; \
	        status=1; tail -n 30 $$log.regression; \
	        echo "$$t: the regression input $$input still crashes"; \
	    done; \
	    if ./$(FUZZ_BUILD)/bin/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=60 \
	        -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t- \
	        $(FUZZ_ARGS) $$work >$$log 2>&1; then \
	        grep '^#[0-9]*[[:space:]]*DONE' $$log | tail -n 1; \
	    else \
	        status=1; grep -v '^stat::' $$log | tail -n 30; \
	        echo "$$t: CRASHED, see $$log and $(FUZZ_BUILD)/artifacts/"; \
	    fi; \
	    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' $$log; \
	    echo "corpus: $$(ls $$work | wc -l) inputs, $$(du -sk $$work | cut -f1) KiB"; \
	done; exit $$status

# One minute per target, for CI.
fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=60

# The fuzz objects' header dependencies, wherever BUILD points.
-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)

# ---- install ----

install: all
	install -d $(DESTDIR)$(INCLUDEDIR)/a2c $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 include/a2c/a2c.h $(DESTDIR)$(INCLUDEDIR)/a2c/a2c.h
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/liba2c.a
	install -m 755 $(SHARED) $(DESTDIR)$(LIBDIR)/liba2c.so.$(VERSION)
	ln -sf liba2c.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/liba2c.so
	install -m 644 $(BUILD)/a2c.pc $(DESTDIR)$(PKGCONFIGDIR)/a2c.pc

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/a2c/a2c.h $(DESTDIR)$(LIBDIR)/liba2c.a \
	    $(DESTDIR)$(LIBDIR)/liba2c.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/liba2c.so $(DESTDIR)$(PKGCONFIGDIR)/a2c.pc
	-rmdir $(DESTDIR)$(INCLUDEDIR)/a2c 2>/dev/null

clean:
	rm -rf build

FORCE:

# Keep test objects between runs.
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- MPI companion ----
# liba2c_mpi (include/a2c/a2c_mpi.h, src/mpi/a2c_mpi.c): data-parallel training
# over MPI through the core's gradient reducer, and build/bin/a2c-mpi, the a2c
# command built again with -DA2C_CLI_MPI (docs/mpi.md).  Only `make mpi` builds
# them, with MPICC (Debian: openmpi-bin libopenmpi-dev): the core stays C11 +
# libm.  `make mpicheck` runs tests/mpi/run.sh under mpirun.  mpi.h compiles
# cleanly with the core's warnings, so this code is held to them too.
MPICC ?= mpicc
MPI_BUILD := $(BUILD)/mpi
MPI_STATIC := $(BUILD)/liba2c_mpi.a
MPI_SONAME := liba2c_mpi.so.$(VERSION_MAJOR)
MPI_SHARED := $(BUILD)/liba2c_mpi.so.$(VERSION)
MPI_CLI := $(BUILD)/bin/a2c-mpi
MPI_CLI_OBJ := $(A2C_CLI_SOURCES:tools/%.c=$(MPI_BUILD)/tools/%.o)
MPI_TEST := $(MPI_BUILD)/tests/test_mpi

.PHONY: mpi mpi-build mpicheck install-mpi uninstall-mpi

mpi:
	@command -v $(MPICC) >/dev/null 2>&1 || { \
	    echo "make mpi: '$(MPICC)' not found: install an MPI (Debian: apt-get install" \
	        "openmpi-bin libopenmpi-dev) or set MPICC" >&2; exit 1; }
	$(Q)$(MAKE) --no-print-directory mpi-build

mpi-build: $(MPI_STATIC) $(MPI_SHARED) $(BUILD)/a2c_mpi.pc $(MPI_CLI) $(MPI_TEST)

$(MPI_BUILD)/obj/a2c_mpi.o: src/mpi/a2c_mpi.c
	@mkdir -p $(dir $@)
	$(ECHO) "  MPICC   $@"
	$(Q)$(MPICC) $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(MPI_STATIC): $(MPI_BUILD)/obj/a2c_mpi.o
	@rm -f $@
	$(ECHO) "  AR      $@"
	$(Q)$(AR) rcs $@ $<

$(MPI_SHARED): $(MPI_BUILD)/obj/a2c_mpi.o $(SHARED)
	$(ECHO) "  LD      $@"
	$(Q)$(MPICC) -shared -Wl,-soname,$(MPI_SONAME) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< \
	    -L$(BUILD) -la2c
	$(Q)ln -sf liba2c_mpi.so.$(VERSION) $(BUILD)/$(MPI_SONAME)
	$(Q)ln -sf $(MPI_SONAME) $(BUILD)/liba2c_mpi.so

$(BUILD)/a2c_mpi.pc: a2c_mpi.pc.in include/a2c/a2c.h FORCE
	@mkdir -p $(BUILD)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' a2c_mpi.pc.in > $@

$(MPI_BUILD)/tools/%.o: tools/%.c
	@mkdir -p $(dir $@)
	$(ECHO) "  MPICC   $@"
	$(Q)$(MPICC) $(ALL_CFLAGS) -DA2C_CLI_MPI $(DEPFLAGS) -c $< -o $@

$(MPI_CLI): $(MPI_CLI_OBJ) $(MPI_STATIC) $(STATIC)
	@mkdir -p $(dir $@)
	$(ECHO) "  LD      $@"
	$(Q)$(MPICC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(MPI_CLI_OBJ) $(MPI_STATIC) $(STATIC) -lm

$(MPI_TEST): tests/mpi/test_mpi.c include/a2c/a2c_mpi.h $(MPI_STATIC) $(STATIC)
	@mkdir -p $(dir $@)
	$(ECHO) "  LD      $@"
	$(Q)$(MPICC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(MPI_STATIC) $(STATIC) -lm

# The sub-makes run one after the other: the core's objects are built once.
mpicheck: mpi
	$(Q)$(MAKE) --no-print-directory $(CLI)
	@sh tests/mpi/run.sh $(BUILD)

install-mpi: mpi
	$(Q)$(MAKE) --no-print-directory install
	install -d $(DESTDIR)$(INCLUDEDIR)/a2c $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 include/a2c/a2c_mpi.h $(DESTDIR)$(INCLUDEDIR)/a2c/a2c_mpi.h
	install -m 644 $(MPI_STATIC) $(DESTDIR)$(LIBDIR)/liba2c_mpi.a
	install -m 755 $(MPI_SHARED) $(DESTDIR)$(LIBDIR)/liba2c_mpi.so.$(VERSION)
	ln -sf liba2c_mpi.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(MPI_SONAME)
	ln -sf $(MPI_SONAME) $(DESTDIR)$(LIBDIR)/liba2c_mpi.so
	install -m 644 $(BUILD)/a2c_mpi.pc $(DESTDIR)$(PKGCONFIGDIR)/a2c_mpi.pc

uninstall-mpi:
	rm -f $(DESTDIR)$(INCLUDEDIR)/a2c/a2c_mpi.h $(DESTDIR)$(LIBDIR)/liba2c_mpi.a \
	    $(DESTDIR)$(LIBDIR)/liba2c_mpi.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(MPI_SONAME) \
	    $(DESTDIR)$(LIBDIR)/liba2c_mpi.so $(DESTDIR)$(PKGCONFIGDIR)/a2c_mpi.pc
