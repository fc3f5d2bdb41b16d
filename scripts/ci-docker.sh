#!/usr/bin/env bash
# CI's Docker part, called by .ci/run before `make test`: installs Debian's Docker engine and
# JupyterHub, starts dockerd when none answers, and builds the base image (docker/base/build.sh) and
# the students' image (docker/Dockerfile) that the tests of ./docker run (the tests reuse them: the
# image build is then a cache hit). Where no engine can be started, it says so and returns 0: the
# Docker tests then skip with the same message.
#
#   scripts/ci-docker.sh            (as root, from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

export DEBIAN_FRONTEND=noninteractive
pkgs=(docker.io iptables debootstrap jupyterhub node-configurable-http-proxy python3-docker curl)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "ci-docker: installing ${missing[*]}"
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! docker version >/dev/null 2>&1; then
  echo "ci-docker: starting dockerd (log /tmp/dockerd.log)"
  setsid dockerd >/tmp/dockerd.log 2>&1 </dev/null &
  for _ in $(seq 60); do
    docker version >/dev/null 2>&1 && break
    sleep 1
  done
fi
if ! docker version >/dev/null 2>&1; then
  echo "ci-docker: no Docker engine could be started; the Docker tests will skip. dockerd's log:"
  tail -n 20 /tmp/dockerd.log || true
  exit 0
fi

docker/base/build.sh deepnb/base:bookworm-go1.26
echo "ci-docker: building the students' image deepnb/notebook:test"
b=$SECONDS
docker build --build-arg BASE=deepnb/base:bookworm-go1.26 -t deepnb/notebook:test -f docker/Dockerfile . \
  >/tmp/docker-build.log 2>&1 || { tail -n 60 /tmp/docker-build.log; exit 1; }
echo "ci-docker: image built in $((SECONDS - b))s, $(docker image inspect -f '{{.Size}}' deepnb/notebook:test | numfmt --to=si)B"
echo "ci-docker: done in $((SECONDS - start))s"
