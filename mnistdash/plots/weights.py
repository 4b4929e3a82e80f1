"""What the weights look like: templates, weight maps, first-layer units and filters, feature maps."""

from __future__ import annotations

import numpy as np
import torch


def class_sums(x: np.ndarray, labels: np.ndarray, chunk: int = 10_000) -> np.ndarray:
    """(N, 28, 28) floats in [0, 1] or uint8 in [0, 255], (N,) labels -> (10, 784) float64 sum of each class's pixels
    in [0, 1] units; in chunks, so 60,000 uint8 digits never become a 188 MB float copy."""
    scale = 1 / 255 if x.dtype == np.uint8 else 1.0
    sums = np.zeros((10, 784))
    for start in range(0, len(x), chunk):
        part = x[start : start + chunk].reshape(-1, 784).astype(np.float32) * scale  # (chunk, 784)
        onehot = np.eye(10, dtype=np.float32)[labels[start : start + chunk]]  # (chunk, 10)
        sums += onehot.T @ part
    return sums


def class_means(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(N, 28, 28) digits, (N,) labels -> (10, 28, 28) mean image of each class, in [0, 1]."""
    counts = np.bincount(labels, minlength=10)[:, None]
    return (class_sums(x, labels) / counts).reshape(10, 28, 28).astype(np.float32)


def contrast_templates(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(10, 28, 28) mean of the class minus mean of all other digits."""
    sums = class_sums(x, labels)  # (10, 784)
    counts = np.bincount(labels, minlength=10)[:, None]
    rest = (sums.sum(0, keepdims=True) - sums) / (len(x) - counts)
    return (sums / counts - rest).reshape(10, 28, 28).astype(np.float32)


def mlp_units(model, sort: str = "norm") -> tuple[np.ndarray, list[str], np.ndarray]:
    """First-layer units of an MLP as (U, 28, 28) images, titles, and each unit's favourite class.

    `sort`: "norm" (largest weight norm first) or "class" (grouped by the class each unit feeds
    most through the next layer, strongest first).
    """
    layers = [m for m in model.module.modules() if isinstance(m, torch.nn.Linear)]
    w1 = layers[0].weight.detach().numpy()  # (U, 784)
    # Effective push of each unit on each class through the rest of the (linearized) network.
    push = np.eye(w1.shape[0], dtype=np.float32)
    for layer in layers[1:]:
        push = layer.weight.detach().numpy() @ push  # (.., U)
    push = push.T  # (U, 10)
    favourite = push.argmax(1)
    norm = np.linalg.norm(w1, axis=1)
    if sort == "class":
        order = np.lexsort((-push.max(1), favourite))
    else:
        order = np.argsort(-norm)
    titles = [f"unit {u} → {favourite[u]}" for u in order]
    return w1[order].reshape(-1, 28, 28), titles, favourite[order]


def cnn_filters(model) -> np.ndarray:
    """(C, k, k) first-layer convolution filters."""
    conv = model.module.features[0][0]
    return conv.weight.detach().numpy()[:, 0]


def cnn_feature_maps(model, image: np.ndarray, block: int = 0) -> np.ndarray:
    """(C, H, W) activations after conv block `block` (0 = first conv + BN + ReLU) for one digit."""
    x = torch.from_numpy(np.array(image, np.float32))[None, None]  # a copy: the cached digit is read-only
    blocks = [i for i, m in enumerate(model.module.features) if isinstance(m, torch.nn.Sequential)]
    with torch.inference_mode():
        return model.module.features[: blocks[block] + 1](x)[0].numpy()


def rarely_inked(x: np.ndarray, share: float = 0.001, ink: float = 0.1) -> np.ndarray:
    """(N, 28, 28) floats in [0, 1] or uint8 -> (28, 28) bool: pixels inked (> `ink`) in fewer than `share` of the digits."""
    threshold = ink * 255 if x.dtype == np.uint8 else ink
    return (x > threshold).mean(0) < share
