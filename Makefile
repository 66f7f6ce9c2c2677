# Thin wrapper around CMake: `make demo` and `make test` set everything up.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 30

.PHONY: all deps build demo test asan fuzz format clean

all: build

deps:
	@./scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@rm -f oomsift.db oomsift.db-wal oomsift.db-shm
	@# dmesg captures carry no host name: each host's directory names it
	./$(BUILD)/oomsift ingest --db oomsift.db --host-from 'fleet/(?<host>[^/]+)/' --year 2026 examples/fleet
	./$(BUILD)/oomsift query --db oomsift.db \
	  "SELECT id, host, ts, kind, victim_comm, victim_rss_kb, cause FROM oom_events ORDER BY ts_unix, id"
	@# one of them in full: the first cgroup-limit kill
	./$(BUILD)/oomsift show --db oomsift.db $$(./$(BUILD)/oomsift query --db oomsift.db -f csv \
	  "SELECT min(id) FROM oom_events WHERE kind = 'memcg_oom'" | tail -n 1 | tr -d '\r')
	@# the fleet's week as a report (also -f markdown, json or html -o report.html)
	./$(BUILD)/oomsift report --db oomsift.db --week 2026-W46

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Every test under ASan+UBSan; LeakSanitizer (part of ASan) fails any process
# that leaks, including each oomsift the e2e scripts run.
asan:
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(MAKE) --no-print-directory test BUILD=build-asan \
	  CMAKE_FLAGS="-DOOMSIFT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"

# libFuzzer targets (docs/testing.md, "Fuzzing"): the crash regressions, then
# FUZZ_SECONDS of fuzzing per target; fails on any crash, leak or hang.
fuzz: deps
	@CC=clang cmake -S . -B build-fuzz -DOOMSIFT_FUZZ=ON -DOOMSIFT_TESTS=OFF >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzz_targets
	@./fuzz/run.sh -b build-fuzz -t $(FUZZ_SECONDS)

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) build-asan build-fuzz
