"""A round's score: the person's accuracy beside every model's on the same digits, and who beat whom."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RoundScore:
    n: int
    person: float  # share of the round's digits the person read as labelled
    models: dict[str, float]  # model -> its share on the same digits
    person_beat: list[int]  # digits the person got right and the judge model wrong
    model_beat: list[int]  # digits the judge model got right and the person wrong


def is_right(answer: str, label: int) -> bool:
    return answer == str(int(label))


def score_round(answers: dict[int, str], labels: np.ndarray, probs: dict[str, np.ndarray], judge: str = "cnn") -> RoundScore:
    """answers: test index -> "0".."9"/"x" for the digits answered so far."""
    idx = np.array(sorted(answers), int)
    if len(idx) == 0:
        return RoundScore(0, 0.0, {m: 0.0 for m in probs}, [], [])
    person = np.array([is_right(answers[i], labels[i]) for i in idx])
    models = {m: float((p[idx].argmax(1) == labels[idx]).mean()) for m, p in probs.items()}
    judged = probs[judge][idx].argmax(1) == labels[idx] if judge in probs else np.zeros(len(idx), bool)
    return RoundScore(
        n=len(idx),
        person=float(person.mean()),
        models=models,
        person_beat=[int(i) for i in idx[person & ~judged]],
        model_beat=[int(i) for i in idx[~person & judged]],
    )


def running_totals(answers: pd.DataFrame, labels: np.ndarray, judge_probs: np.ndarray | None) -> dict:
    """Across every quiz answer of one person (store rows of split 'test'): rounds, answers, accuracy, the judge's on them."""
    quiz = answers[(answers["split"] == "test") & (answers["source"] == "quiz")]
    if quiz.empty:
        return {"rounds": 0, "answers": 0, "accuracy": None, "judge_accuracy": None}
    idx = quiz["index"].to_numpy(int)
    right = quiz["answer"].to_numpy() == labels[idx].astype(str)
    judge = None if judge_probs is None else float((judge_probs[idx].argmax(1) == labels[idx]).mean())
    return {
        "rounds": int(quiz["round_id"].nunique()),
        "answers": len(quiz),
        "accuracy": float(right.mean()),
        "judge_accuracy": judge,
    }


class Throttle:
    """At most `limit` answers in any `window` seconds: faster than a person reads a digit."""

    def __init__(self, limit: int = 2, window: float = 1.0):
        self.limit, self.window = limit, window

    def allows(self, times: list[float], now: float) -> bool:
        return sum(now - t < self.window for t in times) < self.limit
