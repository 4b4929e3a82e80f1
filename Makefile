# Two commands on a fresh machine: `make run` (set up, start the dashboard) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Elsewhere, get the CPU build of torch with: make run TORCH_PIP_ARGS="--index-url https://download.pytorch.org/whl/cpu"
TORCH_PIP_ARGS ?=
PORT ?= 8501
# Another dataset and its models: make run DATA=data/fashion MODELS=models-fashion (README: "Another dataset").
DATA ?=
MODELS ?=
RUN_ENV := $(if $(DATA),MNISTDASH_DATA_DIR=$(abspath $(DATA))) $(if $(MODELS),MNISTDASH_MODELS_DIR=$(abspath $(MODELS)))

.PHONY: run test test-fast setup lock docker-test compose-test browser postgres bench lint

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0 $(TORCH_PIP_ARGS)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

# Pin every dependency the working venv resolved (used by `make setup` and the Dockerfile; torch is pinned apart).
lock:
	@test -x $(PY) || { echo "no $(VENV) yet: run make setup first"; exit 1; }
	$(PY) -m pip freeze --exclude-editable | grep -v -i -E '^(torch|pip|setuptools|wheel)==' > constraints.txt

# MALLOC_ARENA_MAX=2: each script thread kept a glibc malloc arena of its own (10 sessions: 873 -> 701 MB RSS).
run: setup
	MALLOC_ARENA_MAX=2 $(RUN_ENV) $(VENV)/bin/streamlit run app.py --server.port $(PORT)

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Debian's chromium is needed for the browser tests: sudo apt-get install chromium"; exit 1; fi; }

# Debian's PostgreSQL server, for the review store's tests against a real server (a throwaway cluster per run).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "Debian's postgresql is needed for the review-store tests: sudo apt-get install postgresql"; exit 1; fi; }

# Every test, over both cores (pytest-xdist; a file's tests stay on one worker, so a module's server is started once).
# Two workers keep the cores about 60% busy (the browser tests wait on pages); four kept them busy (11 min against
# 15) but made three browser tests race their pages in a fresh-clone CI run: `make test PYTEST_WORKERS=4` to try.
PYTEST_WORKERS ?= 2
# --prebuild: the two quick-trained stores the tests share are trained in the background from the start.
test: setup browser postgres
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --prebuild

# The inner loop: no browser, no PostgreSQL, nothing that trains (markers in pyproject.toml).
test-fast: setup
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not browser and not postgres and not slow"

bench: setup browser
	for f in bench/*.py; do $(PY) $$f || exit 1; done

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Build and run the image here with Debian's docker.io and a debootstrap base (root; see deploy/docker-test.sh).
docker-test:
	timeout 1500 deploy/docker-test.sh

# deploy/compose.yaml here: 2 replicas + nginx + PostgreSQL, two browser sessions through the balancer (root; see deploy/compose-test.sh).
compose-test:
	timeout 1500 deploy/compose-test.sh
