"""The Linear lab's opening answer to "how can a linear model read ~92%?", written from the computed numbers."""

from __future__ import annotations

import numpy as np

from mnistdash.lab.results import first_reaching


def _pct(v: float) -> str:
    return f"{100 * float(v):.1f}%"


def answer(pairs=None, pca=None, deskew=None, pixels=None, path=None) -> list[str]:
    """Markdown sentences, one per experiment whose artifact is available (pass None for the others)."""
    out = []
    ref = None
    if pca is not None:
        ref = float(pca["raw_test_accuracy"])
        out.append(
            f"A weighted sum of the 784 pixels per digit, largest sum wins, reads **{_pct(ref)}** of the test digits here."
        )
    if pairs is not None:
        train, test = pairs["train_accuracy"], pairs["test_accuracy"]
        hard = int(np.argmin(test))
        separable = int((train >= 1.0).sum())
        out.append(
            f"**Most pairs of digits are linearly separable.** {separable} of the 45 digit pairs are split without one "
            f"training error by a single flat cut through pixel space, and on new digits the median pair is told apart "
            f"{_pct(np.median(test))} of the time; even the hardest pair, {pairs['a'][hard]} vs {pairs['b'][hard]}, "
            f"is told apart {_pct(test[hard])} of the time. Ten classes are only 45 such cuts, so the errors gather in the few pairs that overlap."
        )
    if pca is not None or pixels is not None:
        parts = []
        target = (ref or 0) - 0.01
        if pca is not None:
            k = first_reaching(pca["k"], pca["test_accuracy"], target)
            if k is not None:
                j = int(np.flatnonzero(pca["k"] == k)[0])
                parts.append(f"the first **{k}** principal components of 784 already give {_pct(pca['test_accuracy'][j])}")
        if pixels is not None:
            k = first_reaching(pixels["k"], pixels["test_accuracy"], target)
            if k is not None:
                j = int(np.flatnonzero(pixels["k"] == k)[0])
                parts.append(f"**{k}** well-chosen pixels give {_pct(pixels['test_accuracy'][j])}")
        if parts:
            out.append(
                f"**The evidence is redundant and low-dimensional:** {' and '.join(parts)} (within a point of all pixels)."
            )
    if path is not None:
        l1 = np.flatnonzero(path["penalty"] == "l1")
        if len(l1):
            good = l1[path["test_accuracy"][l1] >= path["test_accuracy"][l1].max() - 0.03]
            j = int(good[np.argmin(path["nonzero"][good])])  # the sparsest L1 model within 3 points of the best
            total = path["weights"][j].size
            out.append(
                f"An L1 penalty keeps only **{int(path['nonzero'][j]):,}** of {total:,} weights "
                f"({100 * path['nonzero'][j] / total:.0f}%) and still reads {_pct(path['test_accuracy'][j])}: "
                f"a few deciding pixels per digit carry most of the answer."
            )
    if deskew is not None:
        raw, straight = (float(v) for v in deskew["test_accuracy"])
        share = (straight - raw) / max(1 - raw, 1e-9)
        out.append(
            f"**Much of what is left is pose, not shape:** straightening each digit by its second moments (deskewing) "
            f"moves the same model from {_pct(raw)} to {_pct(straight)}, removing {100 * share:.0f}% of its errors."
        )
    return out
