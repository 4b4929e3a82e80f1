# Sourced by docker-test.sh and compose-test.sh: Debian's docker.io with a dockerd of our own (stopped by its PID
# on exit), and a stand-in base image from Debian bookworm via debootstrap (made once, cached in the data root).
DOCKER=/usr/bin/docker
BASE=mnistdash-base:py3.11-bookworm
WORK=$(mktemp -d /tmp/mnistdash-docker.XXXXXX)
START=$(date +%s)
DOCKERD=""
log() { echo "[$(basename "$0" .sh) $(( $(date +%s) - START ))s] $*"; }

apt_need() {  # apt_need PROGRAM PACKAGE ...: install the packages whose program is missing
  local need=()
  while [ $# -gt 0 ]; do [ -x "$1" ] || command -v "$1" >/dev/null || need+=("$2"); shift 2; done
  [ ${#need[@]} -eq 0 ] && return
  [ "$(id -u)" = 0 ] || { echo "needs root to apt-get install ${need[*]}"; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
}

start_dockerd() {
  /usr/sbin/dockerd --host "unix://$WORK/docker.sock" --data-root /var/lib/mnistdash-docker \
    --exec-root "$WORK/exec" --pidfile "$WORK/dockerd.pid" >"$WORK/dockerd.log" 2>&1 &
  DOCKERD=$!
  export DOCKER_HOST="unix://$WORK/docker.sock"
  for _ in $(seq 60); do $DOCKER info >/dev/null 2>&1 && break; sleep 1; done
  $DOCKER info >/dev/null || { tail -20 "$WORK/dockerd.log"; exit 1; }
  log "dockerd up"
}

stop_dockerd() {
  [ -n "$DOCKERD" ] && kill "$DOCKERD" 2>/dev/null || true; [ -n "$DOCKERD" ] && wait "$DOCKERD" 2>/dev/null || true
  umount "$WORK/exec/netns/default" 2>/dev/null || true
  rm -rf "$WORK" 2>/dev/null || true
}

make_base() {
  if ! $DOCKER image inspect "$BASE" >/dev/null 2>&1; then
    log "debootstrap bookworm (once; cached as $BASE)"
    local rootfs="$WORK/rootfs" mirror
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    debootstrap --variant=minbase --include=python3.11,python3-pip,python3-venv,ca-certificates,passwd \
      bookworm "$rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log"; exit 1; }
    cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
    # pip's settings without the local-file sources (those paths do not exist inside a build).
    printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\nbreak-system-packages = true\n' > "$rootfs/etc/pip.conf"
    ln -sf python3.11 "$rootfs/usr/bin/python"
    tar -C "$rootfs" -c . | $DOCKER import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$BASE" >/dev/null
  fi
  log "base ready"
}

build_app() {  # build_app IMAGE: the repository's Dockerfile, unchanged, on the local base with the local torch wheel
  # The wheel is served over loopback for the build (--network host), not copied into the image.
  local wheel ctx="$WORK/ctx" port server
  wheel=$(ls /opt/wheels/torch-2.13.0+cpu-*.whl | head -1)
  mkdir -p "$ctx" "$WORK/wheels"
  git ls-files -z | xargs -0 -I{} cp --parents {} "$ctx"/ 2>/dev/null || true
  cp constraints.txt "$ctx"/; ln -s "$wheel" "$WORK/wheels/"
  # A fixed port when free: the URL is a build argument, and a new one would miss the dependency layer's cache.
  port=38573
  python3 -c "import socket; socket.socket().bind(('127.0.0.1', $port))" 2>/dev/null || port=$(free_port)
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$WORK/wheels" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break; sleep 0.1; done
  log "build $1"
  $DOCKER build -q -t "$1" --network host --build-arg BASE="$BASE" \
    --build-arg TORCH_PIP_ARGS="--find-links http://127.0.0.1:$port/" "$ctx" >/dev/null || { kill "$server"; exit 1; }
  kill "$server"; wait "$server" 2>/dev/null || true
  log "built $1: $($DOCKER image inspect -f '{{.Size}}' "$1") bytes"
}

free_port() { python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
