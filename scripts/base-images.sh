#!/usr/bin/env bash
# Makes the two base images the Dockerfile needs, for machines that cannot
# pull from a registry: a Debian bookworm root made by debootstrap and
# imported with podman (the runtime base), and the same root with this
# machine's Go toolchain in /usr/local/go (the build stage). Images that
# exist already are kept, so running it again is cheap.
#
#   scripts/base-images.sh     # makes localhost/debian:bookworm-minbase and localhost/golang:bookworm-local
#
# Environment: PODMAN (default "podman --runtime runc --cgroup-manager=cgroupfs"),
# MIRROR (default http://deb.debian.org/debian), GOROOT (default: `go env GOROOT`).
set -euo pipefail

PODMAN="${PODMAN:-podman --runtime runc --cgroup-manager=cgroupfs}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
BASE=localhost/debian:bookworm-minbase
GOIMG=localhost/golang:bookworm-local

have() { $PODMAN image exists "$1"; }

if have "$BASE" && have "$GOIMG"; then
  echo "base images present: $BASE $GOIMG"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/base-images.sh: debootstrap needs root" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
root="$tmp/root"

if ! have "$BASE"; then
  echo "debootstrap bookworm (minbase) into $root"
  debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$tmp/debootstrap.log" 2>&1 ||
    { tail -20 "$tmp/debootstrap.log" >&2; exit 1; }
  # The same apt sources a registry's debian:bookworm has, and no caches.
  cat >"$root/etc/apt/sources.list" <<SRC
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SRC
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/tmp/* "$root"/var/log/*.log
  tar -C "$root" -cf "$tmp/root.tar" .
  $PODMAN import --change 'CMD ["/bin/bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$tmp/root.tar" "$BASE" >/dev/null
  echo "made $BASE"
fi

if ! have "$GOIMG"; then
  goroot="${GOROOT:-$(go env GOROOT)}"
  if [ ! -x "$goroot/bin/go" ]; then
    echo "scripts/base-images.sh: no Go toolchain at $goroot" >&2
    exit 1
  fi
  ctr="$($PODMAN create "$BASE" /bin/true)"
  mkdir -p "$tmp/go"
  $PODMAN export "$ctr" | tar -C "$tmp/go" -xf -
  $PODMAN rm "$ctr" >/dev/null
  mkdir -p "$tmp/go/usr/local" "$tmp/go/etc/ssl/certs"
  cp -a "$goroot" "$tmp/go/usr/local/go"
  rm -rf "$tmp/go/usr/local/go/pkg/obj" "$tmp/go/usr/local/go/test"
  # The module proxy is reached over TLS: the host's CA bundle lets it be
  # verified before the image has installed its own.
  cp /etc/ssl/certs/ca-certificates.crt "$tmp/go/etc/ssl/certs/ca-certificates.crt"
  tar -C "$tmp/go" -cf "$tmp/go.tar" .
  $PODMAN import --change 'CMD ["/bin/bash"]' \
    --change 'ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV GOPATH=/go' "$tmp/go.tar" "$GOIMG" >/dev/null
  echo "made $GOIMG ($($PODMAN run --rm --ulimit nofile=20000:20000 --ulimit nproc=4096:4096 "$GOIMG" go version))"
fi
