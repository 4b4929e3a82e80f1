"""A network's training, checkpoint by checkpoint, recorded while `mnistdash train` trains it (replay-NAME).

At log-spaced optimiser steps (0, before the first, to the last) the recorder keeps the network's weights in float16
and measures it in eval mode: its log loss and accuracy on a seeded sample of the training digits and on the test
digits, and its reading of every test digit (the forgetting events come from those, as for the linear models). It
reads only: no gradient, no random numbers, no change to the module's state, so training with it gives the same
weights as training without it (tests/replay/test_networks.py). The last checkpoint is the trained model itself: its
weights are the stored model's, not kept twice, and its figures are measured on the exact weights.

The mlp keeps its weights at every checkpoint (about 4 MB in float16 for 29 of them). The larger networks (mlp-deep,
the bottleneck and the cnn, 0.3-0.5 M weights each: 0.55-1 MB a checkpoint) keep theirs at the last KEPT checkpoints
only, which is what TracIn reads (mnistdash.replay.tracin); at every checkpoint they keep the first-layer units the
page shows (a linear layer's first 20 units, the cnn's first 20 5x5 filters; float16) and their probabilities for
every test digit (in 1/255ths), so the page replays them as it replays the mlp, a drawn digit aside (it needs the
weights at every checkpoint).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from mnistdash.data import Split
from mnistdash.replay.build import CHECKPOINTS, QUICK_CHECKPOINTS, checkpoint_steps, forgetting

NETWORKS = ("mlp", "mlp-deep", "bottleneck", "cnn")  # the networks whose training keeps checkpoints
KEPT = {"mlp-deep": 8, "bottleneck": 8, "cnn": 8}  # weights kept at the last N checkpoints only (else: at every one)
UNITS = 20  # first-layer units kept at every checkpoint where the weights are not
TRAIN_SAMPLE = (
    10_000  # training digits each checkpoint is measured on (all 60,000 at 30 checkpoints is the mlp's training time again)
)
STATE = "state/"  # the artifact's keys of the weights: state/<parameter> (len(kept) - 1, ...) float16
BATCH = 2000


class Recorder:
    """Called by the training loop with (step, module in eval mode) at each step of `at`."""

    def __init__(
        self,
        total_steps: int,
        steps_per_epoch: int,
        train: Split,
        test: Split,
        quick: bool = False,
        seed: int = 0,
        kept: int | None = None,
    ):
        self.steps = checkpoint_steps(total_steps, QUICK_CHECKPOINTS if quick else CHECKPOINTS)
        self.at = {int(s) for s in self.steps}
        # the checkpoints whose weights are kept: every one, or the last `kept` (the last is the model itself)
        self.kept = np.arange(0 if kept is None else max(len(self.steps) - kept, 0), len(self.steps))
        self.steps_per_epoch = steps_per_epoch
        pick = np.sort(np.random.default_rng(seed).choice(len(train), min(TRAIN_SAMPLE, len(train)), replace=False))
        self.train_x, self.train_y = torch.from_numpy(train.floats()[pick]).unsqueeze(1), train.labels[pick]
        self.test_x, self.test_y = torch.from_numpy(test.floats()).unsqueeze(1), test.labels
        self.rows: dict[str, list[float]] = {k: [] for k in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")}
        self.read: list[np.ndarray] = []
        self.probs: list[np.ndarray] = []
        self.units: list[np.ndarray] = []
        self.states: list[dict[str, np.ndarray]] = []
        self.seen: list[int] = []

    def __call__(self, step: int, module: nn.Module) -> None:
        with torch.inference_mode():
            for split, x, y in (("train", self.train_x, self.train_y), ("test", self.test_x, self.test_y)):
                logits = torch.cat([module(x[s : s + BATCH]).float() for s in range(0, len(x), BATCH)])
                logp = torch.log_softmax(logits.double(), dim=1).numpy()
                read = logits.argmax(1).numpy()
                self.rows[f"{split}_loss"].append(float(-logp[np.arange(len(y)), y].mean()))
                self.rows[f"{split}_accuracy"].append(float((read == y).mean()))
            self.read.append(read.astype(np.uint8))
            if self.light:
                p = torch.softmax(logits.double(), dim=1).numpy()
                self.probs.append(np.round(p * 255).astype(np.uint8))
                self.units.append(_first(module)[1].detach()[:UNITS].to(torch.float16).numpy().copy())
            if len(self.seen) in self.kept:
                self.states.append({k: v.detach().to(torch.float16).numpy().copy() for k, v in module.state_dict().items()})
        self.seen.append(int(step))

    @property
    def light(self) -> bool:
        """Whether only some checkpoints keep the weights (then each keeps the units shown and the test readings)."""
        return len(self.kept) < len(self.steps)

    def arrays(self) -> dict[str, np.ndarray]:
        """The replay's arrays: what the page and the tests read (the last checkpoint's weights are the model's)."""
        if self.seen != [int(s) for s in self.steps]:
            raise RuntimeError(f"checkpoints recorded at {self.seen}, expected {self.steps.tolist()}")
        read = np.stack(self.read)
        forgotten, learned = forgetting(read == self.test_y[None])
        out = {
            "steps": np.asarray(self.steps, np.int64),
            "epochs": np.asarray(self.steps, np.float64) / self.steps_per_epoch,
            **{k: np.asarray(v, np.float32) for k, v in self.rows.items()},
            "test_read": read,
            "forgotten": forgotten,
            "learned_at": learned,
            "train_sample": np.array([len(self.train_y)]),
            "kept": self.kept.astype(np.int64),
        }
        if self.light:
            out["test_probs"] = np.stack(self.probs)  # (K, N, 10) in 1/255ths
            out["units"] = np.stack(self.units)  # (K, UNITS, 784) float16
        for key in self.states[0]:
            out[STATE + key] = np.stack([s[key] for s in self.states[:-1]])
        return out


def total_steps(n: int, batch: int, epochs: int) -> tuple[int, int]:
    """(optimiser steps in all, steps per epoch) of a training run over n digits."""
    per_epoch = math.ceil(n / batch)
    return epochs * per_epoch, per_epoch


def kept(arrays: dict) -> np.ndarray:
    """The checkpoints whose weights the replay keeps (the last is the stored model's)."""
    if "kept" in arrays:
        return arrays["kept"]
    return np.arange(len(arrays["steps"]))  # recorded before `kept` was: every checkpoint


def every_state(arrays: dict) -> bool:
    """Whether the weights are kept at every checkpoint (then any digit, a drawn one too, can be replayed)."""
    return len(kept(arrays)) == len(arrays["steps"])


def state_at(arrays: dict, k: int, final: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Checkpoint k's weights as float32 tensors; the last checkpoint is `final` (the stored model's state)."""
    if k == len(arrays["steps"]) - 1:
        return final
    row = np.flatnonzero(kept(arrays) == k)
    if not len(row):
        raise KeyError(f"checkpoint {k}'s weights are not kept (kept: {kept(arrays).tolist()})")
    return {key: torch.from_numpy(np.asarray(arrays[STATE + key][row[0]], np.float32)) for key in final}


def _first(module: nn.Module) -> tuple[str, torch.Tensor]:
    """(the parameter's name, its weights) of the network's first layer that reads the pixels: a linear layer (units
    of 784 weights) or a convolution (filters of k x k)."""
    first = next(m for m in module.modules() if isinstance(m, (nn.Linear, nn.Conv2d)))
    return next((name, p) for name, p in module.named_parameters() if p is first.weight)


def convolutional(module: nn.Module) -> bool:
    """Whether the network's first layer is a convolution (its units are filters)."""
    return _first(module)[1].dim() == 4


def first_units(module: nn.Module) -> int:
    """How many units the network's first linear layer has."""
    return int(_first(module)[1].shape[0])


def first_layer(arrays: dict, k: int, module: nn.Module) -> np.ndarray:
    """(units, side, side) the weights of the network's first layer at checkpoint k, each unit as a picture (28 x 28
    for a linear layer, k x k for a convolution's filter); the first UNITS of them where the replay keeps only those."""
    key, weight = _first(module)
    if k == len(arrays["steps"]) - 1 or k in kept(arrays):
        out = state_at(arrays, k, {key: weight.detach()})[key].numpy()
    else:
        out = arrays["units"][k].astype(np.float32)
    side = int(round(np.sqrt(out[0].size)))
    return out.reshape(len(out), side, side)


def probabilities(arrays: dict, module: nn.Module, digit: np.ndarray) -> np.ndarray:
    """(K, 10) one digit's probabilities at every checkpoint, through a copy of `module` (the stored model); the
    weights must be kept at every checkpoint (`every_state`)."""
    import copy

    final = {k: v.detach().clone() for k, v in module.state_dict().items()}
    work = copy.deepcopy(module).eval()
    x = torch.from_numpy(np.array(digit, np.float32)).reshape(1, 1, 28, 28)  # a copy: the cached digit is read-only
    out = []
    with torch.inference_mode():
        for k in range(len(arrays["steps"])):
            work.load_state_dict(state_at(arrays, k, final))
            out.append(torch.softmax(work(x).double(), dim=1)[0].numpy())
    return np.stack(out).astype(np.float32)


def recorded_probabilities(arrays: dict, index: int) -> np.ndarray | None:
    """(K, 10) test digit `index`'s probabilities at every checkpoint, where the replay keeps them (1/255ths)."""
    if "test_probs" not in arrays:
        return None
    return arrays["test_probs"][:, index].astype(np.float32) / 255
