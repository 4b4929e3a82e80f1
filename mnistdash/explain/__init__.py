"""Attribution methods behind one interface: `METHODS[name](model).attribute(image, target) -> (28, 28)`.

Linear models get the exact decomposition `w_c * t(x)`; every model, linear ones included, can
be explained by the Captum methods through `as_torch`, which is how the methods are scored
against the exact answer.
"""

from __future__ import annotations

import numpy as np
import torch
from captum.attr import InputXGradient, Occlusion, Saliency
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

    def __init__(self, model):
        self.model = model
        self.module = as_torch(model)

    def attribute(self, images: np.ndarray, targets) -> np.ndarray:
        if not has_gradients(self.model) and not isinstance(self, OcclusionMethod):
            return OcclusionMethod(self.model).attribute(images, targets)  # a graph run outside torch: no gradients
        x = torch.from_numpy(np.stack([model_input(self.model, im) for im in np.asarray(images, np.float32)]))
        targets = [int(t) for t in np.atleast_1d(targets)]
        x.requires_grad_(True)
        try:
            out = self._attribute(x, targets)
        finally:
            x.requires_grad_(False)
            self.module.zero_grad(set_to_none=True)
        return out.detach().reshape(len(x), 28, 28).numpy().astype(np.float32)

    def _attribute(self, x: torch.Tensor, targets: list[int]) -> torch.Tensor:
        raise NotImplementedError


class Exact(Method):
    label = "exact w*x (linear only)"

    def __init__(self, model):
        if not isinstance(model, LinearModel):
            raise TypeError("the exact decomposition exists for linear models only")
        super().__init__(model)

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


class OcclusionMethod(Method):
    """Change in the logit when a 4x4 patch is blacked out (stride 2): forward passes only, so the
    convnet runs them in bf16 where the processor has it (the maps match fp32 to ~1e-2)."""

    label = "occlusion 4x4"

    def _attribute(self, x, targets):
        fast = isinstance(self.model, TorchClassifier) and self.model.use_bf16
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=fast):
            out = Occlusion(self.module).attribute(
                x, sliding_window_shapes=(4, 4), strides=(2, 2), baselines=0.0, target=targets, perturbations_per_eval=169
            )
        return out.float()


METHODS: dict[str, type[Method]] = {
    "exact": Exact,
    "saliency": SaliencyMethod,
    "input-x-gradient": InputXGradientMethod,
    "integrated-gradients": IntegratedGradientsMethod,
    "smoothgrad": SmoothGradMethod,
    "occlusion": OcclusionMethod,
}
CAPTUM_METHODS = tuple(m for m in METHODS if m != "exact")


def methods_for(model) -> list[str]:
    """The methods that explain `model`: exact w*x and every Captum method for a linear model, the Captum methods
    for a network with gradients (built-in or a converted ONNX graph), occlusion alone for a graph onnxruntime runs."""
    if isinstance(model, LinearModel):
        return list(METHODS)
    return list(CAPTUM_METHODS) if has_gradients(model) else ["occlusion"]
