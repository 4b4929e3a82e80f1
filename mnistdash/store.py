"""Saving and loading weights + config + metrics: safetensors and JSON under models/, never pickle.

Layout: models/manifest.json lists every model with its config, parameter count, seed, training
wall time, data checksum, test accuracy and the sha256 of each of its files. models/NAME/ holds
weights.safetensors, config.json and metrics.json; models/artifacts/ holds precomputed arrays
(.npz, read with allow_pickle=False). Loading checks every file against the manifest, so a
missing, truncated or altered file is named in the error and the other models still load.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file, save_file

from mnistdash.config import MANIFEST, MODELS_DIR
from mnistdash.errors import StoreError  # noqa: F401  (raised here, imported from here)

ARTIFACTS = "artifacts"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _dir(models_dir: str | Path | None) -> Path:
    return Path(models_dir) if models_dir is not None else MODELS_DIR


def read_manifest(models_dir: str | Path | None = None) -> dict[str, Any]:
    path = _dir(models_dir) / MANIFEST
    if not path.exists():
        raise StoreError(f"{path} is missing; run `mnistdash train` to rebuild the models")
    try:
        manifest = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StoreError(
            f"{path} is damaged ({exc.__class__.__name__}); restore it from git or rerun `mnistdash train`"
        ) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("models"), dict):
        raise StoreError(f"{path} has no 'models' table; restore it from git or rerun `mnistdash train`")
    return manifest


def write_manifest(manifest: dict[str, Any], models_dir: str | Path | None = None) -> None:
    path = _dir(models_dir) / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def update_manifest(section: str, key: str, entry: dict[str, Any], models_dir: str | Path | None = None) -> None:
    """Set manifest[section][key] = entry, creating the manifest if needed."""
    try:
        manifest = read_manifest(models_dir)
    except StoreError:
        manifest = {"models": {}, "artifacts": {}}
    manifest.setdefault(section, {})[key] = entry
    write_manifest(manifest, models_dir)


def save_model(
    name: str,
    tensors: dict[str, np.ndarray],
    config: dict[str, Any],
    metrics: dict[str, Any],
    info: dict[str, Any],
    models_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Write one model's weights, config and metrics and record them in the manifest."""
    root = _dir(models_dir)
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(folder / "weights.safetensors"))
    (folder / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    files = {f"{name}/{f}": sha256(folder / f) for f in ("weights.safetensors", "config.json", "metrics.json")}
    entry = {"config": config, "files": files, **info, **metrics}
    update_manifest("models", name, entry, root)
    return entry


def _verified(root: Path, files: dict[str, str], what: str) -> None:
    for rel, expected in files.items():
        path = root / rel
        if not path.exists():
            raise StoreError(f"{what}: {path} is missing; restore it from git or run `mnistdash train --only {what}`")
        if sha256(path) != expected:
            raise StoreError(
                f"{what}: {path} does not match its checksum in the manifest (truncated or altered); "
                f"restore it from git or run `mnistdash train --only {what}`"
            )


def check_model(name: str, models_dir: str | Path | None = None) -> dict[str, Any]:
    """The manifest entry of one model whose files are all present and match their checksums."""
    root = _dir(models_dir)
    entry = read_manifest(root)["models"].get(name)
    if entry is None:
        raise StoreError(f"{name}: not in {root / MANIFEST}; run `mnistdash train --only {name}`")
    _verified(root, entry.get("files", {}), name)
    return entry


def load_model_files(
    name: str, models_dir: str | Path | None = None
) -> tuple[dict[str, np.ndarray], dict[str, Any], dict[str, Any]]:
    """Verified (tensors, config, manifest entry) of one model."""
    root = _dir(models_dir)
    entry = check_model(name, root)
    try:
        tensors = load_file(str(root / name / "weights.safetensors"))
        config = json.loads((root / name / "config.json").read_text())
    except (SafetensorError, OSError, json.JSONDecodeError) as exc:
        raise StoreError(f"{name}: cannot read its files ({exc}); run `mnistdash train --only {name}`") from None
    return tensors, config, entry


def save_artifact(key: str, arrays: dict[str, np.ndarray], models_dir: str | Path | None = None, **info: Any) -> None:
    """Write models/artifacts/KEY.npz (compressed, no pickled objects) and record its checksum."""
    root = _dir(models_dir)
    folder = root / ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key}.npz"
    np.savez_compressed(path, **arrays)
    update_manifest("artifacts", key, {"file": f"{ARTIFACTS}/{key}.npz", "sha256": sha256(path), **info}, root)


def load_artifact(key: str, models_dir: str | Path | None = None) -> dict[str, np.ndarray]:
    root = _dir(models_dir)
    entry = read_manifest(root).get("artifacts", {}).get(key)
    if entry is None:
        raise StoreError(f"artifact {key!r} is not in {root / MANIFEST}; run `mnistdash train`")
    _verified(root, {entry["file"]: entry["sha256"]}, f"artifact {key}")
    try:
        with np.load(root / entry["file"], allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}
    except (OSError, ValueError) as exc:
        raise StoreError(f"{root / entry['file']}: cannot be read ({exc}); run `mnistdash train`") from None
