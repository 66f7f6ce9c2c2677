# Thin wrapper around CMake: `make demo` and `make test` set everything up.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps build demo test asan format clean

all: build

deps:
	@./scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@rm -f oomsift.db oomsift.db-wal oomsift.db-shm
	./$(BUILD)/oomsift ingest --db oomsift.db examples/fleet
	./$(BUILD)/oomsift query --db oomsift.db \
	  "SELECT id, host, ts, kind, trigger_comm, victim_pid, victim_comm, victim_rss_kb, complete FROM oom_events ORDER BY ts_unix, id"
	./$(BUILD)/oomsift show --db oomsift.db 1

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan:
	@$(MAKE) --no-print-directory test BUILD=build-asan CMAKE_FLAGS="-DOOMSIFT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) build-asan
