"""The wheel people install carries every room of the package and the drawing component's front end."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_the_wheel_holds_every_module_and_the_canvas(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    (wheel,) = tmp_path.glob("mnistdash-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {str(p.relative_to(ROOT)) for p in (ROOT / "mnistdash").rglob("*.py")}
    assert sources <= names, f"modules missing from the wheel: {sorted(sources - names)[:10]}"
    for asset in ("mnistdash/ui/draw/components/draw.js", "mnistdash/ui/draw/components/index.html"):
        if (ROOT / asset).exists():
            assert asset in names, f"{asset} is not in the wheel"
    assert any(n.startswith("mnistdash/ui/draw/components") and n.endswith(".js") for n in names)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "mnistdash = mnistdash.jobs.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()
