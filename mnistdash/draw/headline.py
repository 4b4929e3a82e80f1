"""The Draw page's headline: the strongest model's answer with its confidence, or "unsure", never a plain vote."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mnistdash.zoo.registry import STRONG_MODELS  # the networks: their answers decide, the others are shown beside

# Below this probability the leading model's answer is headlined as unsure.
SURE_FROM = 0.6


@dataclass(frozen=True)
class Verdict:
    digit: int  # the leading model's answer
    confidence: float  # its probability
    leader: str  # the most accurate model that decides
    unsure: bool
    reason: str  # why unsure, in words ("" when sure)
    deciding: dict[str, int] = field(default_factory=dict)  # model -> answer, the models that decide
    secondary: dict[str, int] = field(default_factory=dict)  # model -> answer, shown beside it


def accuracies(manifest: dict) -> dict[str, float]:
    """Model -> test accuracy recorded in the manifest (models without one are left out)."""
    out = {}
    for name, entry in manifest.get("models", {}).items():
        acc = entry.get("test_accuracy") if isinstance(entry, dict) else None
        if isinstance(acc, (int, float)):
            out[name] = float(acc)
    return out


def leader(names: list[str], accuracy: dict[str, float] | None = None, strong=STRONG_MODELS) -> str:
    """The model the headline follows: the most accurate of the strong models among `names` (by the manifest's
    accuracy; without one, the one listed last in `strong`, the registry's order: the deeper network), else of
    every model named."""
    accuracy = accuracy or {}
    deciding = [n for n in strong if n in names] or list(names)
    rank = {n: i for i, n in enumerate(strong)}
    return max(deciding, key=lambda n: (accuracy.get(n, -1.0), rank.get(n, -1)))


def verdict(
    probs: dict[str, np.ndarray], accuracy: dict[str, float] | None = None, strong=STRONG_MODELS, sure_from: float = SURE_FROM
) -> Verdict:
    """Headline the leader (`leader`) of the models present; unsure when the deciding models disagree or the leader's
    probability is below `sure_from`. Without any strong model, every model present decides the same way."""
    if not probs:
        raise ValueError("no model's probabilities to decide from")
    deciding_names = [n for n in strong if n in probs] or list(probs)
    leader_name = leader(list(probs), accuracy, strong)
    answers = {n: int(np.argmax(probs[n])) for n in probs}
    digit, confidence = answers[leader_name], float(np.max(probs[leader_name]))
    deciding = {n: answers[n] for n in deciding_names}
    dissent = {n: a for n, a in deciding.items() if a != digit}
    reasons = []
    if dissent:
        reasons.append("the networks disagree: " + ", ".join(f"{n} reads {a}" for n, a in dissent.items()))
    if confidence < sure_from:
        reasons.append(f"{leader_name} gives {digit} only {100 * confidence:.0f}%")
    return Verdict(
        digit=digit,
        confidence=confidence,
        leader=leader_name,
        unsure=bool(reasons),
        reason="; ".join(reasons),
        deciding=deciding,
        secondary={n: a for n, a in answers.items() if n not in deciding},
    )
