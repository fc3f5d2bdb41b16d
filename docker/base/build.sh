#!/usr/bin/env bash
# Builds a local stand-in for the official golang:1.26-bookworm image, for machines without a
# container registry: a Debian bookworm root file system made by debootstrap from Debian's mirror,
# imported with `docker import`, plus the Go toolchain in the official image's layout
# (/usr/local/go, GOPATH=/go, PATH=/go/bin:/usr/local/go/bin:...).
#
# Usage: docker/base/build.sh [TAG]     (default deepnb/base:bookworm-go1.26)
#
# Environment:
#   MIRROR    Debian mirror (default: the first deb.debian.org-style URI in /etc/apt, else
#             http://deb.debian.org/debian)
#   GOROOT    the Go toolchain to copy (default: $(go env GOROOT)); it must be Go 1.26.x
#   FORCE=1   rebuild even if TAG exists
#
# The image reaches Debian's mirror and the Go module proxy the way the host does: the host's apt
# settings for reaching mirrors (Acquire::http(s) proxies, a snapshot mirror's Check-Valid-Until
# and Check-Date) and the certificate authorities the host trusts beyond Debian's (a company's or a
# TLS-intercepting proxy's) are copied into it. The script needs root (debootstrap) and a running
# Docker engine.
set -euo pipefail

tag=${1:-deepnb/base:bookworm-go1.26}
if [[ -z ${FORCE:-} ]] && docker image inspect "$tag" >/dev/null 2>&1; then
  echo "base: $tag exists (FORCE=1 rebuilds it)"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "base: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }
if [[ $(id -u) != 0 ]]; then
  echo "base: debootstrap needs root" >&2
  exit 1
fi

goroot=${GOROOT:-$(go env GOROOT)}
gover=$("$goroot/bin/go" env GOVERSION)
case $gover in
  go1.26*) ;;
  *) echo "base: $goroot holds $gover, want go1.26.x" >&2; exit 1 ;;
esac

mirror=${MIRROR:-}
if [[ -z $mirror ]]; then
  mirror=$(grep -rhoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null |
    grep -oE 'https?://[^ ]+' | head -n1 || true)
  mirror=${mirror:-http://deb.debian.org/debian}
fi

work=$(mktemp -d /var/tmp/deepnb-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'echo "base: failed at line $LINENO" >&2' ERR
root=$work/rootfs
start=$SECONDS
echo "base: debootstrap bookworm from $mirror"
# What the official image has beyond a minimal Debian (buildpack-deps:bookworm-scm and golang's own
# layer): certificates, git, a C toolchain for cgo, make, pkg-config.
debootstrap --variant=minbase \
  --include=ca-certificates,curl,git,gcc,libc6-dev,make,pkg-config,netbase \
  bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  exit 1
}
echo "deb $mirror bookworm main" >"$root/etc/apt/sources.list"
for f in /etc/apt/apt.conf /etc/apt/apt.conf.d/*; do
  if [[ -f $f ]] && grep -qE '^[[:space:]]*Acquire::(https?|ftp|Check-Valid-Until|Check-Date)' "$f"; then
    cp "$f" "$root/etc/apt/apt.conf.d/90host-$(basename "$f")"
  fi
done
# Certificate authorities the host trusts beyond Debian's (a TLS-intercepting proxy's or a
# company's), so that Go reaches the module proxy from the image as it does from the host.
extra=$work/extra-ca
mkdir -p "$extra"
awk -v dir="$extra" '
  FNR == 1 { file++ }
  /-----BEGIN CERTIFICATE-----/ { pem = ""; inpem = 1 }
  inpem { pem = pem $0 "\n" }
  /-----END CERTIFICATE-----/ {
    inpem = 0
    if (file == 1) seen[pem] = 1
    else if (!(pem in seen)) { n++; f = sprintf("%s/host-%d.crt", dir, n); printf "%s", pem > f; close(f) }
  }' "$root/etc/ssl/certs/ca-certificates.crt" /etc/ssl/certs/ca-certificates.crt
if compgen -G "$extra/*.crt" >/dev/null; then
  echo "base: adding the host's extra certificate authorities: $(ls "$extra" | tr '\n' ' ')"
  cp "$extra"/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null
fi
# Small image, like the official ones.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/*

echo "base: Go $gover from $goroot"
mkdir -p "$root/usr/local/go" "$root/go/bin" "$root/go/src"
tar -C "$goroot" --exclude=./pkg/obj --exclude=./.git -cf - . | tar -C "$root/usr/local/go" -xf -
chmod 1777 "$root/go"

tar -C "$root" --numeric-owner -cf - . | docker import \
  --change 'ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV GOLANG_VERSION='"${gover#go}" \
  --change 'ENV GOTOOLCHAIN=local' \
  --change 'ENV GOPATH=/go' \
  --change 'WORKDIR /go' \
  --change 'CMD ["bash"]' \
  --message "deepnb base: debootstrap bookworm + $gover" \
  - "$tag" >/dev/null
echo "base: built $tag in $((SECONDS - start))s ($(docker image inspect -f '{{.Size}}' "$tag" | numfmt --to=iec))"
