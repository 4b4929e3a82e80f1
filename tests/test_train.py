"""Training: quick runs on other data layouts, fixed seeds, and the artifacts the app reads."""

from __future__ import annotations

import numpy as np

from mnistdash import store
from mnistdash.data import load_split
from mnistdash.train import train_all


def test_quick_store_artifacts(quick_store):
    emb = store.load_artifact("embedding", quick_store)
    assert emb["bottleneck"].shape == emb["tsne"].shape == (len(emb["index"]), 2)
    table = store.load_artifact("denoise", quick_store)
    assert table["noisy"].shape == table["denoised"].shape == (len(table["models"]), len(table["levels"]))
    cv = store.load_artifact("cv-train", quick_store)
    assert cv["probs"].shape == (2000, 10)


def test_train_on_kannada_npz_layout_is_seeded(tmp_path):
    """--data-dir with npz files trains; the same seed gives the same weights."""
    src = load_split("test")
    data = tmp_path / "kannada"
    data.mkdir()
    for split, sl in (("train", slice(0, 600)), ("test", slice(600, 800))):
        np.savez_compressed(data / f"X_kannada_MNIST_{split}.npz", src.images[sl])
        np.savez_compressed(data / f"y_kannada_MNIST_{split}.npz", src.labels[sl])
    for run in ("a", "b"):
        train_all(only=["mlp", "logreg-multinomial"], quick=True, data_dir=data, models_dir=tmp_path / run)
    for name in ("mlp", "logreg-multinomial"):
        wa = (tmp_path / "a" / name / "weights.safetensors").read_bytes()
        wb = (tmp_path / "b" / name / "weights.safetensors").read_bytes()
        assert wa == wb, name
    manifest = store.read_manifest(tmp_path / "a")
    assert manifest["models"]["mlp"]["n_train"] == 600
    assert store.load_artifact("probs-mlp", tmp_path / "a")["test"].shape == (200, 10)
