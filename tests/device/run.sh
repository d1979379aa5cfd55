#!/usr/bin/env bash
# Runs the engine's device tests and benchmarks on a machine's OpenCL devices: lists the
# platforms, runs the device tests of the engine (the counter-based samplers' among them), the
# LML projection, the CEM solve (with DeviceNoise too), the layers and the world model on the
# chosen device (a GPU when there is one, else the first device), then prints the
# matrix-product, perceptron, sampler, DCEM-solve and planner benchmarks on the CPU beside
# the same on the device.
#
#   tests/device/run.sh              # pick a GPU if there is one
#   DCEM_DEVICE=opencl:1 tests/device/run.sh
#   BENCHTIME=3x tests/device/run.sh # fewer benchmark repetitions
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/usr/local/go/bin"
export GOEXPERIMENT="${GOEXPERIMENT-simd}"
export CGO_ENABLED=1
pkg=./dcemlib/tensor

echo "== OpenCL platforms (clinfo -l)"
if command -v clinfo >/dev/null; then clinfo -l; else echo "clinfo is not installed (make deps)"; fi

echo "== building the device tests"
go test -c -tags opencl -o /tmp/dcem-device.test "$pkg"

echo "== OpenCL devices as the engine numbers them"
list=$(DCEM_DEVICE=opencl:0 /tmp/dcem-device.test -test.run '^TestOpenCLListsDevices$' -test.v 2>&1 || true)
echo "$list" | grep -o 'opencl:[0-9]* .*' | grep -v '^opencl:[0-9]* (' || echo "$list"
if [ -z "${DCEM_DEVICE:-}" ]; then
  gpu=$(echo "$list" | grep -o 'opencl:[0-9]* .*(GPU)' | head -1 | cut -d' ' -f1 || true)
  export DCEM_DEVICE="${gpu:-opencl:0}"
fi
echo "device: $DCEM_DEVICE"

echo "== device tests on $DCEM_DEVICE"
(cd "$pkg" && /tmp/dcem-device.test -test.run 'Device|OpenCL' -test.count=1)
for p in lml cem nn rssm exp/planet; do
  t="/tmp/dcem-device-$(basename "$p").test"
  go test -c -tags opencl -o "$t" "./dcemlib/$p"
  (cd "./dcemlib/$p" && "$t" -test.run 'OnDevice' -test.count=1)
done

echo "== benchmarks: CPU (OpenBLAS, one thread) beside $DCEM_DEVICE"
(cd "$pkg" && /tmp/dcem-device.test -test.run '^$' -test.bench 'BenchmarkDevice' \
  -test.benchtime "${BENCHTIME:-1s}")
(cd ./dcemlib/cem && /tmp/dcem-device-cem.test -test.run '^$' -test.bench 'BenchmarkSolveDevice' \
  -test.benchtime "${BENCHTIME:-3x}")
(cd ./dcemlib/rssm && /tmp/dcem-device-rssm.test -test.run '^$' -test.bench 'BenchmarkPlanDevice' \
  -test.benchtime "${BENCHTIME:-3x}")
