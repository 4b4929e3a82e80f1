"""TracIn (Pruthi et al., NeurIPS 2020) over a network's own training checkpoints, on its last layer: how much each of
the 60,000 training digits moved the network toward (or away from) its answer for a digit, summed over training.

TracIn scores a training digit i for a digit t as sum_k w_k g_i^k . g_t^k, where g^k is a loss gradient at checkpoint
k and w_k the learning rate summed over the optimiser steps the checkpoint stands for (from the previous kept
checkpoint to it). On the last layer a gradient is an outer product, g = (softmax - target) (x) phi, phi the layer's
input and a 1 for its bias (the gradient with respect to its bias), so g_i . g_t = (e_i . e_t)(phi_i . phi_t).

Kept exactly, that needs every training digit's phi at every checkpoint (60,000 x 101 x 29 for the mlp: 350 MB in
float16). So the gradients are compressed where they live, in two steps of principal components, uncentred (what
keeps inner products): at each checkpoint the training gradients' top BASIS directions (the eigenvectors of their
second-moment matrix, F x F with F = 10 (d + 1)); then, over the checkpoints' projections side by side, each weighted
by sqrt(w_k), the top DIM directions again. A training digit keeps DIM numbers (3.8 MB for the 60,000 in float16);
a query's gradients go through the same bases. The score is exact on the part of the gradients the bases keep, and
the bases keep the directions where the training gradients have their energy, so the error a query sees is what the
training digits have outside them. Random projections (Captum's TracInCPFastRandProj) ranked far worse here at the
same size: bench/tracin_projection.py measures both against the exact score. What the bases are for is a digit
asked about against the 60,000; a rare training digit's score for itself (its self-influence) can lose its sign, its
own gradient lying mostly outside the directions the others share (mlp-deep's training digit 51,880: -1.07, where
the exact score is positive by definition). The flipped-label test ranks self-influence with exact gradients.

Written here rather than through Captum: its TracInCPFast keeps the training set's representations at every
checkpoint in memory and rebuilds them each time it is constructed (minutes per network, on every server start), its
random projection ranks worse (above), and neither can be saved as an artifact without pickling.

The network is trained by AdamW, not SGD: TracIn's sum over steps is then a first-order approximation (Pruthi et al.
use it the same way for Adam-trained models).
"""

from __future__ import annotations

import copy
import math
import time
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from mnistdash import store
from mnistdash.data import Split
from mnistdash.explain.influence import errors, last_layer_weights, representation
from mnistdash.replay.build import REPLAY_KEY
from mnistdash.replay.networks import NETWORKS, kept, state_at
from mnistdash.zoo.registry import BY_NAME

TRACIN_KEY = "tracin-{}"
BASIS = 16  # directions kept per checkpoint
DIM = 32  # directions kept over all checkpoints: a training digit's numbers (bench/tracin_projection.py)
BATCH = 5000


def weights(arrays: dict, lrs: np.ndarray) -> np.ndarray:
    """(len(kept),) w_k per kept checkpoint: the learning rate summed over the steps since the previous kept one
    (0 for a checkpoint at step 0, which stands for no step)."""
    steps = arrays["steps"][kept(arrays)]
    starts = np.concatenate([[0], steps[:-1]])
    return np.array([lrs[a:b].sum() for a, b in zip(starts, steps)])


def gradients(phi: np.ndarray, err: np.ndarray) -> np.ndarray:
    """(N, 10 (d + 1)) float32 the last layer's loss gradients, e (x) phi, one row per digit."""
    return (err[:, :, None] * phi[:, None, :]).reshape(len(phi), -1).astype(np.float32)


def checkpoints(arrays: dict, module: torch.nn.Module):
    """(j, a copy of the network at the j-th kept checkpoint) for each kept checkpoint after step 0, in order."""
    final = {key: v.detach().clone() for key, v in module.state_dict().items()}
    work = copy.deepcopy(module).eval()
    for j, k in enumerate(kept(arrays)):
        if arrays["steps"][k] == 0:
            continue
        work.load_state_dict(state_at(arrays, int(k), final))
        yield j, work


def parts(arrays: dict, module: torch.nn.Module, x: np.ndarray, targets: np.ndarray, smoothing: float = 0.0):
    """(j, phi, err) of digits x at each kept checkpoint after step 0: what the last layer reads, and its error."""
    for j, work in checkpoints(arrays, module):
        phi = representation(work, x)
        yield j, phi, errors(phi.astype(np.float64) @ last_layer_weights(work).T, targets, smoothing).astype(np.float32)


def top_directions(second_moment: np.ndarray, n: int) -> tuple[np.ndarray, float]:
    """(the n eigenvectors of largest eigenvalue as columns, the share of the trace they hold)."""
    vals, vecs = np.linalg.eigh(second_moment)
    order = np.argsort(vals)[::-1][:n]
    return vecs[:, order].astype(np.float32), float(vals[order].sum() / max(vals.sum(), 1e-30))


def fit(found, w: np.ndarray, basis: int = BASIS, dim: int = DIM) -> dict[str, np.ndarray]:
    """The training digits' TracIn vectors from `parts` over the training set: {"vectors" (N, dim), "bases" (J,
    F, basis), "mix" (J * basis, dim), "used" (J,) the kept checkpoints' positions, "energy" (J + 1,) the share of the
    gradients' energy each step keeps}."""
    columns, bases, used, energy = [], [], [], []
    for j, phi, err in found:
        moment = np.zeros((err.shape[1] * phi.shape[1],) * 2)
        for s in range(0, len(phi), BATCH):
            g = gradients(phi[s : s + BATCH], err[s : s + BATCH]).astype(np.float64)
            moment += g.T @ g
        b, share = top_directions(moment, basis)
        columns.append(
            math.sqrt(w[j])
            * np.concatenate([gradients(phi[s : s + BATCH], err[s : s + BATCH]) @ b for s in range(0, len(phi), BATCH)])
        )
        bases.append(b)
        used.append(j)
        energy.append(share)
    z = np.concatenate(columns, axis=1)
    mix, share = top_directions(z.astype(np.float64).T @ z, dim)
    return {
        "vectors": (z @ mix).astype(np.float16),
        "bases": np.stack(bases),
        "mix": mix,
        "used": np.asarray(used, np.int64),
        "energy": np.asarray(energy + [share]),
    }


def query(kept_arrays: dict, found) -> np.ndarray:
    """(M, dim) the query digits' vectors from their `parts`, through the stored bases."""
    where = {int(j): i for i, j in enumerate(kept_arrays["used"])}
    w = kept_arrays["weights"]
    columns = [math.sqrt(w[j]) * (gradients(phi, err) @ kept_arrays["bases"][where[j]]) for j, phi, err in found]
    return np.concatenate(columns, axis=1) @ kept_arrays["mix"]


def build_tracin(models: dict, train: Split, models_dir: str | Path | None = None, names=NETWORKS) -> dict[str, float]:
    """Each network's training digits' TracIn vectors, from its replay's kept checkpoints, saved as the artifact
    tracin-NAME; returns the seconds each took."""
    out = {}
    x = train.floats()
    for name in tqdm([n for n in names if n in models], desc="TracIn over the checkpoints", unit="network"):
        start = time.perf_counter()
        arrays = store.load_artifact(REPLAY_KEY.format(name), models_dir)
        cfg = BY_NAME[name].train
        w = weights(arrays, cfg.learning_rates(math.ceil(len(train) / cfg.batch)))
        fitted = fit(parts(arrays, models[name].module, x, train.labels, cfg.label_smoothing), w)
        seconds = time.perf_counter() - start
        store.save_artifact(
            TRACIN_KEY.format(name),
            {**fitted, "weights": w, "kept": kept(arrays)},
            models_dir,
            checkpoints=len(fitted["used"]),
            energy_kept=round(float(fitted["energy"][-1]), 4),
            build_seconds=round(seconds, 1),
        )
        tqdm.write(f"{name}: TracIn over {len(fitted['used'])} checkpoints, {DIM} numbers a training digit ({seconds:.0f} s)")
        out[name] = seconds
    return out


def scores(kept_arrays: dict, replay: dict, module: torch.nn.Module, digit: np.ndarray, target: int) -> np.ndarray:
    """(N,) each training digit's TracIn score for the network's answer `target` on `digit` (28, 28): positive, its
    training steps lowered that answer's loss (a proponent); negative, raised it (an opponent)."""
    u = query(kept_arrays, parts(replay, module, np.asarray(digit, np.float32)[None], np.array([target])))[0]
    return kept_arrays["vectors"].astype(np.float32) @ u
