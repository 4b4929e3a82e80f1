#!/usr/bin/env bash
# Build and run the image on this machine with no image registry: Debian's docker.io, dockerd started here
# (stopped by its PID), a stand-in python:3.11 base from bookworm via debootstrap (cached), the local torch wheel.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=mnistdash:ci
. deploy/dockerd.sh
apt_need /usr/sbin/dockerd docker.io debootstrap debootstrap
start_dockerd
CID=""
cleanup() { [ -n "$CID" ] && $DOCKER rm -f "$CID" >/dev/null 2>&1 || true; stop_dockerd; }
trap cleanup EXIT
make_base
build_app "$IMAGE"

$DOCKER volume rm -f mnistdash-ci-data >/dev/null 2>&1 || true
PORT=$(free_port)
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
$DOCKER exec "$CID" python -c "from mnistdash.people import db; print(db.__name__)" >/dev/null
$DOCKER exec "$CID" python -c "from mnistdash.people.db import ReviewStore; s=ReviewStore.open(); s.add_answer('ci', 'test', 7, '1')"
$DOCKER restart "$CID" >/dev/null; wait_healthy >/dev/null
n=$($DOCKER exec "$CID" python -c "from mnistdash.people.db import ReviewStore; print(len(ReviewStore.open().answers(who='ci')))")
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
