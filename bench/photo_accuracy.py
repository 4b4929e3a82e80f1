"""Per family of pictures people bring (mnistdash.images.families): read right by each model, flagged "not a digit".

Every picture goes through load_image and to_mnist, the path of the Draw upload and `mnistdash predict`.
"after" is the working tree's reading pipeline; "before" (with --before REV) is preprocess.py and ink.py as
they were at a git revision, loaded from `git show`. The figures are on seeds the pipeline was not tuned on
(tuning used seed 0; the tests read seed 1): by default seeds 2 and 3. The targets: >= 97% read right by the
cnn and <= 3% flagged, in every family. "its ink itself" reads each family's ink alpha as the family drew it,
before paper, light, camera and JPEG (not for chalk, whose ink holds the board's smudges): what a perfect reading pipeline could
reach with these models. On scans, whose digits were scanned at 8-16 px, it is where the pipeline already is.

With --numbers it reads 4-digit numbers instead (mnistdash.images.families.number_set, the path of
`mnistdash predict --number`): the share read fully right, per family. Its segmentation and the number path's
ink (each piece opened by its own stroke width) were tuned on seeds 0, 1, 10 and 11; the target is >= 95% on the
others (seeds 2 and 3 by default; 4 and 5 were a second held-out pair).

    .venv/bin/python bench/photo_accuracy.py [--n 100] [--seeds 2 3] [--before 9727293] [--families phone scan]
    .venv/bin/python bench/photo_accuracy.py --numbers [--n 100] [--seeds 2 3]
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
torch.set_num_threads(1)

from mnistdash.data import load_split  # noqa: E402
from mnistdash.images import families, preprocess  # noqa: E402
from mnistdash.images.families import FAMILIES, HELD_BACK, NUMBER_FAMILIES, family_set, number_set  # noqa: E402
from mnistdash.images.number import find_digits  # noqa: E402
from mnistdash.robustness.ood.build import load_scorer, number_reader  # noqa: E402
from mnistdash.zoo import load_all  # noqa: E402

MODELS = ("cnn", "mlp")
TARGET_READ, TARGET_FLAGGED = 0.97, 0.03


def _module_at(revision: str, name: str, extra: dict | None = None):
    for path in (f"mnistdash/images/{name}.py", f"mnistdash/{name}.py"):  # the reading pipeline moved to images/
        shown = subprocess.run(["git", "show", f"{revision}:{path}"], cwd=ROOT, capture_output=True, text=True)
        if shown.returncode == 0:
            break
    else:
        raise subprocess.CalledProcessError(shown.returncode, shown.args)
    source = shown.stdout
    module = types.ModuleType(f"{name}_{revision}")
    module.__dict__.update(extra or {})
    sys.modules[module.__name__] = module  # dataclasses look their module up there
    saved = {k: sys.modules.get(k) for k in ("mnistdash.images.ink",)}
    if extra and "ink" in extra:  # `from mnistdash import ink` inside the old source takes the old ink
        import mnistdash

        old_ink, mnistdash.images.ink, sys.modules["mnistdash.images.ink"] = (
            getattr(mnistdash, "ink", None),
            extra["ink"],
            extra["ink"],
        )
    try:
        exec(compile(source, f"{revision}:{path}", "exec"), module.__dict__)
    finally:
        if extra and "ink" in extra:
            mnistdash.images.ink = old_ink
            for k, v in saved.items():
                sys.modules[k] = v
    return module


def pipeline_at(revision: str):
    """The reading pipeline (preprocess.py with its ink.py) as it was at a git revision, or None."""
    try:
        try:
            old_ink = _module_at(revision, "ink")
        except subprocess.CalledProcessError:
            old_ink = None
        return _module_at(revision, "preprocess", {"ink": old_ink} if old_ink else None)
    except (OSError, subprocess.CalledProcessError):
        return None


@contextlib.contextmanager
def ink_kept():
    """Within it, every picture families.render draws leaves its ink alpha (before paper, light, blur, noise and JPEG) in
    the list yielded: the digit as the family wrote it, to read without the photo."""
    kept, compose = [], families._compose

    def spy(ink, *args, **kwargs):
        kept.append(ink.copy())
        return compose(ink, *args, **kwargs)

    families._compose = spy
    try:
        yield kept
    finally:
        families._compose = compose


def ceiling(alphas: list[np.ndarray]) -> np.ndarray:
    """(N, 28, 28) each family's ink itself, cropped and centred as the pipeline does: what the models could read at
    best from a picture whose paper, light and camera were taken away perfectly."""
    out = []
    for alpha in alphas:
        rows, cols = np.flatnonzero(alpha.max(1) > 0.05 * alpha.max()), np.flatnonzero(alpha.max(0) > 0.05 * alpha.max())
        out.append(preprocess._centred(alpha[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1] / alpha.max()))
    return np.stack(out)


def read_all(module, pictures) -> tuple[np.ndarray, np.ndarray, float]:
    """Every picture -> (N, 28, 28) digits (blank where refused), refused (N,) bool, seconds per picture."""
    digits, refused = [], np.zeros(len(pictures), bool)
    start = time.perf_counter()
    for i, picture in enumerate(pictures):
        try:
            digits.append(module.to_mnist(module.load_image(picture.data, f"picture{i}")))
        except module.ImageError:
            digits.append(np.zeros((28, 28), np.float32))
            refused[i] = True
    return np.stack(digits), refused, (time.perf_counter() - start) / max(1, len(pictures))


def numbers(n: int, seeds: list[int], reader: str = "cnn") -> None:
    """The share of 4-digit numbers read fully right by one model, per family and in all."""
    split = load_split("test")
    read = load_all([reader])[0][reader].predict_proba
    segment = number_reader(read)  # the path of `mnistdash predict --number`: pieces weighted by the digit score
    rows: dict[str, list[bool]] = {family: [] for family in NUMBER_FAMILIES}
    wrong = []
    start = time.perf_counter()
    for seed in seeds:
        for picture in number_set(split.floats(), split.labels, n, seed=seed):
            try:
                found = find_digits(preprocess.load_image(picture.data, "number"), segment)
                got = "".join(str(int(p.argmax())) for p in read(np.stack([d.digit for d in found.digits])))
            except preprocess.ImageError:
                got = "(refused)"
            rows[picture.family].append(got == picture.number)
            if got != picture.number:
                wrong.append(f"{picture.number}->{got} ({picture.family})")
    seconds = (time.perf_counter() - start) / max(1, n * len(seeds))
    everything = [ok for oks in rows.values() for ok in oks]
    print(f"{n} 4-digit numbers per seed, seeds {seeds}, read by the {reader}; {1000 * seconds:.0f} ms a picture")
    for family, oks in rows.items():
        print(f"{family:<8} {len(oks):>5} {100 * np.mean(oks):>6.1f}%")
    share = float(np.mean(everything))
    print(f"{'all':<8} {len(everything):>5} {100 * share:>6.1f}%  target 95%: {'met' if share >= 0.95 else 'MISSED'}")
    print("read wrong:", ", ".join(wrong))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="pictures per family and seed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[2, 3])
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=FAMILIES)
    parser.add_argument("--before", default=None, help="git revision of an older reading pipeline to compare")
    parser.add_argument("--numbers", action="store_true", help="read 4-digit numbers (number_set) instead")
    args = parser.parse_args()
    if args.numbers:
        numbers(args.n, args.seeds)
        return

    split = load_split("test")
    images, labels = split.floats(), split.labels
    models, _ = load_all()
    scorer = load_scorer()
    versions = {"after": preprocess}
    if args.before:
        before = pipeline_at(args.before)
        if before is None:
            print(f"(no 'before': git cannot show {args.before}:mnistdash/images/preprocess.py here)")
        else:
            versions = {f"before {args.before}": before, **versions}

    print(f"{args.n} pictures per family and seed, seeds {args.seeds}; held back from tuning: {', '.join(HELD_BACK)}")
    print(
        f"{'pipeline':<16} {'family':<8} {'n':>5} "
        + " ".join(f"{m:>6}" for m in MODELS)
        + f" {'flagged':>8} {'refused':>8} {'ms/pic':>7}  target"
    )
    for family in args.families:
        with ink_kept() as alphas:
            pictures = [p for seed in args.seeds for p in family_set(images, labels, family, args.n, seed)]
        truth = np.array([p.label for p in pictures])
        if family != "chalk":  # chalk's ink alpha holds the board's smudges too
            best = [models[m].predict_proba(ceiling(alphas)).argmax(1) == truth for m in MODELS]
            print(f"{'its ink itself':<16} {family:<8} {len(pictures):>5} " + " ".join(f"{100 * r.mean():>5.1f}%" for r in best))
        for name, module in versions.items():
            digits, refused, seconds = read_all(module, pictures)
            right = [models[m].predict_proba(digits).argmax(1) == truth for m in MODELS]
            flagged = scorer.flags(scorer.score(models, digits)) & ~refused
            ok = right[0].mean() >= TARGET_READ and flagged.mean() <= TARGET_FLAGGED
            print(
                f"{name:<16} {family:<8} {len(pictures):>5} "
                + " ".join(f"{100 * r.mean():>5.1f}%" for r in right)
                + f" {100 * flagged.mean():>7.1f}% {int(refused.sum()):>8} {1000 * seconds:>7.0f}  {'met' if ok else 'MISSED'}"
            )


if __name__ == "__main__":
    main()
