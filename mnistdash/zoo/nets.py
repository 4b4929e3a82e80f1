"""Torch model families (MLP, convnet, 2-D bottleneck, denoising autoencoder), each with a small config."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn


@dataclass
class MLPConfig:
    hidden: tuple[int, ...] = (100,)
    dropout: float = 0.0
    n_classes: int = 10


class MLP(nn.Module):
    """784 -> hidden... -> 10; `features` is the last hidden layer (the bottleneck's 2-D map)."""

    def __init__(self, config: MLPConfig):
        super().__init__()
        self.config = config
        layers: list[nn.Module] = [nn.Flatten()]
        width = 28 * 28
        for i, h in enumerate(config.hidden):
            layers.append(nn.Linear(width, h))
            layers.append(nn.ReLU())
            if config.dropout and i < len(config.hidden) - 1:
                layers.append(nn.Dropout(config.dropout))
            width = h
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(width, config.n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (N, 1, 28, 28) or (N, 28, 28) -> (N, 10)
        return self.head(self.body(x))


@dataclass
class BottleneckConfig:
    encoder: tuple[int, ...] = (500, 100)
    code: int = 2
    decoder: tuple[int, ...] = (100,)
    n_classes: int = 10


class Bottleneck(nn.Module):
    """784-500-100-2-100-10 classifier; the 2-unit linear layer is the map of the test set."""

    def __init__(self, config: BottleneckConfig):
        super().__init__()
        self.config = config
        layers: list[nn.Module] = [nn.Flatten()]
        width = 28 * 28
        for h in config.encoder:
            layers += [nn.Linear(width, h), nn.BatchNorm1d(h), nn.ReLU()]
            width = h
        layers.append(nn.Linear(width, config.code))
        self.encode = nn.Sequential(*layers)
        layers, width = [], config.code
        for h in config.decoder:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        layers.append(nn.Linear(width, config.n_classes))
        self.classify = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classify(self.encode(x))


@dataclass
class CNNConfig:
    channels: tuple[int, int, int] = (32, 64, 128)
    dense: int = 128
    dropout: float = 0.3
    n_classes: int = 10


def _conv(cin: int, cout: int, k: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, k, padding=k // 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class CNN(nn.Module):
    """conv5x5/32 - pool - conv5x5/64 - pool - conv3x3/128 - pool - dense 128 - 10, batch norm, dropout.

    Pooling after every conv keeps the 5x5 convolutions on small maps: about 14M multiply-adds an
    image instead of 45M, which is what lets augmentation and 15+ epochs fit the training budget.
    """

    def __init__(self, config: CNNConfig):
        super().__init__()
        self.config = config
        c1, c2, c3 = config.channels
        self.features = nn.Sequential(
            _conv(1, c1, 5),  # (N, c1, 28, 28)
            nn.MaxPool2d(2),  # (N, c1, 14, 14)
            _conv(c1, c2, 5),
            nn.MaxPool2d(2),  # (N, c2, 7, 7)
            _conv(c2, c3, 3),
            nn.MaxPool2d(2),  # (N, c3, 3, 3)
        )
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(c3 * 3 * 3, config.dense, bias=False),
            nn.BatchNorm1d(config.dense),
            nn.ReLU(),
            nn.Dropout(config.dropout),
            nn.Linear(config.dense, config.n_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 3:
            x = x.unsqueeze(1)
        return self.head(self.features(x))


@dataclass
class DenoiserConfig:
    hidden: tuple[int, ...] = field(default_factory=lambda: (256, 128, 256))


class Denoiser(nn.Module):
    """784-256-128-256-784 autoencoder mapping noisy digits to clean ones (sigmoid output in [0, 1])."""

    def __init__(self, config: DenoiserConfig):
        super().__init__()
        self.config = config
        layers: list[nn.Module] = [nn.Flatten()]
        width = 28 * 28
        for h in config.hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        layers += [nn.Linear(width, 28 * 28), nn.Sigmoid()]
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (N, 28, 28) -> (N, 28, 28)
        return self.net(x).view(-1, 28, 28)
