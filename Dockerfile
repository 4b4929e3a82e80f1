# mnistdash in a container: the committed models and the embedded MNIST are inside the image.
#   docker build -t mnistdash .
#   docker run --rm -p 8501:8501 mnistdash
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    MPLCONFIGDIR=/tmp/mpl STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    MNISTDASH_DATA_DIR=/app/data/mnist MNISTDASH_MODELS_DIR=/app/models

RUN useradd --create-home --uid 1000 app
WORKDIR /app

# The CPU build of torch first, then the rest (layers cached while only the code changes).
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY mnistdash ./mnistdash
RUN pip install .

COPY app.py ./
COPY pages ./pages
COPY .streamlit ./.streamlit
COPY static ./static
COPY models ./models
COPY data ./data

USER app
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health').status != 200)"
CMD ["streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]
