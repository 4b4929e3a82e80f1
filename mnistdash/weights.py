"""What the weights look like: templates, weight maps, first-layer units and filters, feature maps."""

from __future__ import annotations

import numpy as np
import torch


def class_means(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(N, 28, 28) floats, (N,) labels -> (10, 28, 28) mean image of each class."""
    onehot = np.eye(10, dtype=np.float32)[labels]  # (N, 10)
    sums = onehot.T @ x.reshape(len(x), -1)  # (10, 784)
    return (sums / onehot.sum(0)[:, None]).reshape(10, 28, 28)


def contrast_templates(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(10, 28, 28) mean of the class minus mean of all other digits."""
    onehot = np.eye(10, dtype=np.float32)[labels]
    sums = onehot.T @ x.reshape(len(x), -1)  # (10, 784)
    counts = onehot.sum(0)[:, None]
    rest = (sums.sum(0, keepdims=True) - sums) / (len(x) - counts)
    return (sums / counts - rest).reshape(10, 28, 28)


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
    """(N, 28, 28) floats -> (28, 28) bool: pixels inked (> `ink`) in fewer than `share` of the digits."""
    return (x > ink).mean(0) < share
