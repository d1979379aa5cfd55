# dcem-go in a container: the dcem binary with its Go kernel installed, the
# notebooks and a Jupyter Notebook server, run as the non-root user dcem.
#
#   docker build -t dcem-go .
#   docker run --rm -p 8888:8888 dcem-go
#
# then open the http://127.0.0.1:8888/?token=... URL that the server prints.
#
# GO_IMAGE builds the binary and BASE_IMAGE runs it; both are Debian
# bookworm. The defaults come from Docker Hub. Where no registry can be
# reached, scripts/base-images.sh makes both from a debootstrap root
# (podman import), and `make image` passes them:
#   --build-arg GO_IMAGE=localhost/golang:bookworm-local --build-arg BASE_IMAGE=localhost/debian:bookworm-minbase
ARG GO_IMAGE=docker.io/library/golang:1.26-bookworm
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim

FROM ${GO_IMAGE} AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev libopenblas-dev libmujoco-dev \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY cmd ./cmd
COPY dcemlib ./dcemlib
COPY envs ./envs
COPY kernel ./kernel
COPY widgets ./widgets
ENV CGO_ENABLED=1 GOEXPERIMENT=simd GOFLAGS=-buildvcs=false
RUN --mount=type=cache,target=/root/.cache/go-build go build -trimpath -o /out/dcem ./cmd/dcem

FROM ${BASE_IMAGE}
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends libopenblas0-pthread libmujoco2.2.2 \
      python3-notebook python3-nbformat \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
COPY --from=build /out/dcem /usr/local/bin/dcem
# The kernelspec goes where the system's Jupyter looks (/usr/share/jupyter).
RUN dcem install --sys-prefix \
 && useradd --create-home --shell /bin/bash --uid 1000 dcem
COPY --chown=dcem:dcem notebooks /home/dcem/notebooks
USER dcem
WORKDIR /home/dcem/notebooks
# Trusted notebooks render their saved SVG figures.
RUN python3 -m nbformat.sign *.ipynb >/dev/null
EXPOSE 8888
CMD ["python3", "-m", "notebook", "--ip=0.0.0.0", "--port=8888", "--no-browser"]
