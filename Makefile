# dcem-go: build, test, benchmark and run the notebooks.
GO      ?= go
BIN     := bin/dcem
PYTHON  := /usr/bin/python3
PORT    ?= 8888
IMAGE   ?= dcem-go
PODMAN  ?= podman --runtime runc --cgroup-manager=cgroupfs
LOCAL_BASES ?= 1
LOCAL_BUILD_ARGS := --build-arg GO_IMAGE=localhost/golang:bookworm-local --build-arg BASE_IMAGE=localhost/debian:bookworm-minbase
# The notebook server refuses to run as root unless told to.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
export CGO_ENABLED := 1
# The float32 elementwise kernels use Go's experimental SIMD package when it
# is enabled (AVX2 + FMA, chosen at run time); without it they fall back to
# portable code that passes the same tests: `make GOEXPERIMENT= build` builds that.
export GOEXPERIMENT ?= simd

.PHONY: all deps build build-opencl test gotest race tidy-check generated-check test-opencl pytest slurmtest image image-test bench bench-compare run fmt vet clean

all: build

## deps: install the Debian packages and Go modules (idempotent)
deps:
	./scripts/install-deps.sh

## build: compile the dcem binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/dcem

## build-opencl: the dcem binary with the engine's OpenCL backend (needs libOpenCL and CLBlast: make deps)
build-opencl:
	$(GO) build -tags opencl -o $(BIN) ./cmd/dcem

## test: vet, go.mod tidy, Go tests, the race detector, the Jupyter end-to-end tests and the
## Slurm test (CI runs image-test after it, as a step of its own)
test: deps vet tidy-check generated-check gotest race pytest slurmtest

## tidy-check: go.mod and go.sum are as go mod tidy leaves them
tidy-check:
	$(GO) mod tidy -diff

## generated-check: the generated sources are current: the kernel's symbol tables (kernel/symbols,
## kernel/symbols/std) and the interpreted generic standard packages (kernel/session/gostd) are
## regenerated and must not differ from what is committed
GENERATED := kernel/symbols kernel/session/gostd
generated-check:
	$(GO) generate ./kernel/symbols ./kernel/symbols/std ./kernel/session/gostd
	@if [ -n "$$(git status --porcelain -- $(GENERATED))" ]; then \
		git status --short -- $(GENERATED); git diff --stat -- $(GENERATED); \
		echo "generated sources are stale: run go generate ./kernel/symbols ./kernel/symbols/std ./kernel/session/gostd and commit"; exit 1; fi

## race: the tests of the packages that run goroutines, under the race detector (their tests
## drive the concurrent paths: comm messages during redraws, observers that set values, workers)
RACE_PKGS := ./widgets ./kernel/worker ./kernel/session ./dcemlib/sweep ./dcemlib/rssm ./dcemlib/cem
## They run with the portable kernels: -race turns on checkptr, which the experimental
## simd package's partial loads of short slices trip (a check of Go's own package, not ours).
race:
	GOEXPERIMENT= $(GO) test -race -count=1 -timeout 30m $(RACE_PKGS)
	@# latent DCEM's decisions and decoder updates split over goroutines (the package's other tests are long under -race)
	GOEXPERIMENT= $(GO) test -race -count=1 -run 'TestPlanSequenceWorkers|TestTrainStepWorkers' ./dcemlib/exp/latent

gotest:
	$(GO) test -count=1 ./...
	@# the portable (non-SIMD) kernels of the engine pass the same tests
	GOEXPERIMENT= $(GO) test -count=1 ./dcemlib/tensor ./dcemlib/nn ./dcemlib/lml ./dcemlib/cem
	$(MAKE) test-opencl

## test-opencl: the engine's device tests with the OpenCL backend, on the device DCEM_DEVICE names
## (the first OpenCL device, pocl's CPU device in CI, when unset)
test-opencl:
	$(GO) vet -tags opencl ./dcemlib/tensor ./dcemlib/lml ./dcemlib/cem ./dcemlib/nn ./dcemlib/rssm ./dcemlib/exp/planet
	$(GO) test -count=1 -tags opencl -run 'Device|OpenCL' ./dcemlib/tensor
	$(GO) test -count=1 -tags opencl -run 'OnDevice' ./dcemlib/lml ./dcemlib/cem ./dcemlib/nn ./dcemlib/rssm ./dcemlib/exp/planet

pytest: build
	@if [ -x tests/run ]; then PYTHON=$(PYTHON) DCEM=$(CURDIR)/$(BIN) tests/run; else echo "no end-to-end tests yet"; fi

## slurmtest: a quick cartpole grid through a single-node Slurm started by hand (needs root)
slurmtest: build
	tests/slurm.sh $(BIN)

## image: the container image $(IMAGE) (see Dockerfile). Here no registry can be
## reached: LOCAL_BASES=1 makes the base images with debootstrap (scripts/base-images.sh)
## and passes them; LOCAL_BASES= builds from Docker Hub's golang and debian images.
image:
	@if [ -n "$(LOCAL_BASES)" ]; then PODMAN="$(PODMAN)" ./scripts/base-images.sh; fi
	$(PODMAN) build $(if $(LOCAL_BASES),$(LOCAL_BUILD_ARGS)) -t $(IMAGE) .
	@$(PODMAN) image inspect --format '{{.Size}}' $(IMAGE) | awk '{ printf "image $(IMAGE): %d MB\n", $$1 / 1e6 }'

## image-test: builds the image, runs the notebook server in it, executes notebook 00
## through the server's API and checks dcem version inside
image-test: image
	PODMAN="$(PODMAN)" IMAGE=$(IMAGE) PYTHON=$(PYTHON) tests/image.sh

## bench: the Go benchmarks of the library (single-threaded numbers: see README), with the
## collector at GOGC=400 as the dcem binary runs it
bench:
	GOGC=400 $(GO) test -run '^$$' -bench . -benchmem ./dcemlib/... ./envs/...

## bench-compare: the engine's benchmarks beside the same workloads in PyTorch (Debian's
## python3-torch, installed on demand), one thread each, in one run; prints the ratio table.
## QUICK=1 runs fewer repetitions; REFERENCE=LML_CHECKOUT:DCEM_CHECKOUT also times the paper's
## published LML and DCEM code from checkouts of locuslab/lml and facebookresearch/dcem.
bench-compare:
	./bench/compare.sh $(if $(QUICK),--quick) $(if $(REFERENCE),--reference $(REFERENCE))

## run: set up, build, install the kernel and start the notebook server on 127.0.0.1
run: deps build
	./$(BIN) install --user
	$(PYTHON) -m nbformat.sign notebooks/*.ipynb
	cd notebooks && $(PYTHON) -m notebook --ip=127.0.0.1 --port=$(PORT) --no-browser $(ALLOW_ROOT)

fmt:
	gofmt -l -w $$(git ls-files '*.go' | grep -v '^kernel/symbols/')

vet:
	$(GO) vet ./...

clean:
	rm -rf bin
