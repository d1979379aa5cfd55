#!/usr/bin/env bash
# Smoke test of the container image with podman: starts the notebook server
# in a container, executes notebook 00 through the server's API
# (tests/image_notebook.py), checks `dcem version` and the non-root user
# inside, stops the container and prints the image's size.
#
#   IMAGE=dcem-go tests/image.sh        (after `make image`; `make image-test` does both)
#
# Environment: IMAGE (default dcem-go), PODMAN (default
# "podman --runtime runc --cgroup-manager=cgroupfs"), PYTHON (default /usr/bin/python3).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
IMAGE="${IMAGE:-dcem-go}"
PODMAN="${PODMAN:-podman --runtime runc --cgroup-manager=cgroupfs}"
PYTHON="${PYTHON:-/usr/bin/python3}"
ULIMITS=(--ulimit nofile=20000:20000 --ulimit nproc=4096:4096)

$PODMAN image exists "$IMAGE" || { echo "tests/image.sh: no image $IMAGE (make image)" >&2; exit 1; }
fail() { echo "FAIL: $*" >&2; exit 1; }

port="$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
token="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
ctr=""
stop() {
  local rc=$?
  if [ -n "$ctr" ]; then
    [ $rc -ne 0 ] && { echo "--- server log (tail)"; $PODMAN logs --tail 30 "$ctr" 2>&1 || true; }
    $PODMAN rm -f -t 5 "$ctr" >/dev/null 2>&1 || true
  fi
  exit $rc
}
trap stop EXIT

t0=$(date +%s)
# The image's own command, with a known token.
ctr="$($PODMAN run -d "${ULIMITS[@]}" -p "127.0.0.1:$port:8888" "$IMAGE" \
  python3 -m notebook --ip=0.0.0.0 --port=8888 --no-browser --NotebookApp.token="$token")"
url="http://127.0.0.1:$port"
up=""
for _ in $(seq 120); do
  if "$PYTHON" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$url/api/status?token=$token" 2>/dev/null; then
    up=1; break
  fi
  sleep 0.5
done
[ -n "$up" ] || fail "the notebook server did not answer on $url within 60 s"
echo "notebook server up in $(( $(date +%s) - t0 )) s on $url"

# The notebooks are there, as the server lists them.
"$PYTHON" - "$url" "$token" <<'PY' || fail "the server does not list the notebooks"
import json, sys, urllib.request
url, token = sys.argv[1:]
req = urllib.request.Request(url + "/api/contents", headers={"Authorization": "token " + token})
names = sorted(c["name"] for c in json.load(urllib.request.urlopen(req))["content"])
print("notebooks served:", ", ".join(names))
sys.exit(0 if "00-lml-and-dcem.ipynb" in names else 1)
PY

"$PYTHON" "$here/image_notebook.py" "$url" "$token" "$here/../notebooks/00-lml-and-dcem.ipynb" ||
  fail "notebook 00 did not run in the container"

v="$($PODMAN exec "$ctr" dcem version)"
case "$v" in "dcem "*) echo "inside: $v" ;; *) fail "dcem version printed $v" ;; esac
user="$($PODMAN exec "$ctr" id -un)"
[ "$user" = dcem ] || fail "the server runs as $user, want the non-root user dcem"
[ -z "$($PODMAN exec "$ctr" sh -c 'ls /var/lib/apt/lists | grep -v -e ^lock$ -e ^partial$' || true)" ] ||
  fail "apt lists left in the image"

size="$($PODMAN image inspect --format '{{.Size}}' "$IMAGE")"
echo "image $IMAGE: $(( size / 1000000 )) MB"
echo "image test passed in $(( $(date +%s) - t0 )) s"
