"""Every model's probabilities after each stroke of the current drawing, keyed by the number of strokes.

One more stroke appends; fewer strokes (Undo, Clear, the canvas toolbar) cut the timeline back to the
strokes that remain and re-record the last; the same count again replaces the last entry (the drawing
with that many strokes is what is on the canvas now); a jump of several strokes at once (strokes that
arrived together, a drawing handed back to the canvas) starts the timeline again at that count, so
every entry always describes a drawing that was really on the canvas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Timeline = dict[int, dict[str, np.ndarray]]  # stroke count -> model -> (10,) probabilities


def record(timeline: Timeline, strokes: int, probs: dict[str, np.ndarray] | None) -> Timeline:
    """The timeline after the canvas shows `strokes` strokes read as `probs` (None: nothing readable yet)."""
    if strokes <= 0:
        return {}
    if probs is None:
        return {k: v for k, v in timeline.items() if k < strokes}
    last = max(timeline, default=0)
    entry = {name: np.asarray(p, np.float32).copy() for name, p in probs.items()}
    if strokes > last + 1:
        return {strokes: entry}
    kept = {k: v for k, v in timeline.items() if k < strokes}
    kept[strokes] = entry
    return kept


@dataclass
class Step:
    strokes: int
    answer: int
    probability: float
    changed: bool  # the answer differs from the previous recorded stroke's


def steps(timeline: Timeline, model: str) -> list[Step]:
    """One model's answer after each recorded stroke, in order, with where it changed its mind."""
    out: list[Step] = []
    for k in sorted(timeline):
        p = timeline[k].get(model)
        if p is None:
            continue
        answer = int(np.argmax(p))
        out.append(Step(k, answer, float(p[answer]), bool(out) and out[-1].answer != answer))
    return out


def models_in(timeline: Timeline) -> list[str]:
    """The models of the latest entry, in their order."""
    return list(timeline[max(timeline)]) if timeline else []
