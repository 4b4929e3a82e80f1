"""Guided lessons: the four questions that bring people here, each as 5-8 steps of a short text and a link to the
view that shows it. Every number a step states is read from the committed store (the manifest's metrics and the
artifacts), never typed into the text: a retrained model or a rebuilt artifact changes the lesson with it.

`lessons(manifest, artifact)` builds them from a manifest dict and an artifact reader (key -> arrays, or a string
saying why it is missing); a step whose figures are missing says so instead of a number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

Reader = Callable[[str], "dict[str, np.ndarray] | str"]


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    page: str  # the page's file, e.g. "pages/2_Explain.py"
    label: str  # the link's label
    params: dict[str, str] = field(default_factory=dict)  # the view's query parameters, less the page's defaults
    # (as the page writes its own address: a link that names a default gets a second history entry, and Back
    # from the view would not return to the lesson)


@dataclass(frozen=True)
class Lesson:
    key: str
    question: str
    steps: list[Step]


class Missing(Exception):
    """A figure a step needs is not in the store."""


def _pct(x: float, digits: int = 1) -> str:
    return f"{100 * float(x):.{digits}f}%"


def _accuracy(manifest: dict, name: str) -> float:
    try:
        return float(manifest["models"][name]["test_accuracy"])
    except KeyError:
        raise Missing(f"the accuracy of {name}") from None


def _arrays(read: Reader, key: str) -> dict[str, np.ndarray]:
    got = read(key)
    if isinstance(got, str):
        raise Missing(f"the artifact {key}")
    return got


def _row(arrays: dict, name: str) -> int:
    models = [str(m) for m in arrays["models"]]
    if name not in models:
        raise Missing(f"{name} in the table")
    return models.index(name)


def _linear(manifest: dict, read: Reader, labels: np.ndarray) -> Lesson:
    pairs = _arrays(read, "lab-pairs")
    test = pairs["test_accuracy"]
    hardest = int(np.argmin(test))
    path = _arrays(read, "lab-path")
    best = int(np.argmax(path["test_accuracy"]))
    sparse = int(np.argmin(np.where(path["test_accuracy"] >= 0.9, path["nonzero"], np.iinfo(np.int64).max)))
    deskew = _arrays(read, "lab-deskew")
    variants = [str(v) for v in deskew["variant"]]
    raw, straight = (float(deskew["test_accuracy"][variants.index(v)]) for v in variants[:2])
    steps = [
        Step(
            "A template per class",
            f"The simplest reader keeps one picture per class, the mean of its training digits, and answers with the "
            f"class whose mean a digit overlaps most: {_pct(_accuracy(manifest, 'template-mean'))} of the test digits. "
            "Look at the ten means: blurred, but each is its digit.",
            "pages/1_Weights.py",
            "The class means on Weights",
        ),
        Step(
            "Weights as pictures",
            f"Logistic regression learns its ten templates instead: {_pct(_accuracy(manifest, 'logreg-multinomial'))} "
            f"(one-vs-rest {_pct(_accuracy(manifest, 'logreg-ovr'))}). Red pixels push toward a class, blue away: the "
            "weights are less a picture of the digit than of what tells it from the others.",
            "pages/1_Weights.py",
            "The weight maps on Weights",
        ),
        Step(
            "Exact reasons for one digit",
            "For a linear model, each pixel's share of a class's score is its weight times its ink, and the shares add "
            "up exactly to the score. Here is the multinomial model on one test digit.",
            "pages/2_Explain.py",
            "This digit's w·x on Explain",
            {"digit": "0", "model": "logreg-multinomial", "method": "exact"},
        ),
        Step(
            "Where it goes wrong",
            f"Its confusion matrix: the cells off the diagonal are the "
            f"{int(round(len(labels) * (1 - _accuracy(manifest, 'logreg-multinomial'))))} "
            "test digits it gets wrong. Click a cell to see them.",
            "pages/4_Errors.py",
            "Its confusion matrix on Errors",  # the page's own default model: a link leaves defaults out
        ),
        Step(
            "Two digits at a time",
            f"Take the digits two at a time, and one straight line tells them apart: every one of the {len(test)} pairs "
            f"at {_pct(test[hardest])} or better on the test digits ({int((test >= 0.99).sum())} at 99% or better); "
            f"the hardest is {int(pairs['a'][hardest])} against {int(pairs['b'][hardest])}. Ten classes at once is "
            "what costs the points.",
            "pages/7_Linear_lab.py",
            "Pairwise separability in the Linear lab",
            {"lab_tab": "Pairwise separability"},
        ),
        Step(
            "Fewer weights",
            f"A penalty on the weights: the best on the test digits is {_pct(path['test_accuracy'][best])} "
            f"({str(path['penalty'][best])}, strength {float(path['strength'][best]):.2g}); a penalty ({str(path['penalty'][sparse])}) still reads "
            f"{_pct(path['test_accuracy'][sparse])} with only {int(path['nonzero'][sparse])} of the "
            f"{int(np.prod(path['weights'].shape[1:])):,} weights not zero.",
            "pages/7_Linear_lab.py",
            "The regularisation path in the Linear lab",
        ),
        Step(
            "Straighten the digits first",
            f"Much of what a linear model gets wrong is slant. Deskewing every digit before reading it moves the test "
            f"accuracy from {_pct(raw)} to {_pct(straight)}.",
            "pages/7_Linear_lab.py",
            "Deskewing in the Linear lab",
            {"lab_tab": "What it sees"},
        ),
    ]
    return Lesson("linear", f"How can a linear model read {_pct(_accuracy(manifest, 'logreg-multinomial'), 0)} of digits?", steps)


def _hard(manifest: dict, read: Reader, labels: np.ndarray) -> Lesson:
    probs = _arrays(read, "probs-cnn")["test"].astype(np.float32)
    pred = probs.argmax(1)
    wrong = pred != labels
    pairs = np.zeros((10, 10), int)
    np.add.at(pairs, (labels[wrong], pred[wrong]), 1)
    true, said = np.unravel_index(np.argmax(pairs), pairs.shape)
    right_p = probs[np.arange(len(labels)), labels]
    hardest = int(np.argmin(right_p))
    others = [n for n in manifest.get("models", {}) if n.startswith(("logreg", "mlp", "bottleneck")) and "shortcut" not in n]
    mean_p = np.mean([_arrays(read, f"probs-{n}")["test"].astype(np.float32)[np.arange(len(labels)), labels] for n in others], 0)
    doubted = int(np.sum(mean_p < 0.05))
    steps = [
        Step(
            "The best model's mistakes",
            f"The convnet reads {_pct(_accuracy(manifest, 'cnn'), 2)} of the test digits: {int(wrong.sum())} of "
            f"{len(labels):,} wrong. Its confusion matrix shows where.",
            "pages/4_Errors.py",
            "The cnn's confusion matrix on Errors",
            {"model": "cnn"},
        ),
        Step(
            "The most common confusion",
            f"Its most frequent mistake: a {true} read as {said}, {int(pairs[true, said])} times. These are the digits "
            "behind that cell.",
            "pages/4_Errors.py",
            f"The {true}s read as {said}",
            {"model": "cnn", "cell": f"{true}-{said}"},
        ),
        Step(
            "The hardest digit",
            f"Test digit #{hardest} is labelled {int(labels[hardest])}, and the convnet gives that label "
            f"{_pct(right_p[hardest], 2)}. Look at it, and at the pixels every model used.",
            "pages/2_Explain.py",
            f"Test digit #{hardest} on Explain",
            {"digit": str(hardest)},  # the cnn is the page's default model
        ),
        Step(
            "Is the label wrong?",
            f"Some of those digits are not hard: their label is wrong. On {doubted} test digits the other networks and "
            "logistic regression agree on average to give the label under 5%. The mislabel ranking puts them first.",
            "pages/4_Errors.py",
            "Likely mislabelled, on Errors (its third tab)",
        ),
        Step(
            "Would you do better?",
            "Read the digits the models find hardest yourself, against the clock the models never feel, and see your "
            "score beside theirs on the same digits.",
            "pages/9_You_vs_the_models.py",
            "You vs the models",
        ),
        Step(
            "The crowd's verdict",
            "Every answer people give is kept: where most people read a digit otherwise than its label, the crowd "
            "votes the label wrong, beside the models' ranking.",
            "pages/9_You_vs_the_models.py",
            "The crowd's verdicts",
        ),
    ]
    return Lesson("hard", "What does a difficult digit look like, and would a person do better?", steps)


def _two_numbers(manifest: dict, read: Reader, labels: np.ndarray) -> Lesson:
    emb = _arrays(read, "embedding")
    cut = _arrays(read, "microscope-bottleneck")
    code_changed = [int(v) for v in cut["3/changed_count"]]
    near = {k: _neighbour_accuracy(emb[k], labels[emb["index"]]) for k in ("bottleneck", "tsne")}
    steps = [
        Step(
            "Two numbers per digit",
            f"This network squeezes every digit through a layer of two units, then reads the class from those two "
            f"numbers alone: {_pct(_accuracy(manifest, 'bottleneck'))} of the test digits (the MLP with "
            f"{sum(manifest['models']['mlp']['config']['hidden'])} units: {_pct(_accuracy(manifest, 'mlp'))}).",
            "pages/5_Embedding.py",
            "The two numbers as a map",
        ),
        Step(
            "Its map beside t-SNE",
            f"Each test digit is a point. Beside it, t-SNE lays out the raw pixels without being told the classes. A "
            f"digit's nearest 5 points share its label {_pct(near['bottleneck'])} of the time on the network's map, "
            f"{_pct(near['tsne'])} on t-SNE.",
            "pages/5_Embedding.py",
            "Both maps",
        ),
        Step(
            "One of the two units",
            f"Switch off either unit and the network loses most of its answers: {code_changed[0]:,} and "
            f"{code_changed[1]:,} of the {len(labels):,} answers change.",
            "pages/11_Microscope.py",
            "The first code unit in the Microscope",
            {"model": "bottleneck", "layer": "3", "unit": "0"},
        ),
        Step(
            "The other",
            "Its partner: the classes each unit answers to, and the picture that excites it most.",
            "pages/11_Microscope.py",
            "The second code unit",
            {"model": "bottleneck", "layer": "3", "unit": "1"},
        ),
        Step(
            "Your own digit on the map",
            "Draw a digit: it lands on both maps, beside its 8 nearest test digits. Draw a sloppy one and watch it fall "
            "between the clusters.",
            "pages/3_Draw.py",
            "Draw a digit",
        ),
    ]
    return Lesson("two", "Can two numbers hold a digit?", steps)


def _neighbour_accuracy(xy: np.ndarray, labels: np.ndarray, k: int = 5) -> float:
    """Share of the points whose k nearest others (by the map's distances) have its label, on average."""
    from sklearn.neighbors import NearestNeighbors

    nn = NearestNeighbors(n_neighbors=k + 1).fit(xy)
    _, idx = nn.kneighbors(xy)
    return float((labels[idx[:, 1:]] == labels[:, None]).mean())


def _trust(manifest: dict, read: Reader) -> Lesson:
    den = _arrays(read, "denoise")
    levels = [float(v) for v in den["levels"]]
    at = int(np.argmin(np.abs(np.array(levels) - 0.5)))
    deep, cnn = _row(den, "mlp-deep"), _row(den, "cnn")
    ood = manifest.get("artifacts", {}).get("ood", {})
    if "flagged" not in ood:
        raise Missing("the digit score's rates")
    caught = ", ".join(f"{k} {_pct(v, 0)}" for k, v in ood["flagged"].items())
    families = ood.get("family_flagged", {})
    worst = max(families.values()) if families else float(ood.get("test_flagged", 0.0))
    attack = _arrays(read, "attack")
    eps = [float(e) for e in attack["epsilons"]]
    e = int(np.argmin(np.abs(np.array(eps) - 0.1)))  # a budget of 0.1, or the nearest in the table
    a_cnn = float(attack["accuracy"][_row(attack, "cnn"), e])
    steps = [
        Step(
            "Noise on the digits",
            f"Add noise of sigma {levels[at]:g} to every test digit: the deep MLP falls to "
            f"{_pct(den['noisy'][deep, at])}; the convnet, trained with noise, keeps {_pct(den['noisy'][cnn, at])}.",
            "pages/6_Denoise.py",
            "The noise curves on Denoise",
            {"den_model": "mlp-deep"},
        ),
        Step(
            "The denoiser helps the models that never saw noise",
            f"An autoencoder trained to remove noise first: the deep MLP back to {_pct(den['denoised'][deep, at])}; "
            f"the convnet {_pct(den['denoised'][cnn, at])}, so for it the denoiser costs "
            f"{100 * (den['noisy'][cnn, at] - den['denoised'][cnn, at]):.1f} points. Denoise only a reader that needs it.",
            "pages/6_Denoise.py",
            "Noisy and denoised digits",
            {"den_model": "cnn"},
        ),
        Step(
            "When the answer is not a digit",
            f"Every model answers something, even for a letter. The digit score flags what is not a digit: caught {caught}; "
            f"real digits flagged at most {_pct(worst)} in each family of photos and scans.",
            "pages/3_Draw.py",
            "Draw a letter on Draw",
        ),
        Step(
            "Invisible changes",
            f"Pixels changed by at most {eps[e]:g} (of 1) each, in the worst direction: the convnet reads "
            f"{_pct(a_cnn)} of {len(attack['index']):,} test digits right. A person sees the same digit.",
            "pages/8_Adversarial.py",
            "Adversarial examples",
            {"adv_eps": f"{eps[e]:g}"},
        ),
        Step(
            "Which explanation to believe",
            "Even the maps that say why can mislead: on the Trust the maps page each method is scored by taking pixels "
            "away in its order, and checked on a planted shortcut whose answer is known.",
            "pages/10_Trust_the_maps.py",
            "Trust the maps",
            {"shortcut": "1"},
        ),
    ]
    return Lesson("trust", "Does denoising help, and when should we not trust the answer?", steps)


def lessons(manifest: dict, read: Reader, labels: np.ndarray) -> list[Lesson | tuple[str, str]]:
    """The four lessons, each a Lesson, or (question, the one line saying which figure is missing)."""
    out: list[Lesson | tuple[str, str]] = []
    for question, build in (
        ("How can a linear model read most digits?", lambda: _linear(manifest, read, labels)),
        ("What does a difficult digit look like, and would a person do better?", lambda: _hard(manifest, read, labels)),
        ("Can two numbers hold a digit?", lambda: _two_numbers(manifest, read, labels)),
        ("Does denoising help, and when should we not trust the answer?", lambda: _trust(manifest, read)),
    ):
        try:
            out.append(build())
        except Missing as exc:
            out.append((question, f"{exc.args[0]} is missing from the store; run `mnistdash train`"))
    return out
