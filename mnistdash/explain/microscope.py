"""Every hidden unit under a microscope: what excites it, what it looks for, and what breaks without it.

A network here is a chain of modules run in order (an MLP's body and head, the convnet's features and head, the
bottleneck's encoder and classifier), so a layer is one position in that chain: the output of a ReLU (the
bottleneck's 2-unit code, which has none, is its linear output). A unit's activation on a digit is that output,
a channel's the mean of its map over positions (the channel objective of Olah et al. 2017, which also gives the
feature visualisation a gradient at every position). Zeroing a unit is zeroing that output for every digit; the
same as zeroing the weights that read it (tests/explain/test_microscope.py checks the two agree).

Built once per network (`build_microscope`, the artifact microscope-NAME):
- the 16 training digits with the highest activation, and the 16 with the lowest input to the unit before its
  ReLU (the activation of most digits is 0, so the input is what tells the least excited apart);
- the mean activation per class over the test digits (class selectivity);
- per-class accuracy on every test digit with the unit zeroed, and the digits whose answer changes;
- two feature visualisations by gradient ascent: on the pixels (free), and in the code space of the denoising
  autoencoder (its decoder as a prior on what ink looks like).

Written here rather than with a library: Lucent/Lucid (feature visualisation) are built for ImageNet models and
torchvision; the ablations and top digits are forward passes the chain gives directly.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from mnistdash import store
from mnistdash.data import Split
from mnistdash.explain import leaves

MICROSCOPE_KEY = "microscope-{}"
NETWORKS = ("mlp", "mlp-deep", "bottleneck", "cnn")
TOP = 16  # training digits per end
CHANGED = 48  # digits kept per unit whose answer changes when it is zeroed
STEPS, LR = 160, 0.05  # gradient ascent


@dataclass(frozen=True)
class Layer:
    name: str  # "1", "2", ... (MLPs, bottleneck) or "conv1".."conv3", "dense" (convnet)
    step: int  # index in leaves(module) of the module whose output is the layer's activation
    pre: int  # index of the module whose output is the input before the ReLU (== step where there is no ReLU)
    units: int
    conv: bool
    about: str


def _forward_is_a_chain(module: nn.Module) -> bool:
    from mnistdash.zoo.nets import CNN, MLP, Bottleneck

    return isinstance(module, (MLP, CNN, Bottleneck))


def layers(module: nn.Module) -> list[Layer]:
    """The hidden layers of a built-in network, by name."""
    if not _forward_is_a_chain(module):
        raise TypeError(f"{type(module).__name__}: the microscope reads the built-in networks (mlp, bottleneck, cnn)")
    from mnistdash.zoo.nets import CNN, Bottleneck

    steps = leaves(module)
    out: list[Layer] = []
    convs = 0
    seen_conv = False
    code = None
    if isinstance(module, Bottleneck):
        code = next(i for i, s in enumerate(steps) if s is module.encode[-1])
    for i, s in enumerate(steps):
        if isinstance(s, nn.Conv2d):
            seen_conv = True
        if isinstance(s, nn.ReLU) or i == code:
            before = steps[i - 1] if isinstance(s, nn.ReLU) else s
            units = before.num_features if isinstance(before, (nn.BatchNorm1d, nn.BatchNorm2d)) else before.out_features
            conv = seen_conv
            if isinstance(module, CNN):
                convs += conv
                name = f"conv{convs}" if conv else "dense"
                about = f"convolution {convs}: {units} channels" if conv else f"the dense layer before the answer: {units} units"
            else:
                name = str(len(out) + 1)
                about = "the 2-unit code (the 2-D map)" if i == code else f"hidden layer {name}: {units} units"
            seen_conv = False
            out.append(Layer(name, i, i - 1 if isinstance(s, nn.ReLU) else i, units, conv, about))
    return out


def find_layer(module: nn.Module, name: str) -> Layer:
    found = {layer.name: layer for layer in layers(module)}
    if name not in found:
        raise KeyError(f"layer {name!r} is not one of {', '.join(found)}")
    return found[name]


def _unit_values(out: torch.Tensor) -> torch.Tensor:
    """(N, units): a dense layer's output as it is, a conv layer's channel maps averaged over positions."""
    return out.mean(dim=(2, 3)) if out.dim() == 4 else out


def _pixels(x) -> torch.Tensor:
    x = torch.from_numpy(np.require(x, np.float32, ["C", "W"])) if isinstance(x, np.ndarray) else x
    return x.reshape(-1, 1, 28, 28)


def activations(module: nn.Module, x: np.ndarray, batch: int = 500) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """layer name -> (activations (N, units), inputs before the ReLU (N, units)) over (N, 28, 28) digits."""
    steps, found = leaves(module), layers(module)
    want = {layer.step for layer in found} | {layer.pre for layer in found}
    kept: dict[int, list[torch.Tensor]] = {i: [] for i in want}
    with torch.inference_mode():
        for s in range(0, len(x), batch):
            h = _pixels(x[s : s + batch])
            for i, step in enumerate(steps):
                h = step(h)
                if i in want:
                    kept[i].append(_unit_values(h).float())
    cat = {i: torch.cat(v).numpy() for i, v in kept.items()}
    return {layer.name: (cat[layer.step], cat[layer.pre]) for layer in found}


def ablated_logits(module: nn.Module, x: np.ndarray, layer: Layer, units, batch: int = 500) -> np.ndarray:
    """(N, 10) logits with `units` (an index or a list) of `layer` zeroed: their outputs set to 0 on every digit."""
    steps = leaves(module)
    units = [units] if np.isscalar(units) else list(units)
    out = []
    with torch.inference_mode():
        for s in range(0, len(x), batch):
            h = _pixels(x[s : s + batch])
            for i, step in enumerate(steps):
                h = step(h)
                if i == layer.step and units:
                    h = h.clone()
                    h[:, units] = 0
            out.append(h.float())
    return torch.cat(out).numpy()


def without_unit(module: nn.Module, layer: Layer, unit: int) -> nn.Module:
    """A copy of the network with the weights that read `unit` set to 0 (the next conv's input channel or the next
    linear layer's input column(s)): the other way to switch it off, for the tests."""
    twin = copy.deepcopy(module)
    steps = leaves(twin)
    reader = next(s for s in steps[layer.step + 1 :] if isinstance(s, (nn.Linear, nn.Conv2d)))
    per = 1 if isinstance(reader, nn.Conv2d) else reader.in_features // layer.units  # a flattened map: a run of columns
    with torch.no_grad():
        reader.weight[:, unit * per : (unit + 1) * per] = 0
    return twin


def _suffix(steps, start: int):
    def run(h):
        for step in steps[start:]:
            h = step(h)
        return h

    return run


def ablation(module: nn.Module, x: np.ndarray, labels: np.ndarray, layer: Layer, batch: int = 1000) -> dict:
    """Every unit of `layer` zeroed in turn over the digits x: per-class accuracy (units, 10), how many answers
    change, and the first CHANGED digits that change (padded with -1). The layer's input is computed once per batch;
    only the rest of the network runs again per unit."""
    steps = leaves(module)
    prefix, rest = _suffix(steps[: layer.step + 1], 0), _suffix(steps, layer.step + 1)
    n = len(x)
    base = np.empty(n, np.int64)
    answers = np.empty((layer.units, n), np.int64)
    with torch.inference_mode():
        for s in range(0, n, batch):
            h = prefix(_pixels(x[s : s + batch]))
            base[s : s + len(h)] = rest(h).argmax(1).numpy()
            for u in range(layer.units):
                saved = h[:, u].clone()
                h[:, u] = 0
                answers[u, s : s + len(h)] = rest(h).argmax(1).numpy()
                h[:, u] = saved
    right = answers == labels[None]
    per_class = np.stack([right[:, labels == c].mean(1) for c in range(10)], 1)
    changed = np.full((layer.units, CHANGED), -1, np.int32)
    count = np.zeros(layer.units, np.int32)
    for u in range(layer.units):
        moved = np.flatnonzero(answers[u] != base)
        count[u] = len(moved)
        changed[u, : min(len(moved), CHANGED)] = moved[:CHANGED]
    base_class = np.array([(base == labels)[labels == c].mean() for c in range(10)])
    return {
        "per_class": per_class.astype(np.float32),
        "base_class": base_class.astype(np.float32),
        "count": count,
        "changed": changed,
    }


def _objective(module: nn.Module, layer: Layer, pre: bool = False):
    """x -> (N, units): what the feature visualisation climbs, the layer's activations, or (pre) the inputs to its
    ReLU, which have a gradient where the activation is 0 (a climb on the activation stays where it starts for a unit
    the start leaves off). For the first conv layer, the channel at the centre of the picture (Olah et al.'s neuron
    objective): the mean over its map of one 5x5 filter is highest on a flat page, all ink or none, which shows
    nothing; deeper channels keep the channel mean."""
    run = _suffix(leaves(module)[: (layer.pre if pre else layer.step) + 1], 0)
    if layer.name == "conv1":
        return lambda x: run(x)[:, :, 14, 14]
    return lambda x: _unit_values(run(x))


def climbed(module: nn.Module, layer: Layer, x: np.ndarray) -> np.ndarray:
    """(N, units): the value each unit's visualisation climbs (see _objective) on the digits x."""
    with torch.inference_mode():
        return _objective(module, layer)(_pixels(x)).numpy()


def visualise(module: nn.Module, layer: Layer, denoiser: nn.Module | None, start: np.ndarray, steps: int = STEPS, seed: int = 0):
    """Gradient ascent on each unit of `layer`, one picture per unit. Free: on the pixels, clipped to [0, 1], from
    `start` plus a little seeded noise. With a prior: on the code of the denoising autoencoder (its third hidden
    layer, kept >= 0 as its ReLU keeps it), decoded by its last two layers, from the code of `start`. Both push the
    unit's input before its ReLU (see _objective).

    Returns (free (units, 28, 28), prior (units, 28, 28), activation at the start, after the free ascent, after the
    ascent with the prior), each activation of the unit its picture is for."""
    g = torch.Generator().manual_seed(seed)
    act, push = _objective(module, layer), _objective(module, layer, pre=True)
    n, eye = layer.units, torch.arange(layer.units)
    base = torch.from_numpy(np.require(start, np.float32, ["C", "W"])).reshape(1, 1, 28, 28)
    with torch.no_grad():
        a0 = act(base).expand(n, -1)[eye, eye].clone()
    x = (base.expand(n, -1, -1, -1) + 0.02 * torch.randn(n, 1, 28, 28, generator=g)).clamp(0, 1).requires_grad_(True)
    opt = torch.optim.Adam([x], lr=LR)
    with torch.enable_grad():
        for _ in range(steps):
            opt.zero_grad()
            (-push(x)[eye, eye].sum()).backward()
            opt.step()
            with torch.no_grad():
                x.clamp_(0, 1)
    free = x.detach()
    prior = None
    if denoiser is not None:
        parts = leaves(denoiser)  # Flatten, Linear, ReLU, Linear, ReLU, Linear, ReLU, Linear, Sigmoid
        relus = [i for i, s in enumerate(parts) if isinstance(s, nn.ReLU)]
        encode, decode = _suffix(parts[: relus[1] + 1], 0), _suffix(parts, relus[1] + 1)
        with torch.no_grad():
            z0 = encode(base).expand(n, -1).clone()
        z = z0.clone().requires_grad_(True)
        opt = torch.optim.Adam([z], lr=LR * 4)
        with torch.enable_grad():
            for _ in range(steps):
                opt.zero_grad()
                (-push(decode(z.clamp(min=0)).reshape(n, 1, 28, 28))[eye, eye].sum()).backward()
                opt.step()
        with torch.no_grad():
            prior = decode(z.clamp(min=0)).reshape(n, 1, 28, 28)
    with torch.no_grad():
        a_free = act(free)[eye, eye]
        a_prior = act(prior)[eye, eye] if prior is not None else torch.full((n,), float("nan"))
    blank = torch.zeros(n, 1, 28, 28)
    return (
        free[:, 0].numpy(),
        (prior if prior is not None else blank)[:, 0].numpy(),
        a0.numpy(),
        a_free.numpy(),
        a_prior.numpy(),
    )


def top_and_bottom(values: np.ndarray, pre: np.ndarray, k: int = TOP) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: the k digits with the highest activation (highest first) and the k with the lowest input before
    the ReLU (lowest first). Ties go to the lower index (a stable sort)."""
    top = np.argsort(-values, axis=0, kind="stable")[:k].T
    bottom = np.argsort(pre, axis=0, kind="stable")[:k].T
    return top.astype(np.int32), bottom.astype(np.int32)


def build_microscope(
    models: dict, denoiser, train: Split, test: Split, models_dir: str | Path | None = None, quick: bool = False
) -> dict[str, float]:
    """For each network of NETWORKS in `models`: the artifact microscope-NAME (see the module's docstring); returns
    the seconds each took."""
    if quick:  # a smoke run: 300 test digits ablated, 16 steps of each climb
        test = Split(test.images[:300], test.labels[:300])
    x_train, x_test = train.floats(), test.floats()
    start = x_train.mean(0)  # the mean training digit: where both ascents begin
    prior = getattr(denoiser, "module", denoiser)
    out = {}
    for name in tqdm([n for n in NETWORKS if n in models], desc="unit microscope", unit="model"):
        t0 = time.perf_counter()
        module = models[name].module
        found = layers(module)
        acts_train, acts_test = activations(module, x_train), activations(module, x_test)
        arrays: dict[str, np.ndarray] = {"layers": np.array([layer.name for layer in found]), "start": start.astype(np.float16)}
        for layer in tqdm(found, desc=name, leave=False):
            values, pre = acts_train[layer.name]
            top, bottom = top_and_bottom(values, pre)
            test_values = acts_test[layer.name][0]
            means = np.stack([test_values[test.labels == c].mean(0) for c in range(10)], 1)  # (units, 10)
            cut = ablation(module, x_test, test.labels, layer)
            free, with_prior, a0, a_free, a_prior = visualise(module, layer, prior, start, steps=16 if quick else STEPS)
            rows = np.arange(layer.units)[:, None]
            arrays |= {
                f"{layer.name}/top": top,
                f"{layer.name}/top_value": values[top, rows].astype(np.float32),
                f"{layer.name}/bottom": bottom,
                f"{layer.name}/bottom_value": pre[bottom, rows].astype(np.float32),
                f"{layer.name}/class_mean": means.astype(np.float32),
                f"{layer.name}/ablated": cut["per_class"],
                f"{layer.name}/base": cut["base_class"],
                f"{layer.name}/changed_count": cut["count"],
                f"{layer.name}/changed": cut["changed"],
                f"{layer.name}/free": np.round(free * 255).astype(np.uint8),
                f"{layer.name}/prior": np.round(with_prior * 255).astype(np.uint8),
                f"{layer.name}/lift": np.stack([a0, a_free, a_prior], 1).astype(np.float32),
            }
        seconds = time.perf_counter() - t0
        store.save_artifact(
            MICROSCOPE_KEY.format(name), arrays, models_dir, build_seconds=round(seconds, 1), test_digits=len(test)
        )
        tqdm.write(f"{name}: {sum(layer.units for layer in found)} units under the microscope in {seconds:.0f} s")
        out[name] = seconds
    return out


def unit_view(arrays: dict, layer: str, unit: int) -> dict:
    """One unit's figures from the artifact, as plain lists (the CLI's JSON; the page reads the same)."""
    names = [str(n) for n in arrays["layers"]]
    if layer not in names:
        raise KeyError(f"layer {layer!r} is not one of {', '.join(names)}")
    units = len(arrays[f"{layer}/top"])
    if not 0 <= unit < units:
        raise IndexError(f"unit {unit} is not in layer {layer} (0-{units - 1})")
    k = f"{layer}/"
    changed = arrays[k + "changed"][unit]
    return {
        "layer": layer,
        "unit": unit,
        "top": [
            {"index": int(i), "activation": float(v)} for i, v in zip(arrays[k + "top"][unit], arrays[k + "top_value"][unit])
        ],
        "bottom": [
            {"index": int(i), "input": float(v)} for i, v in zip(arrays[k + "bottom"][unit], arrays[k + "bottom_value"][unit])
        ],
        "class_mean": [float(v) for v in arrays[k + "class_mean"][unit]],
        "accuracy_zeroed": [float(v) for v in arrays[k + "ablated"][unit]],
        "accuracy": [float(v) for v in arrays[k + "base"]],
        "changed_count": int(arrays[k + "changed_count"][unit]),
        "changed": [int(i) for i in changed[changed >= 0]],
        "activation_lift": dict(zip(("start", "free", "prior"), (float(v) for v in arrays[k + "lift"][unit]))),
    }


def unit_contributions(module: nn.Module, digit: np.ndarray, layer: Layer, target: int) -> np.ndarray:
    """(units,) gradient x activation of each unit of `layer` for the score of class `target` on one (28, 28) digit
    (a channel's summed over its map): how much the answer leans on each unit. The largest are the units whose loss
    the answer feels most, to first order."""
    steps = leaves(module)
    h = _pixels(np.asarray(digit, np.float32)[None]).clone().requires_grad_(True)  # frozen weights: the graph needs it
    with torch.enable_grad():
        kept = None
        for i, step in enumerate(steps):
            h = step(h)
            if i == layer.step:
                kept = h
                kept.retain_grad()
        h[0, target].backward()
    grad_x_act = (kept.grad * kept).detach()[0]
    return (grad_x_act.sum(dim=(1, 2)) if grad_x_act.dim() == 3 else grad_x_act).numpy()


def most_needed(module: nn.Module, digit: np.ndarray, layer: Layer, target: int, k: int = 5) -> list[int]:
    """The k units of `layer` with the largest gradient x activation for `target` on the digit."""
    return [int(u) for u in np.argsort(-unit_contributions(module, digit, layer, target), kind="stable")[:k]]
