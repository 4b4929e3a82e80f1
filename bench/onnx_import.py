"""What bringing your own model costs: `import-model` of an exported MLP (scored on both splits), and one digit's
prediction by the imported model beside the same network built in (converted graph and onnxruntime alike).

    .venv/bin/python bench/onnx_import.py [--repeats 300]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
torch.set_num_threads(1)

from mnistdash import zoo  # noqa: E402
from mnistdash.config import MODELS_DIR  # noqa: E402
from mnistdash.data import load_split  # noqa: E402
from mnistdash.zoo.onnx import check  # noqa: E402
from mnistdash.zoo.onnx.importer import export_model, import_model  # noqa: E402
from mnistdash.zoo.onnx.model import OnnxRuntimeClassifier  # noqa: E402


def _per_digit_ms(model, digits: np.ndarray) -> np.ndarray:
    model.predict_proba(digits[:1])  # warm
    out = []
    for d in digits:
        start = time.perf_counter()
        model.predict_proba(d[None])
        out.append(1000 * (time.perf_counter() - start))
    return np.array(out)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeats", type=int, default=300)
    args = p.parse_args()
    digits = load_split("test").floats()[: args.repeats]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "models"
        shutil.copytree(MODELS_DIR, root)
        for name in ("mlp", "mlp-deep", "cnn"):
            path = export_model(name, Path(tmp) / f"{name}.onnx")
            start = time.perf_counter()
            entry = import_model(path, f"my-{name}", models_dir=root)
            seconds = time.perf_counter() - start
            built_in, imported = zoo.load(name), zoo.load(f"my-{name}", root)
            model = check.read_model(path)
            runtime = OnnxRuntimeClassifier(name, check.session(model, name), check.layout_of(model, name), "unit", "logits")
            b, i, r = (_per_digit_ms(m, digits) for m in (built_in, imported, runtime))
            print(
                f"{name:<9} {path.stat().st_size / 2**20:5.2f} MB  import {seconds:5.1f} s (test {100 * entry['test_accuracy']:.2f}%)  "
                f"one digit p50/p95 ms: built in {np.median(b):.3f}/{np.percentile(b, 95):.3f}, "
                f"imported {np.median(i):.3f}/{np.percentile(i, 95):.3f} ({np.median(i) / np.median(b):.2f}x), "
                f"onnxruntime {np.median(r):.3f}/{np.percentile(r, 95):.3f} ({np.median(r) / np.median(b):.2f}x)"
            )


if __name__ == "__main__":
    main()
