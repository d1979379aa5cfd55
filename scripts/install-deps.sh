#!/usr/bin/env bash
# Installs the Debian 12 packages that building, testing and running dcem-go need.
# Packages already present are skipped, so running it again is cheap.
set -euo pipefail

packages=(
  build-essential pkg-config
  libopenblas-dev          # BLAS for the tensor engine (cgo)
  libmujoco-dev            # MuJoCo physics for envs/mujoco (cgo)
  libegl1 libegl-mesa0 libgl1-mesa-dri   # offscreen rendering of MuJoCo frames (optional at run time)
  jupyter-client python3-jupyter-client python3-nbclient python3-nbconvert
  python3-nbformat python3-notebook jupyter-notebook python3-jupyter-kernel-test
  python3-ipykernel
  slurmctld slurmd slurm-client munge    # the single-node Slurm of tests/slurm.sh
  podman runc debootstrap                # the container image (make image, make image-test)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v go >/dev/null 2>&1; then
  echo "error: the Go toolchain (1.26 or newer) is not on PATH; install it from go.dev/dl and retry" >&2
  exit 1
fi
go mod download
