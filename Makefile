# deepnb: Go deep-learning lecture notebooks.
#   make notebook   build the pinned kernel, install the Go (deepnb) kernelspec, start Jupyter
#   make test       everything CI runs
SHELL := /bin/bash
GO ?= go
# The tests execute notebooks through the real kernel and Jupyter; give them room.
TEST_TIMEOUT ?= 45m

.PHONY: all test test-fresh test-short vet prepare notebook install doctor bench fuzz clean

all: test

## install: download every module cells need (while online), build GoNB, goimports, gopls and the
## go wrapper into .bin/, install the Go (deepnb) kernelspec and prove a cell builds offline.
install:
	$(GO) run ./kernel/cmd/deepnb install

## prepare: build the pinned kernel programs and pre-warm the Go build cache, with the
## kernelspec in .bin/jupyter (the tests install their own into temporary folders).
prepare:
	$(GO) run ./kernel/cmd/deepnb install --prefix $(CURDIR)/.bin/jupyter

## doctor: check the Go toolchain, the pinned tools, the kernelspec and Jupyter; print fixes.
doctor:
	$(GO) run ./kernel/cmd/deepnb doctor

## notebook: install the kernel and start Jupyter on notebooks/ at 127.0.0.1.
notebook: install
	@command -v jupyter >/dev/null 2>&1 || { \
	  echo "Jupyter is not installed. Install it with:"; \
	  echo "    sudo apt-get install -y jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client"; \
	  echo "(or: python3 -m pip install notebook) and run 'make notebook' again."; exit 1; }
	jupyter notebook --ip=127.0.0.1 --no-browser --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

## test-fresh: the fresh-machine path with empty Go caches in temporary folders: deepnb install,
## deepnb doctor and the welcome notebook run headlessly (scripts/test-fresh.sh).
test-fresh:
	scripts/test-fresh.sh

## test: the fresh-machine path, vet, then every package's tests (with the normal Go caches),
## including the notebooks executed headlessly through the Go runner, Jupyter's nbconvert and a
## headless browser.
test: test-fresh vet prepare
	$(GO) test -timeout $(TEST_TIMEOUT) ./...
	$(MAKE) fuzz
	cd kernel/tools && $(GO) vet ./...

## test-short: the fast unit tests only (no kernel, no notebooks, no browser).
test-short:
	$(GO) test -short ./...

## fuzz: every fuzz target in scripts/fuzz.targets for a bounded time (FUZZ_TOTAL, ~90 s in all).
fuzz:
	scripts/fuzz.sh

## bench: the six reference workloads in Go and PyTorch, side by side (see scripts/bench.sh).
bench:
	scripts/bench.sh

clean:
	rm -rf .bin artifacts
