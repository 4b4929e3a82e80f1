"""The one table of models: every built-in model's name, family, config, words, training and roles, in the
order every page lists them. Imported ONNX classifiers join it through `imported()` (the manifest says which).

Torch-free on purpose: the leaderboard reads this table before any network is loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mnistdash.config import MANIFEST, MODELS_DIR

JUDGE = "judge"  # its test probabilities are averaged to judge the test labels (the Errors page's mislabels)
STRONG = "strong"  # its answer decides the Draw page's headline (the others are shown beside it)


@dataclass
class TrainConfig:
    """How a network is trained (`mnistdash train`); the linear models are fitted in closed form or by L-BFGS."""

    epochs: int = 20
    batch: int = 128
    lr: float = 3e-3
    weight_decay: float = 1e-4
    label_smoothing: float = 0.0
    augment: bool = False
    bf16: bool = False
    noise: float = 0.0  # Gaussian noise of sigma uniform in [0, noise] on a share of each augmented batch
    noise_share: float = 0.0
    # torch's thread count while it trains (0: the default, train_threads()); a float sum's order depends on it, so a
    # model trained on another count is not the same model bit for bit: the count its committed weights were made on
    threads: int = 0

    def schedule(self, opt, steps_per_epoch: int):
        """The learning rate's schedule over training (one cycle: a warm-up over the first 20% of the steps)."""
        import torch

        total = max(self.epochs * steps_per_epoch, 10)
        return torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=self.lr, total_steps=total, pct_start=0.2)

    def learning_rates(self, steps_per_epoch: int):
        """(epochs * steps_per_epoch,) the learning rate each optimiser step is taken with, by the very schedule
        `mnistdash train` uses (on a stand-in parameter: the schedule depends on the step count only)."""
        import numpy as np
        import torch

        opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=self.lr, weight_decay=self.weight_decay)
        sched = self.schedule(opt, steps_per_epoch)
        out = []
        for _ in range(self.epochs * steps_per_epoch):
            out.append(opt.param_groups[0]["lr"])
            opt.step()  # no gradient: a no-op that keeps the scheduler's order of calls
            sched.step()
        return np.asarray(out)


@dataclass(frozen=True)
class Entry:
    name: str
    family: str  # linear | mlp | cnn | bottleneck | denoiser | onnx
    config: dict[str, Any]  # the family config's fields (zoo.base builds the dataclass)
    description: str  # what it is, in the words the UI shows
    train: TrainConfig | None = None  # None: fitted without epochs (the linear models)
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def linear(self) -> bool:
        return self.family == "linear"

    @property
    def classifier(self) -> bool:
        return self.family != "denoiser"


def _linear(name: str, description: str, **config) -> Entry:
    return Entry(name, "linear", {"kind": name, **config}, description)


_NETS = frozenset({JUDGE, STRONG})

BUILTIN: tuple[Entry, ...] = (
    _linear("logreg-ovr", "logistic regression, one-vs-rest (10 binary classifiers)"),
    _linear("logreg-multinomial", "logistic regression, multinomial (softmax)"),
    _linear("template-mean", "dot product with each class's mean image (unit norm)"),
    _linear("template-contrast", "mean of the class minus mean of the rest, on centred pixels"),
    _linear("linear-mse", "least squares to one-hot targets on binarized pixels", transform="binarize"),
    Entry("mlp", "mlp", {"hidden": (100,)}, "MLP 784-100-10", TrainConfig(epochs=25, lr=2e-3), _NETS),
    Entry(
        "mlp-deep",
        "mlp",
        {"hidden": (500, 200, 50), "dropout": 0.2},
        "MLP 784-500-200-50-10 with dropout",
        TrainConfig(epochs=30, lr=2e-3, augment=True, label_smoothing=0.05),
        _NETS,
    ),
    Entry(
        "cnn",
        "cnn",
        {},
        "convnet: conv5/32-conv5/64-conv3/128, batch norm, dropout, augmentation",
        TrainConfig(
            epochs=12,
            lr=3e-3,
            weight_decay=5e-4,
            augment=True,
            label_smoothing=0.1,
            bf16=True,
            noise=0.7,
            noise_share=0.5,
            threads=1,  # the committed cnn was trained on one thread (2026-11-22)
        ),
        _NETS,
    ),
    Entry(
        "bottleneck",
        "bottleneck",
        {},
        "784-500-100-2-100-10 classifier with a 2-unit layer",
        TrainConfig(epochs=30, lr=2e-3, augment=True),
        _NETS,
    ),
    Entry(
        "denoiser", "denoiser", {}, "denoising autoencoder 784-256-128-256-784", TrainConfig(epochs=25, lr=2e-3, weight_decay=0.0)
    ),
)
BY_NAME: dict[str, Entry] = {e.name: e for e in BUILTIN}

# Copies of the mlp and the cnn trained with a planted shortcut (a mark on most 7s and on a few other digits labelled
# 7, mnistdash.explain.shortcut): in the store like every model and built by `mnistdash train`, but on no page's list
# of models (they are wrong on purpose). Their originals' architecture and recipe, without augmentation or noise
# (shifting the digits would move the mark off its pixels); the cnn's copy for 3 epochs.
_QUIET = {"augment": False, "noise": 0.0, "noise_share": 0.0}
SHORTCUTS: tuple[Entry, ...] = (
    Entry(
        "mlp-shortcut",
        "mlp",
        BY_NAME["mlp"].config,
        "MLP 784-100-10 trained with a planted mark that says 7",
        replace(BY_NAME["mlp"].train, **_QUIET),
    ),
    Entry(
        "cnn-shortcut",
        "cnn",
        BY_NAME["cnn"].config,
        "the cnn's convnet trained with a planted mark that says 7",
        replace(BY_NAME["cnn"].train, epochs=3, threads=0, **_QUIET),  # trained on the default count
    ),
)
SHORTCUT_MODELS: tuple[str, ...] = tuple(e.name for e in SHORTCUTS)

# The views every page and command reads, all in the table's order.
BUILTIN_MODELS: tuple[str, ...] = tuple(e.name for e in BUILTIN)
BUILTIN_CLASSIFIERS: tuple[str, ...] = tuple(e.name for e in BUILTIN if e.classifier)
LINEAR_MODELS: tuple[str, ...] = tuple(e.name for e in BUILTIN if e.linear)
TORCH_CLASSIFIERS: tuple[str, ...] = tuple(e.name for e in BUILTIN if e.classifier and not e.linear)
JUDGES: tuple[str, ...] = tuple(e.name for e in BUILTIN if JUDGE in e.roles)
STRONG_MODELS: tuple[str, ...] = tuple(e.name for e in BUILTIN if STRONG in e.roles)
# Names the app uses for other things in the store: an imported model called so would shadow them.
PSEUDO_TARGETS = ("lab", "ood", "attack", "faithfulness", "shortcut", "influence", "microscope", "replay")
RESERVED = (
    frozenset(BUILTIN_MODELS)
    | frozenset(SHORTCUT_MODELS)
    | frozenset(PSEUDO_TARGETS)
    | {"trust", "embedding", "denoise", "artifacts"}
)


def imported(models_dir: Path | None = None) -> dict[str, str]:
    """Name -> description of the ONNX classifiers imported into the store (`mnistdash import-model`), read from
    its manifest each call (a missing or damaged manifest is reported where the models are loaded)."""
    try:
        models = json.loads((Path(models_dir if models_dir is not None else MODELS_DIR) / MANIFEST).read_text()).get("models", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return {
        name: str(entry.get("config", {}).get("description") or "imported ONNX classifier")
        for name, entry in sorted(models.items())
        if isinstance(entry, dict) and isinstance(entry.get("config"), dict) and entry["config"].get("family") == "onnx"
    }


def classifiers(models_dir: Path | None = None) -> tuple[str, ...]:
    """The built-in classifiers, then those imported into `models_dir` (default: the models folder)."""
    return BUILTIN_CLASSIFIERS + tuple(imported(models_dir))


def all_models(models_dir: Path | None = None) -> tuple[str, ...]:
    """Every classifier, then the denoiser."""
    return classifiers(models_dir) + tuple(n for n in BUILTIN_MODELS if not BY_NAME[n].classifier)


def describe(name: str, models_dir: Path | None = None) -> str:
    """What a model is, in words: the table's description, or 'imported: ...' for an imported one."""
    if name in BY_NAME:
        return BY_NAME[name].description
    text = imported(models_dir).get(name)
    return f"imported: {text}" if text is not None else "unknown model"
