"""Training: quick runs on other data layouts, fixed seeds, and the artifacts the app reads."""

from __future__ import annotations

import numpy as np

from mnistdash import store
from mnistdash.config import train_threads
from mnistdash.data import load_split
from mnistdash.explain.faithfulness import QUICK_DIGITS
from mnistdash.jobs.train import train_all


def test_quick_store_artifacts(quick_store):
    emb = store.load_artifact("embedding", quick_store)
    assert emb["bottleneck"].shape == emb["tsne"].shape == (len(emb["index"]), 2)
    table = store.load_artifact("denoise", quick_store)
    assert table["noisy"].shape == table["denoised"].shape == (len(table["models"]), len(table["levels"]))
    cv = store.load_artifact("cv-train", quick_store)
    assert cv["probs"].shape == (2000, 10)
    board = store.load_artifact("faithfulness", quick_store)  # every classifier x method x metric, 10 digits
    assert board["value"].shape == (len(board["models"]), len(board["methods"]), len(board["metrics"]))
    assert len(board["index"]) == QUICK_DIGITS[0]
    assert np.isfinite(board["value"][:, -1]).all()  # the random map scores every model
    shortcut = store.load_artifact("shortcut", quick_store)  # the planted-shortcut copies and the originals beside them
    assert list(shortcut["models"]) == ["mlp-shortcut", "cnn-shortcut", "mlp", "cnn"]
    assert shortcut["mass"].shape == (4, len(shortcut["methods"]), 2) and int(shortcut["per_group"][0]) == 8
    for name in ("mlp", "cnn"):  # the training digits behind an answer: every training digit's representation
        behind = store.load_artifact(f"influence-{name}", quick_store)
        assert behind["features"].shape[0] == behind["alpha"].shape[0] == len(behind["labels"]) == 2000
        assert behind["weight"].shape == (10, behind["features"].shape[1])


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
    assert manifest["models"]["mlp"]["train_threads"] == train_threads()  # what it trained on: a rebuild needs it
    assert store.load_artifact("probs-mlp", tmp_path / "a")["test"].shape == (200, 10)


def test_augment_noise_is_seeded_clipped_and_on_a_share_of_the_batch():
    import torch

    from mnistdash.jobs.train import augment

    x = torch.from_numpy(load_split("test").floats()[:400]).unsqueeze(1)
    a = augment(x, torch.Generator().manual_seed(1), noise=0.6, noise_share=0.5)
    b = augment(x, torch.Generator().manual_seed(1), noise=0.6, noise_share=0.5)
    plain = augment(x, torch.Generator().manual_seed(1))
    assert torch.equal(a, b)  # the training generator decides everything
    assert a.min() >= 0 and a.max() <= 1
    background = (a[:, 0, :4, :4] > 0).flatten(1).any(1)  # noise lights the empty corner
    assert 0.3 < background.float().mean() < 0.7  # on about half the batch
    assert (plain[:, 0, :4, :4] > 0).flatten(1).any(1).float().mean() < 0.05  # without noise: hardly any


def test_the_convnet_trains_to_the_same_weights_twice_whatever_the_callers_thread_count():
    """The cnn's run is seeded end to end (data order, augmentation, the noise it trains under, the initial weights),
    and it trains on the one thread its committed weights were made on, whatever the caller's count: a quick run on
    2,000 training digits, twice on two threads and once on one, gives the same weights to the bit, and the caller's
    count comes back."""
    import torch

    from mnistdash.data import Split
    from mnistdash.jobs.train import train_model

    train = load_split("train")
    train = Split(train.images[:2000], train.labels[:2000])
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        runs = [train_model("cnn", train, quick=True)[1] for _ in range(2)]
        assert torch.get_num_threads() == 2
        other = train_model("cnn", train, quick=True, seed=1)[1]
        torch.set_num_threads(1)
        runs.append(train_model("cnn", train, quick=True)[1])
    finally:
        torch.set_num_threads(threads)
    assert runs[0].keys() == runs[1].keys() == runs[2].keys()
    for key in runs[0]:
        assert np.array_equal(runs[0][key], runs[1][key]) and np.array_equal(runs[0][key], runs[2][key]), key
    assert any(not np.array_equal(other[k], runs[0][k]) for k in other)  # the comparison sees a change of seed
