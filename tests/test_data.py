"""IDX and npz reading: round trips, the real MNIST, and every kind of damage named clearly."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from mnistdash.data import DataError, load_split, read_idx, write_idx


def _write_split(folder, split, images, labels, gz=True):
    names = {
        "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
        "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
    }
    ext = ".gz" if gz else ""
    write_idx(folder / f"{names[split][0]}{ext}", images)
    write_idx(folder / f"{names[split][1]}{ext}", labels)


@pytest.mark.parametrize("gz", [True, False])
def test_idx_round_trip(tmp_path, gz):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (17, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 17, dtype=np.uint8)
    _write_split(tmp_path, "test", images, labels, gz)
    split = load_split("test", tmp_path)
    np.testing.assert_array_equal(split.images, images)
    np.testing.assert_array_equal(split.labels, labels)
    assert split.floats().max() <= 1.0


def test_real_mnist_counts_and_order():
    train, test = load_split("train"), load_split("test")
    assert train.images.shape == (60000, 28, 28) and test.images.shape == (10000, 28, 28)
    assert list(test.labels[:10]) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert list(train.labels[:10]) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert list(np.bincount(test.labels)) == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert abs(train.images.mean() - 33.318) < 0.01


def test_truncated_file_is_named(tmp_path):
    _write_split(tmp_path, "test", np.zeros((5, 28, 28), np.uint8), np.zeros(5, np.uint8), gz=False)
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte.*truncated"):
        load_split("test", tmp_path)


def test_damaged_gzip_is_named(tmp_path):
    _write_split(tmp_path, "test", np.zeros((5, 28, 28), np.uint8), np.zeros(5, np.uint8))
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.gz"):
        load_split("test", tmp_path)


def test_bad_magic(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(b"\x00\x00\x0d\x03" + b"\x00" * 20)
    with pytest.raises(DataError, match="magic"):
        read_idx(path)
    path.write_bytes(b"PK\x03\x04 not idx at all")
    with pytest.raises(DataError, match="magic"):
        read_idx(path)


def test_images_and_labels_swapped(tmp_path):
    labels = np.zeros(5, np.uint8)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", labels)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", labels)
    with pytest.raises(DataError, match="magic 2049, expected 2051"):
        load_split("test", tmp_path)


def test_wrong_shape_and_counts(tmp_path):
    _write_split(tmp_path, "test", np.zeros((5, 32, 32), np.uint8), np.zeros(5, np.uint8))
    with pytest.raises(DataError, match=r"\(N, 28, 28\)"):
        load_split("test", tmp_path)
    _write_split(tmp_path, "test", np.zeros((5, 28, 28), np.uint8), np.zeros(4, np.uint8))
    with pytest.raises(DataError, match="5 images but 4 labels"):
        load_split("test", tmp_path)
    _write_split(tmp_path, "test", np.zeros((5, 28, 28), np.uint8), np.full(5, 12, np.uint8))
    with pytest.raises(DataError, match="labels outside 0-9"):
        load_split("test", tmp_path)


def test_missing_files(tmp_path):
    with pytest.raises(DataError, match="no test data"):
        load_split("test", tmp_path)
    with pytest.raises(DataError, match="not found"):
        load_split("test", tmp_path / "nowhere")


def test_kannada_npz_layout(tmp_path):
    rng = np.random.default_rng(1)
    for split, n in (("train", 30), ("test", 12)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, n)
        np.savez_compressed(tmp_path / f"X_kannada_MNIST_{split}.npz", images)
        np.savez_compressed(tmp_path / f"y_kannada_MNIST_{split}.npz", labels)
        got = load_split(split, tmp_path)
        np.testing.assert_array_equal(got.images, images)
        np.testing.assert_array_equal(got.labels, labels)


def test_npz_damage(tmp_path):
    np.savez(tmp_path / "X_kannada_MNIST_test.npz", np.zeros((3, 28, 28), np.uint8))
    (tmp_path / "y_kannada_MNIST_test.npz").write_bytes(b"not a zip")
    with pytest.raises(DataError, match="y_kannada_MNIST_test.npz"):
        load_split("test", tmp_path)


def test_gzip_magic_is_detected_not_the_name(tmp_path):
    payload = bytes([0, 0, 8, 1]) + (3).to_bytes(4, "big") + bytes([1, 2, 3])
    path = tmp_path / "plain-name"
    path.write_bytes(gzip.compress(payload))
    assert list(read_idx(path)) == [1, 2, 3]
