"""The model store: round trips, checksums, and damage that names the file while the rest loads."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

from mnistdash import store, zoo
from mnistdash.config import ROOT
from mnistdash.zoo import registry


def test_quick_store_lists_every_model(quick_store):
    manifest = store.read_manifest(quick_store)
    assert set(manifest["models"]) == set(registry.all_models()) | set(registry.SHORTCUT_MODELS)  # the copies: models too
    for name, entry in manifest["models"].items():
        for key in ("config", "params", "seed", "train_seconds", "data_sha256", "files"):
            assert key in entry, (name, key)
        assert entry["params"] > 0
        for rel, digest in entry["files"].items():
            assert store.sha256(quick_store / rel) == digest
    models, errors = zoo.load_all(models_dir=quick_store)
    assert not errors and set(models) == set(registry.all_models())


def test_round_trip_preserves_predictions(quick_store, test_split):
    x = test_split.floats()[:50]
    first = zoo.load("mlp", quick_store).predict_proba(x)
    second = zoo.load("mlp", quick_store).predict_proba(x)
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize("damage", ["delete", "truncate", "alter", "garbage-config"])
def test_damaged_model_is_named_and_others_load(store_copy, damage):
    weights = store_copy / "cnn" / "weights.safetensors"
    if damage == "delete":
        weights.unlink()
    elif damage == "truncate":
        weights.write_bytes(weights.read_bytes()[:1000])
    elif damage == "alter":
        raw = bytearray(weights.read_bytes())
        raw[-10] ^= 0xFF
        weights.write_bytes(bytes(raw))
    else:
        (store_copy / "cnn" / "config.json").write_text("{not json")
    models, errors = zoo.load_all(models_dir=store_copy)
    assert set(errors) == {"cnn"}
    assert "cnn" in errors["cnn"] and "\n" not in errors["cnn"]
    assert ("missing" if damage == "delete" else "checksum") in errors["cnn"]
    assert set(models) == set(registry.all_models()) - {"cnn"}


def test_missing_or_damaged_manifest(store_copy):
    (store_copy / "manifest.json").write_text("[1, 2")
    with pytest.raises(store.StoreError, match="manifest.json is damaged"):
        store.read_manifest(store_copy)
    (store_copy / "manifest.json").unlink()
    models, errors = zoo.load_all(models_dir=store_copy)
    assert not models and all("manifest.json is missing" in e for e in errors.values())


def test_checksum_of_edited_but_consistent_weights_is_caught(store_copy):
    """Re-saving valid weights with other values still fails the manifest's checksum."""
    from safetensors.numpy import load_file, save_file

    path = store_copy / "logreg-ovr" / "weights.safetensors"
    tensors = load_file(str(path))
    tensors["coef"] = tensors["coef"] * 2
    save_file(tensors, str(path))
    with pytest.raises(store.StoreError, match="logreg-ovr.*checksum"):
        zoo.load("logreg-ovr", store_copy)


def test_weights_that_do_not_fit_the_config(store_copy):
    entry = store.read_manifest(store_copy)["models"]["mlp"]
    cfg_path = store_copy / "mlp" / "config.json"
    cfg = json.loads(cfg_path.read_text())
    cfg["hidden"] = [50]
    cfg_path.write_text(json.dumps(cfg))
    entry["files"]["mlp/config.json"] = store.sha256(cfg_path)
    store.update_manifest("models", "mlp", entry, store_copy)
    with pytest.raises(store.StoreError, match="mlp: weights do not fit its config"):
        zoo.load("mlp", store_copy)


def test_artifact_round_trip_and_tamper(store_copy):
    probs = store.load_artifact("probs-cnn", store_copy)
    assert probs["test"].shape == (10000, 10)
    path = store_copy / "artifacts" / "probs-cnn.npz"
    path.write_bytes(path.read_bytes()[:-50])
    with pytest.raises(store.StoreError, match="probs-cnn"):
        store.load_artifact("probs-cnn", store_copy)


def test_nothing_is_unpickled():
    """No pickle, joblib or whole-object torch.load anywhere in the package or the app."""
    out = subprocess.run(
        ["grep", "-rnE", r"import pickle|joblib|torch\.load\(|allow_pickle=True", "mnistdash", "pages", "app.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.stdout == "", out.stdout
