#!/usr/bin/env bash
# Times the engine's benchmarks and the same workloads in PyTorch in one run, one thread
# each, and prints the ratio table (bench/compare.py). Usage: bench/compare.sh [--quick]
# [--reference LML_CHECKOUT:DCEM_CHECKOUT] (also time the paper's published LML and DCEM code
# from checkouts of locuslab/lml and facebookresearch/dcem: bench/reference_bench.py)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=""
reference=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick="--quick" ;;
    --reference)
      reference="${2:?--reference wants LML_CHECKOUT:DCEM_CHECKOUT}"; shift
      [[ "$reference" == *:* ]] || { echo "compare.sh: --reference $reference: want LML_CHECKOUT:DCEM_CHECKOUT (two directories, colon between)" >&2; exit 2; } ;;
    *) echo "compare.sh: unknown argument $1 (want --quick, --reference LML_CHECKOUT:DCEM_CHECKOUT)" >&2; exit 2 ;;
  esac
  shift
done

PY=/usr/bin/python3
if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "installing python3-torch (Debian) for the PyTorch side"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -q --no-install-recommends python3-torch >/dev/null
fi

export OPENBLAS_NUM_THREADS=1 GOGC=400
export GOEXPERIMENT="${GOEXPERIMENT-simd}"
out=$(mktemp -d)
# OpenBLAS's kernels follow OPENBLAS_CORETYPE for both engines: say which ran.
go run ./cmd/dcem version | grep backends >&2
trap 'rm -rf "$out"' EXIT

# Big solves run a few times; small workloads for about a second each.
if [ -n "$quick" ]; then bt_small=0.3s; bt_big=1x; else bt_small=1s; bt_big=3x; fi
go=(go test -run '^$' -cpu 1,2)
{
  "${go[@]}" -benchtime "$bt_small" -bench 'Project/(64x100|1024x1000)' ./dcemlib/lml
  "${go[@]}" -benchtime "$bt_small" -bench 'DCEM/(B1_|B16_)' ./dcemlib/cem
  "${go[@]}" -benchtime "$bt_big" -bench 'DCEM/B128_' ./dcemlib/cem
  "${go[@]}" -benchtime "$bt_big" -bench 'DCEMArena/(B16_|B128_)' ./dcemlib/cem
  "${go[@]}" -benchtime "$bt_small" -bench 'MLP64|GRU230|EnergyMLP128|Softplus384k' ./dcemlib/nn
  "${go[@]}" -benchtime "$bt_small" -bench 'UpdateDCEM10x100' ./dcemlib/exp/regression
  "${go[@]}" -benchtime "$bt_big" -bench 'PlanCEM1000x12x10|PlanCEM300x12x5|Update50x50' ./dcemlib/rssm
  "${go[@]}" -benchtime "$bt_small" -bench 'Decision/latentDCEM' ./dcemlib/exp/latent
  "${go[@]}" -benchtime "$bt_big" -bench 'TrainStep/batch10/threads1/(arena|workers)$' ./dcemlib/exp/latent
  "${go[@]}" -benchtime "$bt_big" -bench 'PolicyMicroBatch' ./dcemlib/exp/latent
} | tee "$out/go.txt" | grep '^Benchmark' >&2

# glibc returns freed memory to the system after large operations unless told not to; PyTorch
# then spends its large solves in page faults (45 s instead of ≈ 2 s here): time it at its best.
MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=68719476736 "$PY" bench/torch_bench.py $quick | tee "$out/torch.jsonl" >&2
# The large solve again with glibc's defaults, to show what the setting changes.
"$PY" bench/torch_bench.py $quick --f32 DCEM/B128_n100 | tee "$out/torch-default.jsonl" >&2
refargs=()
if [ -n "$reference" ]; then
  MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=68719476736 "$PY" bench/reference_bench.py $quick \
    "${reference%%:*}" "${reference#*:}" | tee "$out/reference.jsonl" >&2
  refargs=(--reference "$out/reference.jsonl")
fi
"$PY" bench/compare.py "${refargs[@]}" "$out/go.txt" "$out/torch.jsonl" "$out/torch-default.jsonl"
