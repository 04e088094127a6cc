# Moa: the two commands. `make run` installs what is missing, builds, prepares var/moa.db with
# demo data and starts the server; `make test` builds with ASan+UBSan and runs every test (ctest).
# `make bench` builds optimized and runs every benchmark.
# `make run TURN=0` leaves out the coturn relay (TURN over TLS) that `make run` starts beside Moa.

BUILD_DEPS := build-essential cmake pkg-config libwebsockets-dev libsrtp2-dev libssl-dev \
              libsqlite3-dev libjansson-dev libcmocka-dev libxml2-dev libcurl4-openssl-dev openssl \
              libavformat-dev libavcodec-dev libavutil-dev zlib1g-dev libipsec-mb-dev
# libipsec-mb-dev: SRTP's AES-128-GCM (gateway/rtc/srtp_gcm.c says why, with figures).
RUN_DEPS   := nodejs npm ffmpeg
# ffmpeg: the server runs it for a recording's composite file (docs/RECORDING.md); `make run` installs it.
MEDIA_DEPS := ffmpeg
TURN_DEPS  := coturn
# clang-format: the lint_format test (tools/check_format.sh, .clang-format; Debian's is version 14).
# strace: integration_ws_send counts the server's send()s per WebSocket write.
TEST_DEPS  := chromium fonts-noto-cjk python3 python3-aiortc python3-websockets python3-icalendar iproute2 curl \
              coturn nftables ffmpeg sqlite3 clang-format strace
# make bench only: Janus (bench/bench_forward_janus.mjs runs its VideoRoom beside Moa; root, as bench_join).
BENCH_DEPS := janus
# make fuzz only: clang and its libFuzzer runtime (libclang_rt.fuzzer, Debian's libclang-rt-14-dev).
# make test replays the fuzz corpus with gcc and needs neither.
FUZZ_DEPS  := clang-14 libclang-rt-14-dev

LISTEN ?= 127.0.0.1:8080
ARGS   ?=
DB     ?= var/moa.db
JOBS   ?= $(shell nproc)
TURN      ?= 1
TURN_PORT ?= 5349
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1

.PHONY: run test bench fuzz build build-asan build-fuzz deps deps-test deps-bench deps-fuzz node-deps clean help

help:
	@echo "make run    install missing packages, build, create $(DB) with demo data, start on http://$(LISTEN)"
	@echo "           in the foreground (Ctrl-C stops it); LISTEN=ADDR:PORT another address, ARGS='...' more moa"
	@echo "           options (moa --help; docs/OPERATIONS.md)"
	@echo "           with coturn (TURN over TLS) on 127.0.0.1:$(TURN_PORT) beside it; TURN=0 leaves coturn out"
	@echo "make test   build with AddressSanitizer+UBSan and run every test through ctest"
	@echo "make bench  build optimized and run every benchmark in bench/"
	@echo "make fuzz   build the libFuzzer targets (clang) and run each for FUZZ_SECONDS=$(FUZZ_SECONDS)," \
	      "FUZZ_JOBS=$(FUZZ_JOBS) at a time (docs/FUZZING.md)"

deps:
	@sh tools/ensure-packages.sh $(BUILD_DEPS)

deps-test: deps
	@sh tools/ensure-packages.sh $(RUN_DEPS) $(TEST_DEPS)

deps-bench: deps-test
	@sh tools/ensure-packages.sh $(BENCH_DEPS)

deps-fuzz: deps
	@sh tools/ensure-packages.sh $(FUZZ_DEPS)

node-deps: package-lock.json
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --no-audit --no-fund; fi

build: deps
	@cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build/release -j$(JOBS) --target moa

build-asan: deps-test node-deps
	@cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DMOA_SANITIZE=ON >/dev/null
	@cmake --build build/asan -j$(JOBS)

build-fuzz: deps-fuzz
	@cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang-14 -DCMAKE_BUILD_TYPE= -DMOA_FUZZ=ON >/dev/null
	@cmake --build build/fuzz -j$(JOBS) --target fuzz_all

fuzz: build-fuzz
	@sh tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS) $(FUZZ_JOBS)

run: build
	@sh tools/ensure-packages.sh $(MEDIA_DEPS)
	@if [ "$(TURN)" != 0 ]; then sh tools/ensure-packages.sh $(TURN_DEPS); fi
	@mkdir -p var
	@build/release/moa db init --db $(DB) --demo > var/db-init.log 2>&1 || { cat var/db-init.log; exit 1; }
	@sh tools/load-programmes.sh build/release/moa $(DB) >> var/db-init.log 2>&1 || { cat var/db-init.log; exit 1; }
	@sh tools/run-demo.sh build/release/moa $(LISTEN) $(DB) $(TURN) $(TURN_PORT) $(ARGS)

test: build-asan
	@mkdir -p build/screenshots
	@cd build/asan && ctest --output-on-failure -j2 --timeout 900

bench: deps-bench node-deps
	@cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build/bench -j$(JOBS)
	@sh bench/run.sh build/bench

clean:
	rm -rf build
