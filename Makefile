# Moa: the two commands. `make run` installs what is missing, builds, prepares var/moa.db with
# demo data and starts the server; `make test` builds with ASan+UBSan and runs every test (ctest).
# `make bench` builds optimized and runs every benchmark.

BUILD_DEPS := build-essential cmake pkg-config libwebsockets-dev libsrtp2-dev libssl-dev \
              libsqlite3-dev libjansson-dev libcmocka-dev openssl
RUN_DEPS   := nodejs npm
TEST_DEPS  := chromium fonts-noto-cjk python3 python3-aiortc python3-websockets python3-icalendar iproute2 curl nftables
BENCH_DEPS := janus

LISTEN ?= 127.0.0.1:8080
DB     ?= var/moa.db
JOBS   ?= $(shell nproc)

.PHONY: run test bench build build-asan deps deps-test deps-bench node-deps clean help

help:
	@echo "make run    install missing packages, build, create $(DB) with demo data, start on http://$(LISTEN)"
	@echo "make test   build with AddressSanitizer+UBSan and run every test through ctest"
	@echo "make bench  build optimized and run every benchmark in bench/"

deps:
	@sh tools/ensure-packages.sh $(BUILD_DEPS)

deps-test: deps
	@sh tools/ensure-packages.sh $(RUN_DEPS) $(TEST_DEPS)

deps-bench: deps-test
	@sh tools/ensure-packages.sh $(BENCH_DEPS)

node-deps: package-lock.json
	@if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --no-audit --no-fund; fi

build: deps
	@cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build/release -j$(JOBS) --target moa

build-asan: deps-test node-deps
	@cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DMOA_SANITIZE=ON >/dev/null
	@cmake --build build/asan -j$(JOBS)

run: build
	@mkdir -p var
	@build/release/moa db init --db $(DB) --demo
	@echo "Moa at http://$(LISTEN)  (demo logins: see README.md, password 'moa-demo-2025')"
	@build/release/moa --listen $(LISTEN) --db $(DB) --static web-static

test: build-asan
	@mkdir -p build/screenshots
	@cd build/asan && ctest --output-on-failure -j2 --timeout 900

bench: deps-bench node-deps
	@cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build/bench -j$(JOBS)
	@sh bench/run.sh build/bench

clean:
	rm -rf build
