"""mnistdash from a notebook: the core the pages use, as plain functions that return numpy arrays and Plotly figures
(which Jupyter draws inline). Everything reads the committed store (or `models_dir`) and the embedded MNIST, as the
app does; nothing trains, nothing downloads.

    import mnistdash.api as md

    md.models()                               # the classifiers in the store
    x, y = md.digits("test")                  # (10000, 28, 28) floats in [0, 1], and their labels
    md.predict("cnn", x[:5])                  # (5, 10) probabilities
    md.explain("cnn", x[0])                   # (28, 28) contributions to its answer (input x gradient)
    md.explain("logreg-multinomial", x[0], method="exact")   # exact w*x for a linear model
    md.read_image("photo.jpg")                # a photo, scan or drawing as the models see it: (28, 28)
    md.confusion("cnn")                       # (10, 10) counts on the test digits, rows the true class
    md.confusion_figure("cnn")                # the Errors page's matrix, as a Plotly figure
    md.weights_figure("logreg-multinomial")   # the Weights page's ten maps
    md.lab("separability")                    # the Linear lab's table, a list of rows
    md.unit("cnn", "conv2", 12)               # one unit under the microscope
    md.mislabels(top=10)                      # the test digits whose label the models reject most
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = [
    "confusion",
    "confusion_figure",
    "digits",
    "explain",
    "lab",
    "load",
    "methods",
    "mislabels",
    "models",
    "predict",
    "read_image",
    "unit",
    "weights_figure",
]


def _threads() -> None:
    import torch

    torch.set_num_threads(1)  # single digits: many threads cost more than they give on small work


def models(models_dir: str | Path | None = None) -> list[str]:
    """The classifiers in the store, built in and imported."""
    from mnistdash.zoo import registry

    return list(registry.classifiers(Path(models_dir) if models_dir else None))


@lru_cache(maxsize=32)
def load(name: str, models_dir: str | None = None):
    """A classifier from the store (checksums checked; nothing unpickled): `.predict_proba(x)` on (N, 28, 28)."""
    from mnistdash.zoo import load as load_model

    _threads()
    return load_model(name, models_dir)


@lru_cache(maxsize=2)
def digits(split: str = "test", data_dir: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(images (N, 28, 28) float32 in [0, 1], labels (N,)) of the embedded dataset's 'train' or 'test' split."""
    from mnistdash.data import load_split

    s = load_split(split, data_dir)
    x = s.floats()
    x.setflags(write=False)
    return x, s.labels


def predict(name: str, images: np.ndarray) -> np.ndarray:
    """(N, 10) probabilities of a classifier for (N, 28, 28) images (or one (28, 28) image: (1, 10))."""
    x = np.asarray(images, np.float32)
    return load(name).predict_proba(x.reshape(-1, 28, 28))


def methods(name: str) -> list[str]:
    """The attribution methods that apply to a classifier ('exact' for linear models)."""
    from mnistdash.explain import methods_for

    return methods_for(load(name))


def explain(name: str, image: np.ndarray, method: str = "input-x-gradient", target: int | None = None) -> np.ndarray:
    """(28, 28) per-pixel contributions to class `target` (default: the model's answer) by `method`, as the Explain
    page computes them."""
    from mnistdash.explain import METHODS

    if method not in methods(name):
        raise ValueError(f"{method!r} does not apply to {name}; choose one of {', '.join(methods(name))}")
    x = np.asarray(image, np.float32).reshape(1, 28, 28)
    answer = int(predict(name, x)[0].argmax()) if target is None else int(target)
    return METHODS[method](load(name)).attribute(x, [answer])[0]


def read_image(source: str | Path | bytes) -> np.ndarray:
    """A photo, scan or drawing (a path or the file's bytes) as the models see it: (28, 28) floats in [0, 1], white
    ink on black, centred like MNIST. A file that cannot be read raises ImageError with a one-line reason."""
    from mnistdash.images.preprocess import preprocess_file

    return preprocess_file(source)


def confusion(name: str, split: str = "test") -> np.ndarray:
    """(10, 10) counts: row the true class, column the classifier's answer, from the precomputed probabilities."""
    from mnistdash import store
    from mnistdash.mistakes.confusion import confusion as counts

    probs = store.load_artifact(f"probs-{name}")[split].astype(np.float32)
    return counts(digits(split)[1], probs.argmax(1))


def confusion_figure(name: str, split: str = "test", normalized: bool = False):
    """The Errors page's confusion matrix of a classifier, as a Plotly figure."""
    from mnistdash.plots.figures import confusion_figure as figure

    return figure(confusion(name, split), normalized=normalized, title=f"{name}, {split} digits")


def weights_figure(name: str):
    """The Weights page's ten weight maps of a linear classifier (red pushes toward the class), as a Plotly figure."""
    from mnistdash.config import CLASS_NAMES
    from mnistdash.plots.figures import mosaic

    model = load(name)
    if not hasattr(model, "coef_"):
        raise ValueError(f"{name} is not a linear model; its weights are not one picture per class")
    return mosaic(np.asarray(model.coef_).reshape(-1, 28, 28), [f"{c}" for c in CLASS_NAMES])


def lab(table: str) -> list[dict]:
    """The Linear lab's results: 'separability' (the 45 digit pairs) or 'path' (the regularisation path), as rows."""
    from mnistdash.lab import results

    if table == "separability":
        return results.pair_rows(results.load("lab-pairs"))
    if table == "path":
        return results.path_rows(results.load("lab-path"))
    raise ValueError(f"table: 'separability' or 'path', not {table!r}")


def unit(model: str, layer: str, index: int) -> dict:
    """One hidden unit under the microscope (the artifact microscope-MODEL): its top and bottom training digits, mean
    activation per class, accuracy per class with it zeroed and the test digits that change their answer."""
    from mnistdash import store
    from mnistdash.explain import microscope

    return microscope.unit_view(store.load_artifact(microscope.MICROSCOPE_KEY.format(model)), layer, index)


def mislabels(split: str = "test", top: int = 20) -> list[dict]:
    """The digits whose given label the models reject most confidently, as `mnistdash mislabels` ranks them."""
    from mnistdash.mistakes.mislabels import rank_mislabels

    return rank_mislabels(split, top)
