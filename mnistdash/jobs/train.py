"""Training every model of the zoo from the embedded data with fixed seeds, with progress bars."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from mnistdash import store
from mnistdash.config import DENOISE_SIGMA, SEED, train_threads
from mnistdash.data import Split, data_checksum, load_split, noisy
from mnistdash.zoo.base import (
    SPECS,
    accuracy,
    bf16_available,
    build_module,
    config_to_json,
    from_tensors,
    linear_to_numpy,
    state_to_numpy,
)
from mnistdash.zoo.linear import LinearModel
from mnistdash.zoo.registry import BUILTIN, BUILTIN_MODELS, PSEUDO_TARGETS, SHORTCUT_MODELS, SHORTCUTS, TrainConfig

TRAIN: dict[str, TrainConfig] = {e.name: e.train for e in BUILTIN + SHORTCUTS if e.train is not None}  # the recipes


def augment(x: torch.Tensor, g: torch.Generator, noise: float = 0.0, noise_share: float = 0.0) -> torch.Tensor:
    """Random rotation (12 deg), scale (10%), shear and shift (2.5 px) of a batch (N, 1, 28, 28); then, on
    a random `noise_share` of it, Gaussian noise of sigma uniform in [0, noise], clipped to [0, 1]."""
    n = x.shape[0]
    u = lambda *shape: torch.rand(*shape, generator=g) * 2 - 1  # noqa: E731
    ang, scale, shear, shift = u(n) * math.radians(12), 1 + u(n) * 0.1, u(n) * 0.25, u(n, 2) * (2.5 / 14)
    cos, sin = torch.cos(ang) / scale, torch.sin(ang) / scale
    theta = torch.stack([torch.stack([cos, -sin + shear, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    out = F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")
    if noise <= 0 or noise_share <= 0:
        return out
    sigma = torch.rand(n, 1, 1, 1, generator=g) * noise * (torch.rand(n, 1, 1, 1, generator=g) < noise_share)
    return (out + sigma * torch.randn(out.shape, generator=g)).clamp(0, 1)


def _fit_torch(
    module: torch.nn.Module,
    cfg: TrainConfig,
    x: torch.Tensor,  # (N, 1, 28, 28)
    y: torch.Tensor,
    loss_fn: Callable[[torch.nn.Module, torch.Tensor, torch.Tensor, torch.Generator], torch.Tensor],
    desc: str,
    seed: int,
    after_epoch: Callable[[int, torch.nn.Module, float], None] | None = None,
    recorder=None,
) -> None:
    """Train `module` in place; `after_epoch(epoch, module, lr)`, when given, sees it after each epoch (a
    checkpoint: module in eval mode, the learning rate of the epoch's last step); `recorder` (a
    mnistdash.replay.networks.Recorder) sees it in eval mode before the first step and after each step in
    `recorder.at`."""
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(module.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps_per_epoch = math.ceil(len(x) / cfg.batch)
    sched = cfg.schedule(opt, steps_per_epoch)
    bf16 = cfg.bf16 and bf16_available()
    module.train()
    step = 0
    if recorder is not None and 0 in recorder.at:
        _record(recorder, module, 0)
    for epoch in range(cfg.epochs):
        perm = torch.randperm(len(x), generator=g)
        bar = tqdm(range(0, len(x), cfg.batch), desc=f"{desc} {epoch + 1}/{cfg.epochs}", leave=False, unit="batch")
        total = 0.0
        for i in bar:
            idx = perm[i : i + cfg.batch]
            xb = augment(x[idx], g, cfg.noise, cfg.noise_share) if cfg.augment else x[idx]
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                loss = loss_fn(module, xb, y[idx], g)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
            step += 1
            if recorder is not None and step in recorder.at:
                _record(recorder, module, step)
        bar.close()
        tqdm.write(f"  {desc} epoch {epoch + 1}/{cfg.epochs}: loss {total / steps_per_epoch:.4f}")
        if after_epoch is not None:
            lr = opt.param_groups[0]["lr"]  # the schedule's rate at this point of training
            module.eval()
            after_epoch(epoch, module, lr)
            module.train()
    module.eval()


def _record(recorder, module: torch.nn.Module, step: int) -> None:
    module.eval()
    recorder(step, module)
    module.train()


def _classify_loss(smoothing: float):
    def loss(module, xb, yb, g):
        return F.cross_entropy(module(xb).float(), yb, label_smoothing=smoothing)

    return loss


def _denoise_loss(module, xb, yb, g):
    sigma = torch.rand(len(xb), 1, 1, 1, generator=g) * 0.8  # noise levels 0 .. 0.8
    noisy_x = (xb + sigma * torch.randn(xb.shape, generator=g)).clamp(0, 1)
    return F.binary_cross_entropy(module(noisy_x).float(), xb[:, 0])


def train_model(name: str, train: Split, quick: bool = False, seed: int = SEED, test: Split | None = None):
    """Fit one model; returns (model object, tensors, config json, train config json, seconds, replay): `replay`, the
    arrays of its checkpoints (mnistdash.replay.networks) for a network that keeps them when `test` is given, else
    None."""
    from mnistdash.replay.networks import KEPT, NETWORKS, Recorder, total_steps

    family, config = SPECS[name]
    start = time.perf_counter()
    recorder = None
    torch.manual_seed(seed)
    np.random.seed(seed)
    if family == "linear":
        model = LinearModel(config).fit(train.floats(), train.labels)
        tensors, train_cfg = linear_to_numpy(model), {}
    else:
        cfg = TRAIN[name]
        if quick:
            cfg = TrainConfig(**{**asdict(cfg), "epochs": 1})
        module = build_module(family, config)
        images, labels = train.floats(), train.labels
        if name in SHORTCUT_MODELS:  # the planted shortcut: a mark on most 7s and on a few other digits labelled 7
            from mnistdash.explain.shortcut import marked_training_set

            images, labels, _ = marked_training_set(images, labels, seed)
        x = torch.from_numpy(images).unsqueeze(1)
        y = torch.from_numpy(labels)
        loss = _denoise_loss if family == "denoiser" else _classify_loss(cfg.label_smoothing)
        if name in NETWORKS and test is not None:
            recorder = Recorder(*total_steps(len(x), cfg.batch, cfg.epochs), train, test, quick, seed, KEPT.get(name))
        threads = torch.get_num_threads()
        torch.set_num_threads(cfg.threads or threads)  # the count its committed weights were made on, where it says
        try:
            _fit_torch(module, cfg, x, y, loss, name, seed, recorder=recorder)
        finally:
            torch.set_num_threads(threads)
        tensors, train_cfg = state_to_numpy(module), asdict(cfg)
        model = from_tensors(name, family, config, tensors)
    replay = recorder.arrays() if recorder is not None else None
    return model, tensors, config_to_json(family, config), train_cfg, time.perf_counter() - start, replay


def train_all(
    only: list[str] | None = None,
    quick: bool = False,
    data_dir: str | Path | None = None,
    models_dir: str | Path | None = None,
    seed: int = SEED,
) -> dict[str, dict[str, Any]]:
    """Train the named models (all by default), save them, then rebuild the precomputed artifacts
    (and the Linear lab's when it is named, "lab", or when everything is built; "ood" alone: only the digit score).
    Torch runs on `train_threads()` meanwhile; the caller's thread count comes back afterwards (a test process's,
    a notebook's)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(train_threads())
    try:
        return _train_all(only, quick, data_dir, models_dir, seed)
    finally:
        torch.set_num_threads(threads)


def _train_all(only, quick, data_dir, models_dir, seed) -> dict[str, dict[str, Any]]:
    from mnistdash.jobs.artifacts import build_artifacts
    from mnistdash.lab.build import build_lab

    names = [n for n in only if n not in PSEUDO_TARGETS] if only else list(BUILTIN_MODELS)
    if not only or "shortcut" in only:  # the planted-shortcut copies are models too, built with their artifact
        names += list(SHORTCUT_MODELS)
    train, test = load_split("train", data_dir), load_split("test", data_dir)
    if quick:
        train = Split(train.images[:2000], train.labels[:2000])
    checksum = data_checksum(data_dir)
    x_test = test.floats()  # (N, 28, 28)
    results = {}
    for name in tqdm(names, desc="models", unit="model"):
        model, tensors, config, train_cfg, seconds, replay = train_model(name, train, quick, seed, test)
        if name == "denoiser":
            metrics = {"test_mse_sigma_0.5": float(np.mean((model.denoise(noisy(x_test, DENOISE_SIGMA)) - x_test) ** 2))}
        else:
            metrics = {"test_accuracy": accuracy(model, x_test, test.labels)}
        params = int(
            sum(v.size for k, v in tensors.items() if not k.endswith(("running_mean", "running_var", "num_batches_tracked")))
        )
        info = {
            "params": params,
            "seed": seed,
            # the same seed on another thread count gives other weights (the sums of a batch's gradients run in
            # another order): a rebuild must use this count to give the same model (tests/jobs/test_train.py)
            "train_threads": (train_cfg or {}).get("threads") or torch.get_num_threads(),
            "train_seconds": round(seconds, 1),
            "data_sha256": checksum,
            "train": train_cfg,
            "quick": quick,
            "n_train": len(train),
        }
        results[name] = store.save_model(name, tensors, config, metrics, info, models_dir)
        if replay is not None:  # its checkpoints: the last is the model just saved
            from mnistdash.replay.build import REPLAY_KEY

            store.save_artifact(REPLAY_KEY.format(name), replay, models_dir, checkpoints=len(replay["steps"]))
        tqdm.write(f"{name}: {metrics} in {seconds:.0f}s")
    if [n for n in names if n not in SHORTCUT_MODELS]:
        build_artifacts(train, test, models_dir, quick=quick, only=names)
    if not only or "shortcut" in only:
        from mnistdash.explain.shortcut import build_shortcut
        from mnistdash.zoo import load_all

        build_shortcut(load_all(SHORTCUT_MODELS + ("mlp", "cnn"), models_dir)[0], test, models_dir, quick=quick)
    if only and "ood" in only and not names:  # the digit score alone, from the committed cnn and denoiser
        from mnistdash.robustness.ood.build import build_ood
        from mnistdash.robustness.ood.score import NEEDS
        from mnistdash.zoo import load_all

        build_ood(load_all(NEEDS, models_dir)[0], train, test, models_dir, quick=quick)
    if only and "attack" in only and not names:  # the attack tables alone, from the committed models
        from mnistdash.robustness.attack.build import build_attack
        from mnistdash.zoo import load_all

        build_attack(load_all(models_dir=models_dir)[0], test, models_dir, quick=quick)
    if only and "faithfulness" in only and not names:  # the leaderboard alone, from the committed models
        from mnistdash.explain.faithfulness import build_faithfulness
        from mnistdash.zoo import load_all

        build_faithfulness(load_all(models_dir=models_dir)[0], test, models_dir, quick=quick)
    from mnistdash.explain.influence import NETWORKS, build_influence

    rebuilt = NETWORKS if not only or "influence" in only else tuple(n for n in NETWORKS if n in names)
    if rebuilt:  # the training digits' representations, from the networks just built (or stored, alone)
        from mnistdash.zoo import load_all

        build_influence(load_all(rebuilt, models_dir)[0], train, test, models_dir, quick=quick)
    from mnistdash.replay.networks import NETWORKS as RECORDED
    from mnistdash.replay.tracin import build_tracin

    traced = RECORDED if not only or "influence" in only else tuple(n for n in RECORDED if n in names)
    if traced:  # TracIn over the checkpoints the networks kept while they trained
        from mnistdash.zoo import load_all

        build_tracin(load_all(traced, models_dir)[0], train, models_dir, names=traced)
    if not only or "influence" in only:
        build_flipped(train, test, models_dir, quick=quick, seed=seed)
    from mnistdash.explain.microscope import NETWORKS as LOOKED_AT
    from mnistdash.explain.microscope import build_microscope

    looked = LOOKED_AT if not only or "microscope" in only else tuple(n for n in LOOKED_AT if n in names)
    if looked:  # every hidden unit's top digits, visualisations and ablations, from the networks just built (or stored)
        from mnistdash.zoo import load_all

        found = load_all(looked + ("denoiser",), models_dir)[0]
        build_microscope(found, found.get("denoiser"), train, test, models_dir, quick=quick)
    if not only or "lab" in only:
        build_lab(train, test, models_dir, quick=quick, seed=seed)
    from mnistdash.replay.build import REPLAYED, build_replay

    replayed = REPLAYED if not only or "replay" in only else tuple(n for n in REPLAYED if n in names)
    if replayed:  # the linear models' checkpoints, along the very fits just made (or stored, alone)
        build_replay(train, test, models_dir, quick=quick, names=replayed)
    return results


def build_flipped(train: Split, test: Split, models_dir=None, quick: bool = False, seed: int = SEED) -> dict:
    """Finding flipped labels, the honest test of the training-data rankings: a seeded 5% of the training labels
    changed to another class, an mlp trained on that copy as the mlp is (its every epoch a checkpoint), and the
    training digits ranked by TracIn self-influence (the last layer's gradient norms summed over the checkpoints,
    weighted by the learning rate), by representer self-influence, by the Errors page's mislabel ranking (its
    cross-validated probabilities, computed on the copy) and at random. Saved as the artifact influence-flipped:
    the share of the flipped labels in the top 5% and 10% of each ranking."""
    from mnistdash.explain import influence
    from mnistdash.mistakes.mislabels import cross_val_proba, rank

    start = time.perf_counter()
    labels, flipped = influence.flip_labels(train.labels, influence.FLIP_SHARE, seed)
    family, config = SPECS["mlp"]
    cfg = TrainConfig(**{**asdict(TRAIN["mlp"]), "epochs": 5}) if quick else TRAIN["mlp"]
    torch.manual_seed(seed)  # the copy starts from the weights the mlp starts from
    module = build_module(family, config)
    images = train.floats()
    tracin = np.zeros(len(labels))

    def checkpoint(epoch: int, net: torch.nn.Module, lr: float) -> None:
        phi = influence.representation(net, images).astype(np.float64)
        tracin[:] += lr * influence.self_gradient(phi, phi @ influence.last_layer_weights(net).T, labels)

    x, y = torch.from_numpy(images).unsqueeze(1), torch.from_numpy(labels)
    _fit_torch(module, cfg, x, y, _classify_loss(cfg.label_smoothing), "mlp, 5% of labels flipped", seed, checkpoint)
    phi = influence.representation(module, images).astype(np.float16).astype(np.float64)
    fit = influence.refit(phi, labels, start=influence.last_layer_weights(module))
    scores = {
        "tracin": tracin,
        "representer": fit["alpha"][np.arange(len(labels)), labels] * (phi**2).sum(1),
        "mislabels": rank(cross_val_proba(images, labels, folds=5, epochs=2 if quick else 6, seed=seed), labels)[2],
        "random": np.random.default_rng(seed).random(len(labels)),
    }
    recall = np.array([influence.recall_at(scores[k], flipped) for k in influence.RANKINGS])
    with torch.inference_mode():
        test_accuracy = float((module(torch.from_numpy(test.floats())).argmax(1).numpy() == test.labels).mean())
    seconds = time.perf_counter() - start
    arrays = {
        "rankings": np.array(list(influence.RANKINGS)),
        "recall": recall,  # (rankings, 2): the top 5% and the top 10%
        "shares": np.array([0.05, 0.10]),
        "flipped": np.array([int(flipped.sum())]),
        "n": np.array([len(labels)]),
        "test_accuracy": np.array([test_accuracy]),
    }
    store.save_artifact(influence.FLIPPED_KEY, arrays, models_dir, build_seconds=round(seconds, 1), seed=seed)
    tqdm.write(
        "flipped labels found in the top 5% / 10%: "
        + ", ".join(f"{k} {100 * r[0]:.1f}% / {100 * r[1]:.1f}%" for k, r in zip(influence.RANKINGS, recall))
        + f" ({seconds:.0f} s)"
    )
    return {k: r.tolist() for k, r in zip(influence.RANKINGS, recall)}
