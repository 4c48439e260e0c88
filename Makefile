# gallery: the two commands a newcomer needs are `make demo` and `make test`; both install what they need.
SWIFT ?= swift
# Debian packages the build, the tests and the demo need. Checked with dpkg first, so setup is idempotent.
APT_PACKAGES := libcurl4-openssl-dev libjpeg-dev pkg-config nginx-light tmux python3 openssl
BENCH_PACKAGES := curl libjpeg-turbo-progs time

.PHONY: all setup setup-bench build release test demo bench fuzz format lint clean

all: build

setup:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

setup-bench: setup
	@missing=$$(for p in $(BENCH_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --product gallery
	$(SWIFT) build -c release --product make-demo-jpegs

# Timing-sensitive suites are marked .serialized in the code; the runner itself may run suites in parallel.
test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Ten ~15 MB JPEGs from a local nginx at RATE bytes/s per connection (default 4 MiB/s), shown as they finish.
demo: release
	@RATE=$(RATE) scripts/demo

bench: release setup-bench
	@RATE=$(RATE) scripts/bench

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

clean:
	rm -rf .build Fixtures/demo
