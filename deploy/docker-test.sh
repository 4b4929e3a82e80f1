#!/usr/bin/env bash
# Build and run the image on this machine with no image registry: Debian's docker.io, dockerd started here
# (stopped by its PID), a stand-in python:3.11 base from bookworm via debootstrap (cached), the local torch wheel.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCKER=/usr/bin/docker
BASE=mnistdash-base:py3.11-bookworm
IMAGE=mnistdash:ci
WORK=$(mktemp -d /tmp/mnistdash-docker.XXXXXX)
START=$(date +%s)
log() { echo "[docker-test $(( $(date +%s) - START ))s] $*"; }

need=()
[ -x /usr/sbin/dockerd ] || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "needs root to apt-get install ${need[*]}"; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

/usr/sbin/dockerd --host "unix://$WORK/docker.sock" --data-root /var/lib/mnistdash-docker \
  --exec-root "$WORK/exec" --pidfile "$WORK/dockerd.pid" >"$WORK/dockerd.log" 2>&1 &
DOCKERD=$!
export DOCKER_HOST="unix://$WORK/docker.sock"
CID=""
cleanup() {
  [ -n "$CID" ] && $DOCKER rm -f "$CID" >/dev/null 2>&1 || true
  kill "$DOCKERD" 2>/dev/null || true; wait "$DOCKERD" 2>/dev/null || true
  umount "$WORK/exec/netns/default" 2>/dev/null || true
  rm -rf "$WORK" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 60); do $DOCKER info >/dev/null 2>&1 && break; sleep 1; done
$DOCKER info >/dev/null || { tail -20 "$WORK/dockerd.log"; exit 1; }
log "dockerd up"

if ! $DOCKER image inspect "$BASE" >/dev/null 2>&1; then
  log "debootstrap bookworm (once; cached as $BASE)"
  ROOTFS="$WORK/rootfs"
  MIRROR=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true); MIRROR=${MIRROR:-http://deb.debian.org/debian}
  debootstrap --variant=minbase --include=python3.11,python3-pip,python3-venv,ca-certificates,passwd \
    bookworm "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log"; exit 1; }
  cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
  mkdir -p "$ROOTFS/etc/xdg/pip"
  # pip's settings without the local-file sources (those paths do not exist inside a build).
  printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\nbreak-system-packages = true\n' > "$ROOTFS/etc/pip.conf"
  ln -sf python3.11 "$ROOTFS/usr/bin/python"
  tar -C "$ROOTFS" -c . | $DOCKER import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$BASE" >/dev/null
fi
log "base ready"

WHEEL=$(ls /opt/wheels/torch-2.13.0+cpu-*.whl | head -1)
CTX="$WORK/ctx"; mkdir -p "$CTX/wheels"
git ls-files -z | xargs -0 -I{} cp --parents {} "$CTX"/ 2>/dev/null || true
cp constraints.txt "$CTX"/; cp "$WHEEL" "$CTX/wheels/"
sed -i 's#^COPY pyproject.toml constraints.txt ./#COPY pyproject.toml constraints.txt ./\nCOPY wheels /wheels#' "$CTX/Dockerfile"
log "build"
$DOCKER build -q -t "$IMAGE" --network host --build-arg BASE="$BASE" \
  --build-arg TORCH_PIP_ARGS="--find-links /wheels" "$CTX" >/dev/null
log "built: $($DOCKER image inspect -f '{{.Size}}' "$IMAGE") bytes"

$DOCKER volume rm -f mnistdash-ci-data >/dev/null 2>&1 || true
PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
run_app() { $DOCKER run -d --network host -e STREAMLIT_SERVER_PORT="$PORT" -v mnistdash-ci-data:/data "$IMAGE"; }
wait_healthy() {
  local t0; t0=$(date +%s)
  for _ in $(seq 40); do
    [ "$($DOCKER inspect -f '{{.State.Health.Status}}' "$CID")" = healthy ] && { echo $(( $(date +%s) - t0 )); return; }
    sleep 0.5
  done
  echo "not healthy in 20 s"; $DOCKER logs "$CID" | tail; return 1
}
CID=$(run_app); secs=$(wait_healthy); log "healthy after ${secs}s"; [ "$secs" -le 10 ]
[ "$($DOCKER exec "$CID" id -u)" != 0 ] || { echo "runs as root"; exit 1; }
$DOCKER exec "$CID" mnistdash evaluate --json | python3 -c "
import json,sys; rows=json.load(sys.stdin); bad=[r['model'] for r in rows if 'manifest_accuracy' in r and r['accuracy']!=r['manifest_accuracy']]
assert rows and not bad, bad; print(len(rows), 'models match the manifest')"
$DOCKER exec "$CID" python -c "from mnistdash.reviews import store; print(store.__name__)" >/dev/null
$DOCKER exec "$CID" python -c "from mnistdash.reviews.store import ReviewStore; s=ReviewStore.open(); s.add_answer('ci', 'test', 7, '1')"
$DOCKER restart "$CID" >/dev/null; wait_healthy >/dev/null
n=$($DOCKER exec "$CID" python -c "from mnistdash.reviews.store import ReviewStore; print(len(ReviewStore.open().answers(who='ci')))")
[ "$n" = 1 ] || { echo "review database lost across a restart ($n answers)"; exit 1; }
log "review database survived a restart on the /data volume"
PY=${PY:-.venv/bin/python}
[ -x /usr/bin/chromium ] || { [ "$(id -u)" = 0 ] && apt-get install -y -qq chromium >/dev/null; }
timeout 300 "$PY" deploy/browser_check.py "http://127.0.0.1:$PORT"
log "Chromium: home and /Draw render, a stroke is read as 1"
$DOCKER exec "$CID" mnistdash train --quick --only logreg-ovr 2>&1 | tail -1
$DOCKER exec "$CID" python -c "
import json; m=json.load(open('/data/models/manifest.json')); e=m.get('models', m)['logreg-ovr']; print('trained into /data/models:', e.get('train_seconds'), 's')"
log "mnistdash train --quick wrote to the /data volume"
log "all checks in the container passed"
