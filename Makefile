# One entry point for people and CI: `make start` and `make test` set up everything they need.
# corepack's bundled signing keys lag pnpm releases; the sha512 in packageManager still pins the download.
export COREPACK_INTEGRITY_KEYS := 0
export COREPACK_ENABLE_DOWNLOAD_PROMPT := 0
# So a direct `make -C packages/bpf-core` finds tsc and node-gyp as `pnpm run` would.
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/packages/bpf-core/node_modules/.bin:$(PATH)

.PHONY: bootstrap check build start test bench clean

bootstrap:
	bash scripts/bootstrap.sh

build: bootstrap
	pnpm -r run build

start: build
	apps/agent/bin/bpfscope-agent --print-token

# Format, lint and typecheck need no build (packages resolve each other's sources): they fail fast.
check: bootstrap
	pnpm run check

test: check build
	pnpm -r --workspace-concurrency=1 run test

bench: build
	pnpm bench

clean:
	rm -rf apps/agent/dist apps/web/dist packages/charts/dist
	$(MAKE) -C packages/bpf-core clean
