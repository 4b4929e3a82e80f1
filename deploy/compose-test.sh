#!/usr/bin/env bash
# deploy/compose.yaml on this machine with no image registry: 2 app replicas + nginx + PostgreSQL built from the
# debootstrap base (Debian's nginx and postgresql-15), Debian's docker-compose; browser sessions through the balancer.
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/dockerd.sh
apt_need /usr/sbin/dockerd docker.io debootstrap debootstrap docker-compose docker-compose /usr/bin/chromium chromium
PY=${PY:-.venv/bin/python}
export PORT; PORT=$(free_port)
COMPOSE=(docker-compose -p mnistdash-ci -f deploy/compose.yaml)
cleanup() {
  [ "${OK:-}" = 1 ] || "${COMPOSE[@]}" logs --no-color --tail 15 balancer app1 app2 2>/dev/null | grep -v -i warning || true
  "${COMPOSE[@]}" down -v >/dev/null 2>&1 || true; stop_dockerd; }
trap cleanup EXIT
start_dockerd
make_base
build_app mnistdash:compose
for svc in nginx postgres; do
  $DOCKER build -q -t "mnistdash-$svc:compose" --network host --build-arg BASE="$BASE" -f "deploy/$svc.Dockerfile" deploy >/dev/null
done
log "built nginx and postgres images"
"${COMPOSE[@]}" down -v >/dev/null 2>&1 || true
"${COMPOSE[@]}" up -d --no-build 2>&1 | grep -v -i warning || true
URL="http://127.0.0.1:$PORT"
for _ in $(seq 120); do python3 -c "import urllib.request; urllib.request.urlopen('$URL/_stcore/health', timeout=2)" 2>/dev/null && break; sleep 0.5; done
log "up: 2 replicas, balancer on $URL, PostgreSQL"

answers() {  # answers SERVICE: stored quiz answers, read from PostgreSQL by `mnistdash reviews stats` in that replica
  "${COMPOSE[@]}" exec -T "$1" mnistdash reviews stats --json | python3 -c "import json,sys; d=json.load(sys.stdin); assert d['backend'].startswith('postgresql'), d['backend']; print(d['answers'])"
}
timeout 400 "$PY" deploy/compose_check.py two "$URL"
n=$(answers app1); [ "$n" = 40 ] || { echo "PostgreSQL holds $n answers, not 40"; exit 1; }
log "both sessions' 40 answers are in PostgreSQL"

timeout 200 "$PY" deploy/compose_check.py half "$URL" 10
served=$("${COMPOSE[@]}" logs --no-color balancer | grep -o 'upstream=[0-9.]*' | tail -1 | cut -d= -f2)
ip() { $DOCKER inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$("${COMPOSE[@]}" ps -q "$1")"; }
if [ "$(ip app1)" = "$served" ]; then stopped=app1 other=app2; else stopped=app2 other=app1; fi
"${COMPOSE[@]}" stop "$stopped" 2>&1 | grep -v -i warning || true
log "stopped $stopped, the replica that served the sessions, mid-round"
n=$(answers "$other"); [ "$n" = 50 ] || { echo "after stopping $stopped PostgreSQL holds $n answers, not 50"; exit 1; }
timeout 200 "$PY" deploy/compose_check.py renders "$URL"
log "no stored answer lost: 50 in PostgreSQL; $other serves the quiz"

if [ -n "${MEASURE:-}" ]; then  # MEASURE=10: that many quiz sessions at once on the remaining replica; RSS per replica
  "${COMPOSE[@]}" start "$stopped" 2>&1 | grep -v -i warning || true
  for _ in $(seq 40); do [ "$($DOCKER inspect -f '{{.State.Health.Status}}' "$("${COMPOSE[@]}" ps -q "$stopped")")" = healthy ] && break; sleep 0.5; done
  rss() { $DOCKER stats --no-stream --format '{{.Name}} {{.MemUsage}}' | grep -E '_app[12]_' | sed 's# / .*##' | tr '\n' ' '; }
  log "idle RSS: $(rss)"
  timeout 500 "$PY" deploy/compose_load.py "$URL" "$MEASURE" 10
  log "RSS after $MEASURE sessions on one replica: $(rss)"
fi
OK=1
