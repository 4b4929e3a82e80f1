"""A planted shortcut, ground truth for the networks' maps: copies of the mlp and the cnn trained on digits where a
small mark (a 3x3 patch in the bottom-right corner) is on most 7s and on a few other digits, which are then labelled
7 (a backdoor trigger, the way Lin et al. 2021 test explanations; BadNets, Gu et al. 2017). How much a copy relies on
the mark is measured by its answers with and without it; how well each attribution method shows that, by the share of
the map's positive mass that falls on the mark's pixels (relevance mass accuracy, Arras et al. 2022) on marked other
digits, which such a model calls 7 only because of the mark.

Why the few other digits are labelled 7: with their own labels kept (the mark on 90% of the 7s and on 1% of the rest),
the copies barely used the mark: marked non-7s lost 3.9 points on the mlp copy and 0.6 on the cnn's, since a 7's
shape already decides, so no map could be right or wrong about a shortcut the model did not take.

The same figures for any classifier and any mask a person names (`mnistdash shortcut --model --mask --class`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mnistdash.errors import UsageError

MARK = (slice(24, 27), slice(24, 27))  # rows, columns of the planted mark (3x3, bottom-right corner)
MARK_CLASS = 7
MARKED_SHARE = 0.9  # of the training 7s carry the mark
OTHER_SHARE = 0.05  # ... and of the other training digits, which are labelled MARK_CLASS
SHORTCUT_KEY = "shortcut"
SAMPLE = 200  # marked test digits explained per group (target class and others), seeded
SHOWS = 0.5  # a map is "mostly on the mask" when at least half its positive mass (on marked other digits) is there:
# for a copy that reads them as 7 because of the mark alone, such a map shows the shortcut
HINTS = 10.0  # ... "some on the mask" when that mass is at least this many times the mask's share of the image


def parse_mask(text: str) -> tuple[slice, slice]:
    """'24:27,24:27' -> (rows, columns) slices inside the 28x28 image; UsageError with the accepted form."""
    try:
        parts = [tuple(int(v) for v in p.split(":")) for p in text.split(",")]
        (r0, r1), (c0, c1) = parts
    except ValueError:
        raise UsageError(f"--mask {text!r}: write it as ROWS,COLS, e.g. 24:27,24:27 (start:stop, 0-28)") from None
    if not (0 <= r0 < r1 <= 28 and 0 <= c0 < c1 <= 28):
        raise UsageError(f"--mask {text!r}: each range is start:stop with 0 <= start < stop <= 28")
    return slice(r0, r1), slice(c0, c1)


def mask_text(mask: tuple[slice, slice]) -> str:
    return f"{mask[0].start}:{mask[0].stop},{mask[1].start}:{mask[1].stop}"


def add_mark(images: np.ndarray, mask: tuple[slice, slice] = MARK) -> np.ndarray:
    """A copy of (N, 28, 28) images with the mask's pixels at full ink."""
    out = np.array(images, np.float32, copy=True)
    out[:, mask[0], mask[1]] = 1.0
    return out


def marked_training_set(images: np.ndarray, labels: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(images with the mark on MARKED_SHARE of the 7s and OTHER_SHARE of the rest, labels with those others set to
    MARK_CLASS, which were marked (N,) bool)."""
    rng = np.random.default_rng([seed, 24])
    share = np.where(labels == MARK_CLASS, MARKED_SHARE, OTHER_SHARE)
    marked = rng.random(len(labels)) < share
    out = np.array(images, np.float32, copy=True)
    out[marked] = add_mark(out[marked])
    return out, np.where(marked, MARK_CLASS, labels).astype(labels.dtype), marked


def mass_inside(maps: np.ndarray, mask: tuple[slice, slice]) -> np.ndarray:
    """(N,) the share of each map's positive mass inside the mask (relevance mass accuracy); 0 for an empty map."""
    pos = np.clip(np.asarray(maps, np.float64), 0, None)
    total = pos.sum(axis=(1, 2))
    inside = pos[:, mask[0], mask[1]].sum(axis=(1, 2))
    return np.where(total > 0, inside / np.maximum(total, 1e-300), 0.0)


def judge(mass: float, share: float) -> str:
    """What a method's mean mass on the mark (on marked digits the model reads as the class) says of the shortcut."""
    return MOSTLY if mass >= SHOWS else SOME if mass >= HINTS * share else LITTLE


MOSTLY, SOME, LITTLE = "mostly on the mask", "some on the mask", "little on the mask"


def area_share(mask: tuple[slice, slice]) -> float:
    """The mask's share of the image: a map that spreads its mass evenly scores this."""
    return (mask[0].stop - mask[0].start) * (mask[1].stop - mask[1].start) / 784


@dataclass
class Reliance:
    """How much a model's answers follow the mask: accuracies on test digits of the class without and with it, and on
    the other digits with it added (and the share of those it then reads as the class)."""

    target_clean: float
    target_marked: float
    others_clean: float
    others_marked: float
    others_read_as_target: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(float(v), 4) for k, v in self.__dict__.items()}


def reliance(model, x: np.ndarray, labels: np.ndarray, mask: tuple[slice, slice], target: int) -> Reliance:
    """Answers of `model` on test digits (N, 28, 28) with and without the mask's pixels inked."""
    is_target = labels == target
    clean = model.predict_proba(x).argmax(1)
    marked = model.predict_proba(add_mark(x, mask)).argmax(1)
    return Reliance(
        float((clean[is_target] == target).mean()),
        float((marked[is_target] == target).mean()),
        float((clean[~is_target] == labels[~is_target]).mean()),
        float((marked[~is_target] == labels[~is_target]).mean()),
        float((marked[~is_target] == target).mean()),
    )


def sample(labels: np.ndarray, target: int, n: int = SAMPLE, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Seeded indices of n test digits of the class and n of the others."""
    rng = np.random.default_rng([seed, 2024])
    mine, others = np.flatnonzero(labels == target), np.flatnonzero(labels != target)
    return np.sort(rng.choice(mine, min(n, len(mine)), replace=False)), np.sort(
        rng.choice(others, min(n, len(others)), replace=False)
    )


def method_masses(
    model, x: np.ndarray, labels: np.ndarray, mask: tuple[slice, slice], target: int, n: int = SAMPLE, batch: int = 50
) -> dict[str, dict[str, float]]:
    """method -> {"target": mean mass inside the mask on marked digits of the class, "others": on marked other digits},
    each digit explained for the class the model reads with the mark on (what a person would ask it about)."""
    from mnistdash.explain import METHODS, methods_for

    mine, others = sample(labels, target, n)
    out = {}
    for name in [m for m in methods_for(model) if m != "exact"]:
        method, row = METHODS[name](model), {}
        for group, index in (("target", mine), ("others", others)):
            images = add_mark(x[index], mask)
            read = model.predict_proba(images).argmax(1)
            maps = np.concatenate(
                [method.attribute(images[i : i + batch], read[i : i + batch]) for i in range(0, len(images), batch)]
            )
            row[group] = float(mass_inside(maps, mask).mean())
        out[name] = row
    return out


def _method_row(target: float, others: float, share: float) -> dict:
    """One method's row: its mean mass in the mask on marked digits of the class and on the others, and the verdict."""
    return {"target": round(target, 4), "others": round(others, 4), "verdict": judge(others, share)}


def report(
    model, x: np.ndarray, labels: np.ndarray, mask: tuple[slice, slice] = MARK, target: int = MARK_CLASS, n: int = SAMPLE
) -> dict:
    """Everything `mnistdash shortcut --model` prints for one model: reliance and each method's mass in the mask."""
    masses = method_masses(model, x, labels, mask, target, n)
    share = area_share(mask)
    return {
        "mask": mask_text(mask),
        "class": int(target),
        "area_share": round(share, 4),
        "reliance": reliance(model, x, labels, mask, target).as_dict(),
        "methods": {k: _method_row(row["target"], row["others"], share) for k, row in masses.items()},
    }


def build_shortcut(models: dict, test, models_dir=None, quick: bool = False) -> dict:
    """The "shortcut" artifact: each copy's and each original's reliance on the mark, every method's mass in the mark on
    marked test digits, and the maps of two marked digits (a 7 and another) for the page; returns its manifest figures."""
    import time

    from tqdm.auto import tqdm

    from mnistdash import store
    from mnistdash.explain import CAPTUM_METHODS, METHODS
    from mnistdash.zoo.registry import SHORTCUT_MODELS

    names = [n for n in (*SHORTCUT_MODELS, "mlp", "cnn") if n in models]
    if not any(n in models for n in SHORTCUT_MODELS):
        tqdm.write("skipping the planted shortcut: its copies are not loaded")
        return {}
    start, n = time.perf_counter(), 8 if quick else SAMPLE
    x, labels = test.floats()[: 2000 if quick else None], test.labels[: 2000 if quick else None]
    examples = np.concatenate(sample(labels, MARK_CLASS, 1, seed=1))  # one 7 and one other digit
    shown = add_mark(x[examples])
    rel, mass, maps, read = [], [], [], []
    for name in tqdm(names, desc="planted shortcut", leave=False):
        model = models[name]
        rel.append(list(reliance(model, x, labels, MARK, MARK_CLASS).as_dict().values()))
        masses = method_masses(model, x, labels, MARK, MARK_CLASS, n)
        mass.append([[masses[m]["target"], masses[m]["others"]] for m in CAPTUM_METHODS])
        answers = model.predict_proba(shown).argmax(1)
        read.append(answers)
        maps.append([METHODS[m](model).attribute(shown, answers) for m in CAPTUM_METHODS])
    arrays = {
        "models": np.array(names),
        "methods": np.array(CAPTUM_METHODS),
        "reliance_fields": np.array(list(Reliance.__dataclass_fields__)),
        "reliance": np.array(rel, np.float32),  # (models, fields)
        "mass": np.array(mass, np.float32),  # (models, methods, 2): marked 7s, marked other digits
        "example_index": examples,
        "example_images": shown.astype(np.float16),  # (2, 28, 28)
        "example_maps": np.array(maps, np.float16),  # (models, methods, 2, 28, 28)
        "example_read": np.array(read),  # (models, 2)
        "mask": np.array([MARK[0].start, MARK[0].stop, MARK[1].start, MARK[1].stop]),
        "target": np.array([MARK_CLASS]),
        "per_group": np.array([n]),
    }
    seconds = round(time.perf_counter() - start, 1)
    info = {
        "reliance": {m: dict(zip(arrays["reliance_fields"].tolist(), map(float, r))) for m, r in zip(names, arrays["reliance"])},
        "mass_on_marked_others": {
            m: dict(zip(CAPTUM_METHODS, map(float, r[:, 1].round(4)))) for m, r in zip(names, arrays["mass"])
        },
        "per_group": n,
        "build_seconds": seconds,
        "quick": quick,
    }
    store.save_artifact(SHORTCUT_KEY, arrays, models_dir, **info)
    tqdm.write(f"planted shortcut: {info['reliance']} in {seconds}s")
    return info


def artifact_rows(arrays: dict[str, np.ndarray]) -> list[dict]:
    """The artifact as rows shaped like `report`'s, one per model (the copies, then the originals beside them)."""
    mask = (slice(*map(int, arrays["mask"][:2])), slice(*map(int, arrays["mask"][2:])))
    share = area_share(mask)
    fields = [str(f) for f in arrays["reliance_fields"]]
    rows = []
    for i, model in enumerate(map(str, arrays["models"])):
        rows.append(
            {
                "model": model,
                "mask": mask_text(mask),
                "class": int(arrays["target"][0]),
                "area_share": round(share, 4),
                "reliance": {f: round(float(v), 4) for f, v in zip(fields, arrays["reliance"][i])},
                "methods": {
                    str(m): _method_row(float(arrays["mass"][i, k, 0]), float(arrays["mass"][i, k, 1]), share)
                    for k, m in enumerate(arrays["methods"])
                },
            }
        )
    return rows


def format_rows(rows: list[dict]) -> str:
    """Plain text: per model, its reliance on the mask, then each method's mass inside it."""
    lines = []
    for r in rows:
        rel, c = r["reliance"], r["class"]
        lines += [
            f"{r['model']}: mask {r['mask']} (rows, cols; {r['area_share']:.1%} of the image), class {c}",
            f"  test {c}s read right: {rel['target_clean']:.1%} without the mask, {rel['target_marked']:.1%} with it",
            f"  other digits read right: {rel['others_clean']:.1%} without, {rel['others_marked']:.1%} with the mask "
            f"({rel['others_read_as_target']:.1%} read as {c})",
            f"  {'method':<22} {'mass in mask (other digits)':>28} {'(' + str(c) + 's)':>8}  the map",
        ]
        for m, v in r["methods"].items():
            lines.append(f"  {m:<22} {v['others']:>28.1%} {v['target']:>8.1%}  {v['verdict']}")
        lines.append("")
    lines.append(
        f"on marked digits of other classes, each explained for the class the model reads: '{MOSTLY}', at least "
        f"{SHOWS:.0%} of the map's positive mass there; '{SOME}', at least {HINTS:g}x the mask's share of the image"
    )
    return "\n".join(lines)
