"""A network's checkpoints, recorded while it trains: recording changes nothing in the training (the same weights
with and without it, twice), the last checkpoint is the trained model itself, and a quick store keeps the mlp's
replay beside its model."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mnistdash import store
from mnistdash.replay.build import NEVER, REPLAY_KEY
from mnistdash.replay.networks import STATE, first_layer, probabilities


def test_recording_checkpoints_leaves_the_training_as_it_was(small):
    from mnistdash.jobs.train import train_model

    train, test = small
    threads = torch.get_num_threads()
    torch.set_num_threads(2)  # as `mnistdash train` does
    try:
        plain = train_model("mlp", train, quick=True)
        recorded = [train_model("mlp", train, quick=True, test=test) for _ in range(2)]
    finally:
        torch.set_num_threads(threads)
    for key, value in plain[1].items():
        assert np.array_equal(value, recorded[0][1][key]) and np.array_equal(value, recorded[1][1][key]), key
    first, second = recorded[0][5], recorded[1][5]
    assert plain[5] is None and first is not None
    for key in first:
        assert np.array_equal(first[key], second[key]), key
    steps = first["steps"]
    assert steps[0] == 0 and steps[-1] == 12 and np.all(np.diff(steps) > 0)  # 1,500 digits in batches of 128: 12 steps
    assert first[STATE + "body.1.weight"].shape == (len(steps) - 1, 100, 784)
    assert first[STATE + "body.1.weight"].dtype == np.float16
    model = recorded[0][0]
    read = model.predict_proba(test.floats()).argmax(1)
    assert np.array_equal(first["test_read"][-1], read)  # the last checkpoint is the trained model
    assert first["test_accuracy"][-1] == pytest.approx(float((read == test.labels).mean()))
    assert first["test_accuracy"][-1] > first["test_accuracy"][0] + 0.3


def test_a_quick_store_keeps_the_mlp_replay_and_reads_a_digit_through_it(quick_store, test_split):
    from mnistdash.zoo import load_all

    arrays = store.load_artifact(REPLAY_KEY.format("mlp"), quick_store)
    model = load_all(["mlp"], quick_store)[0]["mlp"]
    k = len(arrays["steps"])
    assert k >= 6 and arrays["epochs"][-1] == pytest.approx(1.0)
    read = model.predict_proba(test_split.floats()).argmax(1)
    assert np.array_equal(arrays["test_read"][-1], read)
    assert np.sum(arrays["learned_at"] == NEVER) == np.sum(read != test_split.labels)
    probs = probabilities(arrays, model.module, test_split.floats()[3])
    assert probs.shape == (k, 10)
    assert np.allclose(probs[-1], model.predict_proba(test_split.floats()[3:4])[0], atol=1e-5)
    assert np.allclose(probs.sum(1), 1, atol=1e-5)
    units = first_layer(arrays, 1, model.module)
    assert units.shape == (100, 28, 28) and not np.array_equal(units, first_layer(arrays, k - 1, model.module))


def test_the_committed_mlp_replay_ends_at_the_committed_mlp(test_split):
    """The mlp was trained by today's `mnistdash train --only mlp`, its checkpoints recorded on the way."""
    from mnistdash.zoo import load_all

    arrays = store.load_artifact(REPLAY_KEY.format("mlp"))
    model = load_all(["mlp"])[0]["mlp"]
    info = store.read_manifest()["models"]["mlp"]
    read = model.predict_proba(test_split.floats()).argmax(1)
    assert np.array_equal(arrays["test_read"][-1], read)
    assert arrays["test_accuracy"][-1] == pytest.approx(info["test_accuracy"], abs=1e-6)
    assert arrays["steps"][-1] == info["train"]["epochs"] * int(np.ceil(60_000 / info["train"]["batch"]))
    assert len(arrays["steps"]) >= 25 and arrays["test_accuracy"][0] < 0.3 < 0.9 < arrays["test_accuracy"][5:].max()
    early, last = first_layer(arrays, 1, model.module), first_layer(arrays, len(arrays["steps"]) - 1, model.module)
    assert np.abs(early - last).max() > 0.05  # the units change along the way


def test_a_larger_network_keeps_its_weights_at_the_last_checkpoints_and_what_the_page_shows_at_every_one(small, monkeypatch):
    from mnistdash.jobs.train import train_model
    from mnistdash.replay import networks

    train, test = small
    monkeypatch.setitem(networks.KEPT, "mlp-deep", 3)
    model, _, _, _, _, arrays = train_model("mlp-deep", train, quick=True, test=test)
    k = len(arrays["steps"])
    assert arrays["kept"].tolist() == [k - 3, k - 2, k - 1] and not networks.every_state(arrays)
    assert arrays[STATE + "body.1.weight"].shape == (2, 500, 784)  # the last is the model itself
    assert arrays["units"].shape == (k, networks.UNITS, 784) and arrays["test_probs"].shape == (k, len(test), 10)
    module = model.module
    assert np.array_equal(first_layer(arrays, 1, module).reshape(networks.UNITS, 784), arrays["units"][1].astype(np.float32))
    kept_weights = first_layer(arrays, k - 2, module).reshape(-1, 784)
    assert kept_weights.shape == (500, 784) and np.allclose(kept_weights[: networks.UNITS], arrays["units"][k - 2], atol=1e-3)
    with pytest.raises(KeyError, match="not kept"):
        networks.state_at(arrays, 1, dict(module.state_dict()))
    probs = networks.recorded_probabilities(arrays, 5)
    assert probs.shape == (k, 10) and np.allclose(probs.sum(1), 1, atol=0.03)
    assert np.allclose(probs[-1], model.predict_proba(test.floats()[5:6])[0], atol=1 / 255)


@pytest.mark.parametrize("name", ["mlp-deep", "bottleneck", "cnn"])
def test_the_committed_larger_networks_replays_end_at_the_committed_models(name, committed_models, test_split):
    """mlp-deep, the bottleneck and the cnn were retrained by today's `mnistdash train` with their checkpoints
    recorded; their weights came out bit for bit as they were committed before (the same checksums in the manifest)."""
    from mnistdash.replay import networks

    arrays = store.load_artifact(REPLAY_KEY.format(name))
    model = committed_models[name]
    info = store.read_manifest()["models"][name]
    read = model.predict_proba(test_split.floats()).argmax(1)
    assert np.array_equal(arrays["test_read"][-1], read)
    assert arrays["test_accuracy"][-1] == pytest.approx(info["test_accuracy"], abs=1e-6)
    k = len(arrays["steps"])
    assert k >= 25 and arrays["kept"].tolist() == list(range(k - networks.KEPT[name], k))
    units = arrays["units"].reshape(k, networks.UNITS, -1).astype(np.float32)
    last = first_layer(arrays, k - 1, model.module).reshape(-1, units.shape[-1])
    assert np.allclose(units[-1], last[: networks.UNITS], atol=1e-3)
    before = first_layer(arrays, k - 2, model.module).reshape(-1, units.shape[-1])  # from the kept weights
    assert np.allclose(units[-2], before[: networks.UNITS], atol=1e-3)
    assert np.abs(units[1] - last[: networks.UNITS]).max() > 0.05
    probs = networks.recorded_probabilities(arrays, 0)
    assert probs.argmax(1)[-1] == read[0] and arrays["test_accuracy"][0] < 0.3
