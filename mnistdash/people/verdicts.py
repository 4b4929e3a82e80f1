"""A person's verdicts on suspected mislabels: one verdict per digit from tick boxes, counted in plain words."""

from __future__ import annotations

from collections.abc import Sequence

VERDICTS = ("label wrong", "model wrong", "unsure")  # one tick-box column each: one click sets a verdict


def verdict_from_ticks(ticked: Sequence[str], previous: str = "") -> str:
    """The one verdict a row's ticked boxes say: "" for none; with several ticked, the one just ticked wins."""
    ticked = [v for v in VERDICTS if v in ticked]
    if not ticked:
        return ""
    fresh = [v for v in ticked if v != previous]
    return fresh[0] if fresh else ticked[0]


def counted(n: int, noun: str) -> str:
    """'1 mark', '2 marks', '0 marks'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def explain_link(index: int, split: str) -> str | None:
    """A link that opens the Explain page on a test digit (relative, so it works under any base path); None for train."""
    return f"Explain?digit={int(index)}" if split == "test" else None
