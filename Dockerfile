# dcem-go in a container: the Go kernel, the library and the notebooks.
#
#   docker build -t dcem-go .
#   docker run --rm -p 8888:8888 dcem-go
#
# then open the URL with the token that the server prints.
FROM golang:1.26-bookworm

ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential libopenblas-dev libmujoco-dev \
      jupyter-notebook python3-notebook python3-nbclient python3-nbformat \
 && rm -rf /var/lib/apt/lists/*

ENV GOEXPERIMENT=simd
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -o /usr/local/bin/dcem ./cmd/dcem \
 && dcem install --sys-prefix

RUN useradd -m -s /bin/bash dcem && cp -r notebooks /home/dcem/notebooks && chown -R dcem /home/dcem
USER dcem
WORKDIR /home/dcem/notebooks
EXPOSE 8888
CMD ["jupyter", "notebook", "--ip=0.0.0.0", "--port=8888", "--no-browser"]
