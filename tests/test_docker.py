"""The Dockerfile, checked statically (no Docker engine runs here)."""

from __future__ import annotations

import json
import re
import shlex

from mnistdash.config import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(name: str) -> list[str]:
    text = re.sub(r"\\\n", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in text.splitlines() if line.strip().upper().startswith(name + " ")]


def test_every_copied_path_exists():
    copies = instructions("COPY")
    assert copies
    for args in copies:
        *sources, _dest = shlex.split(args)
        for src in sources:
            assert (ROOT / src).exists(), src
    copied = {shlex.split(a)[0] for a in copies}
    for needed in ("app.py", "pages", "mnistdash", "models", "data", ".streamlit", "pyproject.toml"):
        assert needed in copied, needed


def test_runs_what_the_readme_runs_on_all_interfaces():
    cmd = json.loads(instructions("CMD")[-1])
    assert cmd[:3] == ["streamlit", "run", "app.py"]
    assert cmd[cmd.index("--server.address") + 1] == "0.0.0.0"
    assert "8501" in instructions("EXPOSE")[0]
    readme = (ROOT / "README.md").read_text()
    assert "docker build -t mnistdash ." in readme and "docker run --rm -p 8501:8501 mnistdash" in readme
    assert "streamlit run app.py" in (ROOT / "Makefile").read_text()


def test_slim_base_cpu_torch_non_root_healthcheck():
    assert instructions("FROM")[0].startswith("python:3.11-slim")
    assert any("torch==2.13.0" in r and "whl/cpu" in r for r in instructions("RUN"))
    assert instructions("USER") and instructions("USER")[-1] not in ("root", "0")
    assert "/_stcore/health" in instructions("HEALTHCHECK")[0]
    env = " ".join(instructions("ENV"))
    assert "MNISTDASH_MODELS_DIR=/app/models" in env and "MNISTDASH_DATA_DIR=/app/data/mnist" in env


def test_streamlit_settings():
    import tomllib

    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["maxUploadSize"] <= 10
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["server"]["address"] == "localhost"
    assert cfg["browser"]["gatherUsageStats"] is False
