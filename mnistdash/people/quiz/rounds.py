"""A round: 20 test digits from the kinds a person picks (random, cnn wrong, models disagree, likely
mislabelled) with a few hidden gold digits (every model and the label agree), reproducible from its seed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mnistdash.people.crowd import gold_digits

KINDS = ("random", "cnn wrong", "models disagree", "likely mislabelled")
ROUND_SIZE = 20
GOLD_PER_ROUND = 3  # hidden checks: how careful a person is, which weighs their answers in the crowd verdict
MISLABEL_POOL = 200  # the likely mislabelled: the top of the ranking


@dataclass(frozen=True)
class Item:
    index: int  # test digit
    kind: str  # one of KINDS, or "gold"


@dataclass(frozen=True)
class Pools:
    """Test-digit indices per kind, from the committed probabilities."""

    random: np.ndarray
    cnn_wrong: np.ndarray
    disagree: np.ndarray
    mislabelled: np.ndarray
    gold: np.ndarray

    def of(self, kind: str) -> np.ndarray:
        return {
            "random": self.random,
            "cnn wrong": self.cnn_wrong,
            "models disagree": self.disagree,
            "likely mislabelled": self.mislabelled,
        }[kind]


def make_pools(probs: dict[str, np.ndarray], labels: np.ndarray, mislabel_order: np.ndarray, judge: str = "cnn") -> Pools:
    """probs: classifier -> (N, 10) test probabilities; mislabel_order: test indices, most suspect first."""
    preds = np.stack([p.argmax(1) for p in probs.values()])  # (models, N)
    gold = gold_digits(probs, labels)  # the same rule as the crowd's
    wrong = preds[list(probs).index(judge)] != labels if judge in probs else np.zeros(len(labels), bool)
    disagree = (preds != preds[:1]).any(0)
    return Pools(
        random=np.arange(len(labels)),
        cnn_wrong=np.flatnonzero(wrong),
        disagree=np.flatnonzero(disagree),
        mislabelled=np.asarray(mislabel_order[:MISLABEL_POOL], int),
        gold=np.flatnonzero(gold),
    )


def split_counts(kinds: list[str], total: int = ROUND_SIZE - GOLD_PER_ROUND) -> dict[str, int]:
    """`total` digits shared as evenly as possible among the chosen kinds (the first ones get the remainder)."""
    kinds = [k for k in KINDS if k in kinds] or ["random"]
    base, extra = divmod(total, len(kinds))
    return {k: base + (i < extra) for i, k in enumerate(kinds)}


def make_round(pools: Pools, kinds: list[str], seed: int) -> list[Item]:
    """ROUND_SIZE items, no digit twice, gold hidden among them, shuffled; the same seed gives the same round."""
    rng = np.random.default_rng(seed)
    taken: set[int] = set()
    items: list[Item] = []

    def draw(pool: np.ndarray, n: int, kind: str) -> None:
        free = np.array([i for i in pool if int(i) not in taken], int) if len(pool) < 5000 else pool
        for i in rng.permutation(free):
            if n == 0:
                break
            if int(i) not in taken:
                taken.add(int(i))
                items.append(Item(int(i), kind))
                n -= 1

    for kind, n in split_counts(kinds).items():
        draw(pools.of(kind), n, kind)
    draw(pools.gold, GOLD_PER_ROUND, "gold")
    draw(pools.random, ROUND_SIZE - len(items), "random")  # a small pool ran out: fill with random digits
    return [items[i] for i in rng.permutation(len(items))]
