"""Crowd verdicts: people weighted by their accuracy on gold digits and their agreement with others.

A one-coin Dawid-Skene estimate (Dawid & Skene 1979, one accuracy per person): each person answers
right with probability a_p, otherwise uniformly among the 10 other answers. EM alternates a posterior
over each digit's true answer (the answers weighted by log(a_p / ((1 - a_p) / 10))) with each person's
accuracy, where gold digits (every committed classifier and the given label agree) count as known
answers and enter that accuracy directly. A plain majority would let one careless or hasty person
outvote two careful ones; here a person's word counts by how often they are right.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mnistdash.people.db import ANSWERS

METHOD = "one-coin Dawid-Skene, accuracy anchored on gold digits"
CONFIRM_POSTERIOR = 0.8  # a confirmed label error: the crowd's answer differs from the label at least this surely
CONFIRM_PEOPLE = 2  # ... from at least this many people


def gold_digits(probs: dict[str, np.ndarray], labels: np.ndarray) -> np.ndarray:
    """Bool mask over the split: every classifier's answer equals the given label."""
    mask = np.ones(len(labels), bool)
    for p in probs.values():
        mask &= np.asarray(p).argmax(1) == labels
    return mask


def crowd_verdicts(answers: pd.DataFrame, labels: np.ndarray, gold: np.ndarray, iterations: int = 30) -> pd.DataFrame:
    """One row per answered digit: index, n, counts per answer, crowd answer, agreement (posterior), label_error."""
    cols = ["index", "n", *ANSWERS, "label", "crowd", "agreement", "label_error"]
    if answers.empty:
        return pd.DataFrame(columns=cols)
    labels = np.asarray(labels)
    who_codes, people = pd.factorize(answers["who"])
    digit_codes, digits = pd.factorize(answers["index"].astype(int))
    ans = answers["answer"].map({a: k for k, a in enumerate(ANSWERS)}).to_numpy(int)
    k = len(ANSWERS)
    digits = np.asarray(digits, int)
    is_gold = gold[digits]
    known = np.where(is_gold, labels[digits], -1)

    acc = np.full(len(people), 0.7)
    for _ in range(iterations):
        w = np.log(acc / ((1 - acc) / (k - 1)))  # how much one answer of each person counts
        logpost = np.zeros((len(digits), k))
        np.add.at(logpost, (digit_codes, ans), w[who_codes])
        post = np.exp(logpost - logpost.max(1, keepdims=True))
        post /= post.sum(1, keepdims=True)
        post[is_gold] = np.eye(k)[known[is_gold]]  # gold digits: the answer is known
        right = post[digit_codes, ans]  # each answer's chance of being right
        hits = np.bincount(who_codes, right, len(people))
        total = np.bincount(who_codes, minlength=len(people))
        acc = np.clip((hits + 1) / (total + 2), 0.05, 0.99)  # Laplace prior: a new person starts at 1/2... then learns

    counts = np.zeros((len(digits), k), int)
    np.add.at(counts, (digit_codes, ans), 1)
    people_n = answers.groupby(digit_codes)["who"].nunique().to_numpy()
    crowd = post.argmax(1)
    out = pd.DataFrame(counts, columns=list(ANSWERS))
    out.insert(0, "n", counts.sum(1))
    out.insert(0, "index", digits)
    out["label"] = labels[digits]
    out["crowd"] = [ANSWERS[c] for c in crowd]
    out["agreement"] = post.max(1).round(3)
    out["label_error"] = (
        (out["crowd"] != out["label"].astype(str))
        & (out["agreement"] >= CONFIRM_POSTERIOR)
        & (people_n >= CONFIRM_PEOPLE)
        & ~is_gold
    )
    return out.sort_values("index").reset_index(drop=True)[cols]


def in_words(n: int, crowd: str, agreement: float, name=str) -> str:
    """A crowd verdict a person can read without knowing Dawid-Skene: '2 people: 9 (likely)'.

    `agreement` is the weighted posterior of the crowd's answer: 'likely' once it would confirm a label error
    (CONFIRM_POSTERIOR, from CONFIRM_PEOPLE people or more), 'leaning' above one half, else 'unsure'.
    """
    who = f"{n} {'person' if n == 1 else 'people'}"
    answer = "not a digit" if crowd == "x" else name(int(crowd)) if str(crowd).isdigit() else str(crowd)
    if n < CONFIRM_PEOPLE:
        how = "one answer, too few to judge"
    elif agreement >= CONFIRM_POSTERIOR:
        how = "likely"
    elif agreement > 0.5:
        how = "leaning"
    else:
        how = "unsure"
    return f"{who}: {answer} ({how})"
