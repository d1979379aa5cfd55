#!/usr/bin/env bash
# Installs the Debian 12 packages that building, testing and running dcem-go need.
# Packages already present are skipped, so running it again is cheap.
set -euo pipefail

packages=(
  build-essential pkg-config
  libopenblas-dev          # BLAS for the tensor engine (cgo)
  # the engine's OpenCL backend (build tag opencl): the ICD loader and headers, CLBlast for
  # matrix products, pocl's CPU device that CI runs the device tests on, and clinfo
  ocl-icd-opencl-dev opencl-headers libclblast-dev pocl-opencl-icd clinfo
  libmujoco-dev            # MuJoCo physics for envs/mujoco (cgo)
  libegl1 libegl-mesa0 libgl1-mesa-dri   # offscreen rendering of MuJoCo frames (optional at run time)
  jupyter-client python3-jupyter-client python3-nbclient python3-nbconvert
  python3-nbformat python3-notebook jupyter-notebook python3-jupyter-kernel-test
  python3-ipykernel
  python3-jsonschema       # the widget state schema checks (widgets/schema_test.go, tests/test_widgets.py)
  jupyter-nbextension-jupyter-js-widgets  # the classic notebook's widget front end (make run)
  chromium                 # headless browser of the widget render and notebook checks
  slurmctld slurmd slurm-client munge    # the single-node Slurm of tests/slurm.sh
  podman runc debootstrap                # the container image (make image, make image-test)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# Node.js runs the browser checks (tests/browser); any Node 18 or newer with
# npm will do, Debian's or another that is already installed.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

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

# The npm packages of the browser checks, pinned in tests/package-lock.json;
# installed again when the lockfile changes.
here="$(cd "$(dirname "$0")/.." && pwd)"
if ! cmp -s "$here/tests/package-lock.json" "$here/tests/node_modules/.dcem-lock" 2>/dev/null; then
  echo "installing the npm packages of tests/ (tests/package-lock.json)"
  npm ci --prefix "$here/tests" --no-audit --no-fund --ignore-scripts --loglevel=error
  cp "$here/tests/package-lock.json" "$here/tests/node_modules/.dcem-lock"
fi
