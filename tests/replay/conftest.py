"""Fixtures of the replay tests: a small slice of MNIST to train and replay on in seconds."""

from __future__ import annotations

import pytest

from mnistdash.data import Split, load_split


@pytest.fixture(scope="module")
def small(test_split) -> tuple[Split, Split]:
    """1,500 training digits (12 steps of 128 for a network) and 800 test digits."""
    train = load_split("train")
    return Split(train.images[:1500], train.labels[:1500]), Split(test_split.images[:800], test_split.labels[:800])
