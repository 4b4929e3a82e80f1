"""The Dockerfile, checked statically (no Docker engine runs here)."""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
from pathlib import Path

from mnistdash.config import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(name: str) -> list[str]:
    text = re.sub(r"\\\n", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in text.splitlines() if line.strip().upper().startswith(name + " ")]


def test_every_copied_path_exists():
    copies = instructions("COPY")
    assert copies
    for args in copies:
        *sources, _dest = [a for a in shlex.split(args) if not a.startswith("--")]
        for src in sources:
            assert (ROOT / src).exists(), src
    for needed in ("app.py", "pages", "mnistdash", "models", "data", ".streamlit", "pyproject.toml"):
        assert any(needed in shlex.split(a)[:-1] for a in copies), needed


def test_dependencies_installed_before_the_code_and_pinned():
    lines = [ln for ln in re.sub(r"\\\n", " ", DOCKERFILE).splitlines() if ln.strip().startswith(("COPY ", "RUN "))]
    first_dep = next(i for i, ln in enumerate(lines) if "-c constraints.txt" in ln)
    before = " ".join(ln for ln in lines[:first_dep] if ln.startswith("COPY"))
    assert "pyproject.toml" in before and "constraints.txt" in before
    assert "mnistdash" not in before.replace("mnistdash/", "") and "README" not in before
    assert (ROOT / "constraints.txt").exists()
    pins = [ln for ln in (ROOT / "constraints.txt").read_text().splitlines() if ln and not ln.startswith("#")]
    assert pins and all("==" in ln for ln in pins)
    makefile = (ROOT / "Makefile").read_text()
    assert "-c constraints.txt" in makefile and "lock:" in makefile


def test_one_copy_of_the_package_and_a_writable_volume():
    runs = " ".join(instructions("RUN"))
    assert "pip install --no-deps -e ." in runs and "egg-info" in runs
    assert "[test]" not in runs and "build-essential" not in runs and "gcc" not in runs
    assert "/data" in " ".join(instructions("VOLUME"))
    env = " ".join(instructions("ENV"))
    assert "MNISTDASH_STATE_DIR=/data/state" in env and "MNISTDASH_MODELS_DIR=/data/models" in env
    assert "MNISTDASH_DATA_DIR" not in env


def test_runs_what_the_readme_runs_on_all_interfaces():
    cmd = json.loads(instructions("CMD")[-1])
    assert cmd[:3] == ["streamlit", "run", "app.py"]
    env = " ".join(instructions("ENV"))
    assert "STREAMLIT_SERVER_ADDRESS=0.0.0.0" in env and "STREAMLIT_SERVER_PORT=8501" in env
    assert "8501" in instructions("EXPOSE")[0]
    readme = (ROOT / "README.md").read_text()
    assert "docker build -t mnistdash ." in readme and "docker run --rm -p 8501:8501 mnistdash" in readme
    assert "streamlit run app.py" in (ROOT / "Makefile").read_text()


def test_slim_base_cpu_torch_non_root_healthcheck():
    assert "BASE=python:3.11-slim" in instructions("ARG")[0]
    assert instructions("FROM")[0] == "${BASE}"
    assert any("torch==2.13.0" in r and "$TORCH_PIP_ARGS" in r for r in instructions("RUN"))
    assert any("TORCH_PIP_ARGS=" in a and "whl/cpu" in a for a in instructions("ARG"))
    assert instructions("USER") and instructions("USER")[-1] not in ("root", "0")
    health = instructions("HEALTHCHECK")[0]
    assert "/_stcore/health" in health
    interval = int(re.search(r"--interval=(\d+)s", health).group(1))
    start = int(re.search(r"--start-period=(\d+)s", health).group(1))
    assert interval <= 2 and start <= 10  # healthy within 10 s of start


def test_streamlit_settings():
    import tomllib

    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["maxUploadSize"] <= 10
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["server"]["address"] == "localhost"
    assert cfg["browser"]["gatherUsageStats"] is False


def test_the_torch_files_the_image_drops_are_not_code_torch_loads():
    """The image deletes torch's C++ tests, headers and test binaries; none of it may be Python or a shared library,
    and bin/torch_shm_manager (which `import torch` looks for) must stay."""
    runs = " ".join(instructions("RUN"))
    assert '"$TORCH_DIR/test"' in runs and '"$TORCH_DIR/include"' in runs and "! -name torch_shm_manager" in runs
    torch_dir = Path(importlib.util.find_spec("torch").origin).parent
    dropped = [p for d in ("test", "include") for p in (torch_dir / d).rglob("*") if p.is_file()]
    dropped += [p for p in (torch_dir / "bin").iterdir() if p.is_file() and p.name != "torch_shm_manager"]
    assert dropped, "the installed torch no longer has what the Dockerfile deletes"
    assert not [p for p in dropped if p.suffix in (".py", ".so") or ".so." in p.name]
    assert (torch_dir / "bin" / "torch_shm_manager").exists()
    assert "torch_shm_manager" in (torch_dir / "__init__.py").read_text()
