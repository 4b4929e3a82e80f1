"""The committed models: what `mnistdash evaluate` recomputes matches the manifest and the targets."""

from __future__ import annotations

import pytest

from mnistdash import store
from mnistdash.jobs.evaluate import evaluate_all

TARGETS = {"logreg-multinomial": 0.925, "linear-mse": 0.85, "mlp": 0.978, "mlp-deep": 0.982, "cnn": 0.996, "bottleneck": 0.97}


@pytest.fixture(scope="module")
def rows():
    return {r["model"]: r for r in evaluate_all()}


def test_every_model_loads_and_matches_its_manifest(rows):
    manifest = store.read_manifest()["models"]
    for name, row in rows.items():
        assert row["error"] is None, row["error"]
        if "manifest_accuracy" in row:
            assert abs(row["accuracy"] - manifest[name]["test_accuracy"]) <= 0.001, name


@pytest.mark.parametrize("name,target", sorted(TARGETS.items()))
def test_accuracy_targets(rows, name, target):
    assert rows[name]["accuracy"] >= target


def test_denoiser_recovers_most_of_the_loss(rows):
    row = rows["denoiser"]
    assert row["mlp_noisy"] < row["mlp_clean"] - 0.02  # the noise does hurt
    assert row["recovered"] >= 0.9


def test_manifest_records_provenance():
    from mnistdash.data import data_checksum

    manifest = store.read_manifest()
    for name, entry in manifest["models"].items():
        assert entry["data_sha256"] == data_checksum(), name
        assert entry["quick"] is False and entry["n_train"] == 60000


def test_cnn_survives_the_denoise_pages_noise(test_split):
    """Without the denoiser, the cnn reads >= 97% of test digits with Gaussian noise sigma 0.5 (clipped,
    seeded: the Denoise page's noise) and keeps >= 99.6% of the clean ones."""
    from mnistdash.config import DENOISE_SIGMA
    from mnistdash.data import noisy
    from mnistdash.zoo import accuracy, load

    cnn, x = load("cnn"), test_split.floats()
    assert accuracy(cnn, x, test_split.labels) >= 0.996
    assert accuracy(cnn, noisy(x, DENOISE_SIGMA), test_split.labels) >= 0.97
