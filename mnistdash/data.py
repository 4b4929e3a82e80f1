"""Reading 28x28 ten-class datasets (IDX, gzipped or plain, and Kannada-MNIST npz) into numpy."""

from __future__ import annotations

import gzip
import hashlib
import math
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mnistdash.config import DATA_DIR, IMAGE_SIZE, N_CLASSES, SEED
from mnistdash.errors import DataError  # noqa: F401  (raised here, imported from here)

IDX_IMAGES_MAGIC = 2051
IDX_LABELS_MAGIC = 2049
MAX_IDX_DIMS = 8  # images are (N, 28, 28), labels (N,); numpy itself stops at 64
IDX_NAMES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
NPZ_NAMES = {
    "train": ("X_kannada_MNIST_train.npz", "y_kannada_MNIST_train.npz"),
    "test": ("X_kannada_MNIST_test.npz", "y_kannada_MNIST_test.npz"),
}


@dataclass(frozen=True)
class Split:
    images: np.ndarray  # (N, 28, 28) uint8
    labels: np.ndarray  # (N,) int64

    def __len__(self) -> int:
        return len(self.labels)

    def floats(self) -> np.ndarray:
        """Images as float32 in [0, 1], shape (N, 28, 28)."""
        return self.images.astype(np.float32) / 255.0


def noisy(x: np.ndarray, sigma: float, seed: int = SEED) -> np.ndarray:
    """Gaussian noise of std `sigma` on [0, 1] pixels, clipped; deterministic for a given seed."""
    rng = np.random.default_rng(seed)
    return np.clip(x + sigma * rng.standard_normal(x.shape, dtype=np.float32), 0, 1).astype(np.float32)


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise DataError(f"{path}: file not found")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise DataError(f"{path}: damaged gzip stream ({exc})") from None
    return raw


def read_idx(path: str | Path, expect_magic: int | None = None) -> np.ndarray:
    """Read one IDX file (uint8 payload), gzipped or plain, checking magic, dims and length."""
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 8:
        raise DataError(f"{path}: too short to be an IDX file ({len(raw)} bytes)")
    magic = int.from_bytes(raw[:4], "big")
    if raw[:2] != b"\x00\x00" or raw[2] != 0x08:
        raise DataError(f"{path}: bad IDX magic number {magic} (expected an unsigned-byte IDX file)")
    if expect_magic is not None and magic != expect_magic:
        raise DataError(f"{path}: IDX magic {magic}, expected {expect_magic}")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if ndim == 0 or ndim > MAX_IDX_DIMS:
        raise DataError(f"{path}: IDX header says {ndim} dimensions; an image or label file has 1 to {MAX_IDX_DIMS}")
    if len(raw) < header:
        raise DataError(f"{path}: truncated IDX header")
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    count = math.prod(dims)  # exact: numpy's product of large dims would overflow
    if len(raw) - header != count:
        raise DataError(f"{path}: truncated or padded: header says {dims} = {count} bytes, file has {len(raw) - header}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims).copy()


def write_idx(path: str | Path, array: np.ndarray) -> None:
    """Write a uint8 array as IDX (gzipped when the name ends in .gz); used by tests and tools."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    payload = header + array.tobytes()
    path = Path(path)
    path.write_bytes(gzip.compress(payload, mtime=0) if path.suffix == ".gz" else payload)


def _check(images: np.ndarray, labels: np.ndarray, where: str) -> Split:
    if images.ndim != 3 or images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise DataError(f"{where}: images have shape {images.shape}, expected (N, 28, 28)")
    if labels.ndim != 1:
        raise DataError(f"{where}: labels have shape {labels.shape}, expected (N,)")
    if len(images) != len(labels):
        raise DataError(f"{where}: {len(images)} images but {len(labels)} labels")
    if len(labels) and (labels.min() < 0 or labels.max() >= N_CLASSES):
        raise DataError(f"{where}: labels outside 0-9 (found {labels.min()}..{labels.max()})")
    if images.dtype != np.uint8:
        if images.min() < 0 or images.max() > 255:
            raise DataError(f"{where}: pixel values outside 0-255")
        images = images.astype(np.uint8)
    return Split(images=images, labels=labels.astype(np.int64))


def _find(data_dir: Path, name: str) -> Path | None:
    for candidate in (data_dir / f"{name}.gz", data_dir / name):
        if candidate.exists():
            return candidate
    return None


def _load_npz_array(path: Path) -> np.ndarray:
    """The first (or `arr_0`) array of an npz file, checked to hold finite real numbers."""
    try:
        npz = np.load(path, allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise ValueError("a plain .npy array, not an npz archive")
        with npz:
            key = "arr_0" if "arr_0" in npz.files else npz.files[0]
            array = npz[key]
    except (
        OSError,
        ValueError,
        KeyError,
        IndexError,
        EOFError,
        zipfile.BadZipFile,
        zlib.error,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise DataError(f"{path}: not a readable npz file ({exc or type(exc).__name__})") from None
    if array.dtype.kind not in "biuf" or (array.dtype.kind == "f" and not np.isfinite(array).all()):
        raise DataError(f"{path}: holds {array.dtype} values; expected finite real numbers")
    return array


def load_split(split: str, data_dir: str | Path | None = None) -> Split:
    """Load 'train' or 'test' from a directory holding IDX files or Kannada-MNIST-style npz files."""
    if split not in IDX_NAMES:
        raise DataError(f"unknown split {split!r}; use 'train' or 'test'")
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    if not data_dir.is_dir():
        raise DataError(f"{data_dir}: data directory not found")
    img_name, lbl_name = IDX_NAMES[split]
    img_path, lbl_path = _find(data_dir, img_name), _find(data_dir, lbl_name)
    if img_path and lbl_path:
        images = read_idx(img_path, IDX_IMAGES_MAGIC)
        labels = read_idx(lbl_path, IDX_LABELS_MAGIC).astype(np.int64)
        return _check(images, labels, str(img_path))
    x_path, y_path = (data_dir / n for n in NPZ_NAMES[split])
    if x_path.exists() and y_path.exists():
        return _check(_load_npz_array(x_path), _load_npz_array(y_path).astype(np.int64), str(x_path))
    raise DataError(f"{data_dir}: no {split} data (expected {img_name}[.gz] + {lbl_name}[.gz] or {NPZ_NAMES[split][0]})")


def data_checksum(data_dir: str | Path | None = None) -> str:
    """sha256 over the dataset files in a directory (sorted by name), to tie models to their data."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    digest = hashlib.sha256()
    for path in sorted(p for p in data_dir.iterdir() if p.suffix in (".gz", ".npz") or "ubyte" in p.name):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
