"""Attribution methods behind one interface: `METHODS[name](model).attribute(image, target) -> (28, 28)`.

Linear models get the exact decomposition `w_c * t(x)`; every model, linear ones included, can
be explained by the Captum methods through `as_torch`, which is how the methods are scored
against the exact answer.
"""

from __future__ import annotations

import copy
import functools
import threading
import warnings

import numpy as np
import torch
from captum.attr import LRP, DeepLift, GradientShap, InputXGradient, Saliency
from captum.attr._utils.lrp_rules import EpsilonRule, GammaRule, IdentityRule
from torch import nn

from mnistdash.explain.paths import PathIntegral, integrate
from mnistdash.zoo.base import LinearTorch, TorchClassifier
from mnistdash.zoo.linear import LinearModel, transform_input


class ForwardOnly(nn.Module):
    """A model run outside torch (an imported ONNX graph through onnxruntime) as log-probabilities: forward passes
    only, so occlusion works and gradient methods do not (`has_gradients` False)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        p = self.model.predict_proba(x.detach().float().reshape(-1, 28, 28).numpy())
        return torch.from_numpy(np.log(np.clip(p, 1e-12, None))).float()


def has_gradients(model) -> bool:
    return isinstance(model, (TorchClassifier, LinearModel))


def as_torch(model) -> nn.Module:
    if isinstance(model, TorchClassifier):
        return model.module
    if isinstance(model, LinearModel):
        return LinearTorch(model).eval()  # on the transformed input: logits, not scaled
    if hasattr(model, "predict_proba"):
        return ForwardOnly(model).eval()
    raise TypeError(f"cannot explain a {type(model).__name__}")


def model_input(model, image: np.ndarray) -> np.ndarray:
    """What the model's first layer multiplies: the image itself, or its binarization for linear-mse."""
    if isinstance(model, LinearModel):
        return transform_input(image[None], model.config.transform)[0].reshape(28, 28)
    return np.asarray(image, np.float32)


class Method:
    """Built from a model; `attribute(images (N, 28, 28), targets (N,)) -> (N, 28, 28)` float32."""

    label = ""
    signed = True
    batch = 100  # digits explained at once

    def __init__(self, model):
        self.model = model
        self.module = as_torch(model)

    @staticmethod
    def applies(model) -> bool:
        """Whether this method explains `model` (methods_for lists those that do): gradients are needed."""
        return has_gradients(model)

    def attribute(self, images: np.ndarray, targets) -> np.ndarray:
        if not self.applies(self.model):  # a graph run outside torch, or a layer LRP has no rule for: occlusion's map
            return OcclusionMethod(self.model).attribute(images, targets)
        x = torch.from_numpy(np.stack([model_input(self.model, im) for im in np.asarray(images, np.float32)]))
        targets = [int(t) for t in np.atleast_1d(targets)]
        out = []
        for start in range(0, len(x), self.batch):  # a thousand digits at once held ~20 GB in DeepLIFT's hooks
            chunk = x[start : start + self.batch].clone().requires_grad_(True)
            try:
                out.append(self._attribute(chunk, targets[start : start + self.batch]).detach())
            finally:
                self.module.zero_grad(set_to_none=True)
        return torch.cat(out).reshape(len(x), 28, 28).numpy().astype(np.float32)

    def _attribute(self, x: torch.Tensor, targets: list[int]) -> torch.Tensor:
        raise NotImplementedError


class Exact(Method):
    label = "exact w*x (linear only)"

    def __init__(self, model):
        if not self.applies(model):
            raise TypeError("the exact decomposition exists for linear models only")
        super().__init__(model)

    @staticmethod
    def applies(model) -> bool:
        return isinstance(model, LinearModel)

    def _attribute(self, x, targets):
        return x.reshape(len(x), -1) * self.module.weight[targets]


class SaliencyMethod(Method):
    label = "saliency |grad|"
    signed = False

    def _attribute(self, x, targets):
        return Saliency(self.module).attribute(x, target=targets, abs=True)


class InputXGradientMethod(Method):
    label = "input x gradient"

    def _attribute(self, x, targets):
        return InputXGradient(self.module).attribute(x, target=targets)


class IntegratedGradientsMethod(Method):
    """Integrated gradients from black with adaptive steps (mnistdash.explain.paths): steps are added
    where the map's sum misses f(x) - f(black) by more than `tolerance`, up to a cap per network."""

    label = "integrated gradients"
    tolerance = 0.01
    start_steps = 16
    max_steps = 512
    conv_max_steps = 128  # a convolutional network's gradient costs ~30x a dense one's: this keeps a new digit in budget

    def paths(self, images: np.ndarray, targets) -> list[PathIntegral]:
        """Per image: the map with its steps, sum, f(x) - f(black) and whether the tolerance is met."""
        x = torch.from_numpy(np.stack([model_input(self.model, im) for im in np.asarray(images, np.float32)]))
        return self._paths(x, targets)

    def _paths(self, x: torch.Tensor, targets) -> list[PathIntegral]:
        cap = self.conv_max_steps if any(isinstance(m, nn.Conv2d) for m in self.module.modules()) else self.max_steps
        steps = (self.tolerance, self.start_steps, cap)
        return [integrate(self.module, xi, int(t), *steps) for xi, t in zip(x, np.atleast_1d(targets))]

    def _attribute(self, x, targets):
        return torch.from_numpy(np.stack([p.map for p in self._paths(x.detach(), targets)]))

    def completeness_gap(self, image: np.ndarray, target: int, attribution: np.ndarray | None = None) -> tuple[float, float]:
        """(sum of attributions, f(x) - f(black)) for one image: equal for a perfect IG.

        Pass an `attribution` already computed for (image, target) to skip recomputing it.
        """
        attr = self.attribute(image[None], [target])[0] if attribution is None else attribution
        x = torch.from_numpy(np.array(model_input(self.model, image)[None]))  # a copy: inputs may be read-only
        with torch.no_grad():
            delta = self.module(x)[0, target] - self.module(torch.zeros_like(x))[0, target]
        return float(attr.sum()), float(delta)


class SmoothGradMethod(Method):
    """Saliency averaged over noisy copies (Smilkov et al. 2017), with fixed noise: deterministic."""

    label = "SmoothGrad"
    signed = False
    samples, stdev = 16, 0.15

    def _attribute(self, x, targets):
        g = torch.Generator().manual_seed(0)
        noise = self.stdev * torch.randn((self.samples, 1, *x.shape[1:]), generator=g)  # (S, 1, 28, 28): same for every image
        noisy = (x.detach()[None] + noise).reshape(-1, *x.shape[1:]).requires_grad_(True)
        grads = Saliency(self.module).attribute(noisy, target=targets * self.samples, abs=True)
        return grads.reshape(self.samples, *x.shape).mean(0)


class DeepLiftMethod(Method):
    """DeepLIFT's rescale rule from black (Shrikumar et al. 2017), Captum's: one backward pass. Through dense, ReLU and batch-norm layers
    the map sums to f(x) - f(black) exactly (integrated gradients' only in the limit of many steps); Captum's rule
    for max pooling does not, and on the convnet the sum misses by up to ~0.9 logit of 1-6 (8 test digits)."""

    label = "DeepLIFT"

    def _attribute(self, x, targets):
        with warnings.catch_warnings():  # Captum notes on every call that it hooks the ReLUs for the pass
            warnings.simplefilter("ignore", UserWarning)
            return DeepLift(self.module).attribute(x, baselines=torch.zeros_like(x), target=targets)


_GLOBAL_DRAWS = threading.Lock()


class GradientShapMethod(Method):
    """GradientSHAP (Lundberg and Lee 2017), Captum's: input x gradient from a baseline drawn among black and a
    flat grey of MNIST's mean ink, at a random point of the path, with a little noise, averaged over `samples`
    draws. Captum draws with torch's and numpy's global generators: both are seeded here for each digit and given
    back, so a digit's map is the same every time, in any batch, and nothing else's randomness moves. The global
    generators are one per process: one map at a time holds them (`_GLOBAL_DRAWS`), so two threads (the Explain
    page makes maps on two, and each visitor's page runs on its own) do not draw from each other's seeds."""

    label = "GradientSHAP"
    samples, stdev, grey = 16, 0.09, 0.13

    def _attribute(self, x, targets):
        baselines = torch.stack([torch.zeros_like(x[0]), torch.full_like(x[0], self.grey)])
        with _GLOBAL_DRAWS:
            return self._seeded(x, targets, baselines)

    def _seeded(self, x, targets, baselines):
        out, state = [], np.random.get_state()
        try:
            with torch.random.fork_rng(devices=[]):
                for xi, t in zip(x, targets):  # the same draws for every digit: its map does not depend on the batch
                    torch.manual_seed(0)
                    np.random.seed(0)
                    out.append(
                        GradientShap(self.module).attribute(
                            xi[None], baselines=baselines, n_samples=self.samples, stdevs=self.stdev, target=t
                        )[0]
                    )
        finally:
            np.random.set_state(state)
        return torch.stack(out)


class LRPMethod(Method):
    """Layer-wise relevance propagation (Bach et al. 2015) with the rules Montavon et al. 2019 recommend: gamma
    (0.25) through convolutions, epsilon (0.25) through dense and batch-norm layers; ReLUs, pooling's winners,
    dropout and flattening pass relevance on. The output's logit is what is shared out.

    zennit is the field's library for LRP, but it imports torchvision when it is imported, and torchvision's wheel
    cannot be installed beside the CPU build of torch this project pins (it requires a CUDA build of several GB);
    Captum's LRP implements the same rules. A network with a layer these rules do not cover (an imported graph's
    own operations) is not offered LRP (`applies`)."""

    label = "LRP (epsilon, gamma)"
    epsilon, gamma = 0.25, 0.25

    def __init__(self, model):
        super().__init__(model)
        self.module = copy.deepcopy(self.module)  # rules are attached to the layers: not to the shared model's

    @staticmethod
    def applies(model) -> bool:
        """Whether every layer of the model has an LRP rule here (the built-in networks and linear models do)."""
        return has_gradients(model) and all(isinstance(m, LRP_LAYERS) for m in leaves(as_torch(model)))

    def _attach_rules(self) -> None:
        for layer in leaves(self.module):
            if isinstance(layer, nn.Conv2d):
                layer.rule = GammaRule(gamma=self.gamma)
            elif isinstance(layer, (nn.Linear, nn.BatchNorm1d, nn.BatchNorm2d)):
                layer.rule = EpsilonRule(epsilon=self.epsilon)
            elif isinstance(layer, nn.Dropout):
                layer.rule = IdentityRule()
            elif isinstance(layer, nn.Flatten):
                layer.rule = _ReshapeRule()

    def _attribute(self, x, targets):
        if isinstance(self.module, LinearTorch):
            # One dense layer: LRP-epsilon is w*x rescaled by z / (z + epsilon), in closed form (Captum's hooks do
            # not take a module that flattens its own input).
            share = x.flatten(1) * self.module.weight[targets]
            z = share.sum(1) + self.module.bias[targets]
            return share * (z / (z + self.epsilon * torch.where(z >= 0, 1.0, -1.0)))[:, None]
        self._attach_rules()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return LRP(self.module).attribute(x, target=targets)


class _ReshapeRule(IdentityRule):
    """Flattening passes relevance on in the input's shape (Captum's identity rule keeps the output's)."""

    def _create_backward_hook_input(self, inputs):
        def _backward_hook_input(grad):
            return self.relevance_output[grad.device].reshape(grad.shape)

        return _backward_hook_input


def leaves(module: nn.Module) -> list[nn.Module]:
    """The module's leaf modules in the order they were registered: for the built-in networks (chains of
    nn.Sequential), the order their forward pass runs them (mnistdash.explain.microscope relies on it)."""
    return [m for m in module.modules() if not list(m.children())]


LRP_LAYERS = (LinearTorch, nn.Conv2d, nn.Linear, nn.BatchNorm1d, nn.BatchNorm2d, nn.Flatten, nn.Dropout, nn.ReLU, nn.MaxPool2d)


@functools.cache
def _patches(side: int, window: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """(patches, side * side) float32 masks of every `window` x `window` patch `stride` pixels apart, and how many
    patches cover each pixel."""
    starts = range(0, side - window + 1, stride)
    masks = np.zeros((len(starts) ** 2, side, side), np.float32)
    for j, (r, c) in enumerate((r, c) for r in starts for c in starts):
        masks[j, r : r + window, c : c + window] = 1
    masks = masks.reshape(len(masks), -1)
    return masks, masks.sum(0)


def occlude(forward, x: torch.Tensor, targets: list[int], window: int = 4, stride: int = 2) -> torch.Tensor:
    """Occlusion as Captum's `Occlusion` computes it with a zero baseline: each `window` x `window` patch (every
    `stride` pixels) set to 0 in turn, the fall of the target's logit spread over the patch's pixels, and each
    pixel's sum divided by the number of patches that cover it. Only the patches that cover ink are run: on a patch
    of blank paper (all 0) the occluded image is the image itself and its fall is exactly 0, and about half of a
    digit's 169 patches are blank, so this halves the forward passes Captum's loop would make (the same maps:
    tests/explain/test_explain.py compares them). forward: (K, side, side) float32 pictures -> (K, classes) logits."""
    n, side = len(x), x.shape[-1]
    flat = np.asarray(x.detach() if isinstance(x, torch.Tensor) else x, np.float32).reshape(n, -1)
    masks, cover = _patches(side, window, stride)
    base = np.asarray(forward(flat.reshape(n, side, side)), np.float32)
    out = np.zeros_like(flat)
    for i, t in enumerate(targets):
        inked = masks[masks @ (flat[i] != 0) > 0]
        if len(inked):
            fall = base[i, t] - np.asarray(forward(np.where(inked > 0, 0, flat[i]).reshape(-1, side, side)))[:, t]
            out[i] = fall.astype(np.float32) @ inked
    return torch.from_numpy(out / cover).reshape(n, side, side)


class OcclusionMethod(Method):
    """Change in the logit when a 4x4 patch is blacked out (stride 2): forward passes only, so the
    convnet runs them through onnxruntime (TorchClassifier.many_logits), or in bf16 where the processor has it (the
    maps match fp32 to ~1e-2)."""

    label = "occlusion 4x4"

    @staticmethod
    def applies(model) -> bool:
        return True  # forward passes only: any classifier, an onnxruntime graph included

    def _attribute(self, x, targets):
        if isinstance(self.model, TorchClassifier) and self.model.runtime:
            return occlude(self.model.many_logits, x, targets)  # onnxruntime, or torch's bf16 where it has it

        def forward(pictures: np.ndarray) -> np.ndarray:
            with torch.no_grad():
                return self.module(torch.from_numpy(pictures)).float().numpy()

        return occlude(forward, x, targets)


METHODS: dict[str, type[Method]] = {
    "exact": Exact,
    "saliency": SaliencyMethod,
    "input-x-gradient": InputXGradientMethod,
    "integrated-gradients": IntegratedGradientsMethod,
    "smoothgrad": SmoothGradMethod,
    "occlusion": OcclusionMethod,
    "deeplift": DeepLiftMethod,
    "gradient-shap": GradientShapMethod,
    "lrp": LRPMethod,
}
CAPTUM_METHODS = tuple(m for m in METHODS if m != "exact")


def methods_for(model) -> list[str]:
    """The methods that explain `model`: exact w*x and every Captum method for a linear model, the Captum methods
    for a network with gradients (built-in or a converted ONNX graph; LRP where its rules cover every layer),
    occlusion alone for a graph onnxruntime runs."""
    return [name for name, method in METHODS.items() if method.applies(model)]
