# mnistdash in a container: the committed models and the embedded MNIST are inside the image.
#   docker build -t mnistdash .
#   docker run --rm -p 8501:8501 -v mnistdash-data:/data mnistdash
# /data is a writable volume: models (MNISTDASH_MODELS_DIR, seeded from the image on a new named volume)
# and the review database (MNISTDASH_STATE_DIR), so `mnistdash train` and the quiz work in the container:
#   docker run --rm -v mnistdash-data:/data mnistdash mnistdash train --only mlp
# Builds without a registry: --build-arg BASE=<local image> --build-arg TORCH_PIP_ARGS="--find-links /wheels"
ARG BASE=python:3.11-slim
FROM ${BASE}

# The CPU build of torch; override with a local wheel folder or another index.
ARG TORCH_PIP_ARGS="--index-url https://download.pytorch.org/whl/cpu"

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLCONFIGDIR=/tmp/mpl STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 STREAMLIT_SERVER_PORT=8501 \
    MNISTDASH_MODELS_DIR=/data/models MNISTDASH_STATE_DIR=/data/state

RUN useradd --create-home --uid 1000 app
WORKDIR /app

# Dependencies first, from pyproject + constraints only: a code change does not reinstall them. torch's C++ tests,
# test binaries and headers (about 190 MB) go: nothing here compiles against torch (bin/torch_shm_manager stays).
COPY pyproject.toml constraints.txt ./
RUN pip install torch==2.13.0 $TORCH_PIP_ARGS \
 && python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))" > /tmp/deps.txt \
 && pip install -r /tmp/deps.txt -c constraints.txt \
 && rm /tmp/deps.txt \
 && TORCH_DIR=$(python -c "import importlib.util, os; print(os.path.dirname(importlib.util.find_spec('torch').origin))") \
 && rm -rf "$TORCH_DIR/test" "$TORCH_DIR/include" \
 && find "$TORCH_DIR/bin" -type f ! -name torch_shm_manager -delete

# The code, installed in place (one copy, /app/mnistdash; the CLI finds /app/data by itself).
COPY README.md app.py ./
COPY mnistdash ./mnistdash
COPY pages ./pages
COPY .streamlit ./.streamlit
COPY static ./static
COPY data ./data
RUN pip install --no-deps -e . && rm -rf build *.egg-info
COPY --chown=app:app models /data/models
RUN mkdir -p /data/state && chown app:app /data /data/state

USER app
VOLUME /data
# Each script thread kept a glibc malloc arena of its own: two serve 10 sessions in ~170 MB less (README "Measuring").
ENV MALLOC_ARENA_MAX=2
EXPOSE 8501
HEALTHCHECK --interval=2s --timeout=2s --start-period=10s --retries=3 \
  CMD python -c "import os,sys,urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:%s/_stcore/health' % os.environ['STREAMLIT_SERVER_PORT']).status != 200)"
CMD ["streamlit", "run", "app.py"]
