# gallery: the two commands a newcomer needs are `make demo` and `make test`; both install what they need.
SWIFT ?= $(shell command -v swift || echo /opt/swift/usr/bin/swift)
# Debian packages the build, the tests and the demo need. Checked with dpkg first, so setup is idempotent.
# The decoders link libpng, libwebp and giflib; the format tests decode their fixtures again with netpbm's
# pngtopam, webp's dwebp/cwebp and ImageMagick's convert for reference. The text-cell test in xterm scores real
# illustrations from KDE's wallpapers, which a photo fixture alone would not represent.
APT_PACKAGES := libcurl4-openssl-dev libjpeg-dev pkg-config nginx-light tmux python3 openssl \
	xvfb xterm kitty x11-apps xfonts-base zsh fish \
	libpng-dev libwebp-dev libgif-dev netpbm webp imagemagick plasma-workspace-wallpapers
BENCH_PACKAGES := curl libjpeg-turbo-progs time chafa python3-skimage imagemagick fonts-dejavu-core \
	ukui-wallpapers netpbm webp

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

# The Swift runtime is linked into the binaries (--static-swift-stdlib): loading and binding its shared libraries
# took about 3 ms of every start, and time to the first image is what gallery is judged by. libcurl, libjpeg and
# libc stay shared, from Debian.
RELEASE := $(SWIFT) build -c release --static-swift-stdlib

release: setup
	$(RELEASE) --product gallery
	$(RELEASE) --product make-demo-jpegs
	$(RELEASE) --product fetch-bench

# libFuzzer over the JPEG shim's feed API (Fuzz/fuzz_jpeg_feed.c), built outside SwiftPM with the toolchain's
# clang so normal builds are unaffected. Crashes land in .build/fuzz/artifacts/; see Fuzz/README.md.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= $(shell command -v clang || echo /opt/swift/usr/bin/clang)
FUZZ_BIN := .build/fuzz/fuzz-jpeg-feed
FUZZ_BUILD = mkdir -p .build/fuzz/corpus .build/fuzz/artifacts && $(FUZZ_CC) -g -O1 -fuse-ld=lld \
	-fsanitize=fuzzer,address -ISources/JPEGShim/include Fuzz/fuzz_jpeg_feed.c Sources/JPEGShim/JPEGShim.c \
	$$(pkg-config --cflags --libs libjpeg) -o $(FUZZ_BIN)
# One more target per format shim, as format:Shim:pkg-config name; each has its corpus in Fuzz/corpus-<format>.
FORMAT_FUZZERS := png:PNGShim:libpng webp:WebPShim:libwebp gif:GIFShim:libgif
FORMAT_FUZZ_EACH = for spec in $(FORMAT_FUZZERS); do \
	  f=$${spec%%:*}; rest=$${spec\#*:}; shim=$${rest%%:*}; lib=$${rest\#*:}; bin=.build/fuzz/fuzz-$$f-feed;
FORMAT_FUZZ_BUILD = mkdir -p .build/fuzz/artifacts && $(FORMAT_FUZZ_EACH) \
	  $(FUZZ_CC) -g -O1 -fuse-ld=lld -fsanitize=fuzzer,address -ISources/$$shim/include Fuzz/fuzz_$${f}_feed.c \
	    Sources/$$shim/$$shim.c $$(pkg-config --cflags --libs $$lib) -o $$bin || exit 1; done

# Suites run one after another (--no-parallel, about 70 s here): several assert orderings and hang deadlines
# against real servers, and two cores shared by every suite at once made one of them flaky.
# The fuzz corpus replays first (fixed seed and run count, a few seconds) so the test runner's summary ends the log.
# `make lint` (swift format, .swift-format) goes first: code that does not lint does not land.
test: setup lint
	$(FUZZ_BUILD) && rm -rf .build/fuzz/replay && mkdir .build/fuzz/replay && $(FUZZ_BIN) -seed=1 -runs=3000 \
		-max_len=65536 -artifact_prefix=.build/fuzz/artifacts/ .build/fuzz/replay Fuzz/corpus
	$(FORMAT_FUZZ_BUILD)
	$(FORMAT_FUZZ_EACH) rm -rf .build/fuzz/replay-$$f && mkdir .build/fuzz/replay-$$f && $$bin -seed=1 -runs=3000 \
		-max_len=65536 -artifact_prefix=.build/fuzz/artifacts/ .build/fuzz/replay-$$f Fuzz/corpus-$$f || exit 1; done
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel

# Ten ~15 MB JPEGs from a local nginx at RATE bytes/s per connection (default 4 MiB/s), shown as they finish.
demo: release
	@RATE=$(RATE) scripts/demo

bench: release setup-bench
	@RATE=$(RATE) /usr/bin/python3 scripts/bench

# Open-ended fuzzing for FUZZ_SECONDS (default 60) per target, seeded with the committed corpora and the fixtures.
fuzz: setup
	$(FUZZ_BUILD)
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -artifact_prefix=.build/fuzz/artifacts/ \
		.build/fuzz/corpus Fuzz/corpus Fixtures/jpeg/good Fixtures/jpeg/bad
	$(FORMAT_FUZZ_BUILD)
	$(FORMAT_FUZZ_EACH) mkdir -p .build/fuzz/corpus-$$f && $$bin -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-artifact_prefix=.build/fuzz/artifacts/ .build/fuzz/corpus-$$f Fuzz/corpus-$$f Fixtures/$$f/good \
		Fixtures/$$f/bad || exit 1; done

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

clean:
	rm -rf .build Fixtures/demo
