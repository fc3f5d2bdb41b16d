#!/usr/bin/env bash
# The fresh-machine check (`make test-fresh`, part of `make test`): with EMPTY Go module and build
# caches in temporary folders, as a student's new laptop or a new CI machine has them, run
# `deepnb install` (downloads every module cells need through the Go module proxy, builds the
# kernel, proves a probe cell builds offline), `deepnb doctor`, and the welcome notebook headlessly
# through the kernel, which runs with GOPROXY=off. Fails if any of them fails. Needs the Go module
# proxy and Jupyter's kernelspec folders (no Jupyter server). The caches are removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d "${TMPDIR:-/tmp}/deepnb-fresh.XXXXXX")
cleanup() { chmod -R u+w "$tmp" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
export GOMODCACHE=$tmp/gomodcache GOCACHE=$tmp/gocache GOFLAGS=-modcacherw
deepnb() { go run ./kernel/cmd/deepnb "$@"; }

t0=$SECONDS
echo "test-fresh: empty GOMODCACHE=$GOMODCACHE and GOCACHE=$GOCACHE"
deepnb install --prefix "$tmp/jupyter"
t1=$SECONDS
deepnb doctor --prefix "$tmp/jupyter"
JUPYTER_PATH=$tmp/jupyter/share/jupyter deepnb run notebooks/00-welcome.ipynb --out "$tmp/00-welcome.ipynb"
t2=$SECONDS
echo "test-fresh: passed in $((t2 - t0))s (install $((t1 - t0))s, doctor and welcome notebook $((t2 - t1))s)," \
  "$(du -sh "$GOMODCACHE" | cut -f1) of modules"
