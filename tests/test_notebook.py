"""The notebook way in: mnistdash.api's functions on their own, and the example notebook under examples/ executed
from start to end by a real Jupyter kernel (nbclient), so that it cannot rot."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import mnistdash.api as md
from mnistdash import store
from mnistdash.config import ROOT


def test_the_api_answers_as_the_store_and_the_pages_do():
    x, y = md.digits("test")
    assert x.shape == (10_000, 28, 28) and x.dtype == np.float32 and not x.flags.writeable
    probs = md.predict("cnn", x[:200])
    assert probs.shape == (200, 10) and np.allclose(probs.sum(1), 1, atol=1e-5)
    cm = md.confusion("cnn")
    assert cm.sum() == 10_000
    assert abs(np.trace(cm) / 1e4 - store.read_manifest()["models"]["cnn"]["test_accuracy"]) < 5e-4
    exact = md.explain("logreg-multinomial", x[0], method="exact")
    model = md.load("logreg-multinomial")
    answer = int(md.predict("logreg-multinomial", x[0]).argmax())
    scores = x[0].reshape(-1) @ np.asarray(model.coef_).T  # w*x without the bias: what the shares add up to
    assert exact.shape == (28, 28) and abs(float(exact.sum()) - float(scores[answer])) < 1e-3 * max(1.0, abs(scores[answer]))
    with pytest.raises(ValueError, match="does not apply"):
        md.explain("cnn", x[0], method="exact")
    assert len(md.lab("separability")) == 45
    assert md.unit("cnn", "conv2", 12)["unit"] == 12
    assert [type(f).__name__ for f in (md.confusion_figure("cnn"), md.weights_figure("logreg-multinomial"))] == ["Figure"] * 2


def test_reading_a_photo_or_a_bad_file(tmp_path):
    from PIL import Image

    from mnistdash.images.preprocess import ImageError

    x, _ = md.digits("test")
    path = tmp_path / "seven.png"
    Image.fromarray((255 - x[0] * 255).astype(np.uint8)).resize((140, 140)).save(path)  # dark ink on light paper
    digit = md.read_image(path)
    assert digit.shape == (28, 28) and int(md.predict("cnn", digit).argmax()) == 7
    (tmp_path / "bad.png").write_bytes(b"not an image")
    with pytest.raises(ImageError):
        md.read_image(tmp_path / "bad.png")


@pytest.mark.slow
def test_the_example_notebook_runs_end_to_end():
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "examples" / "tour.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    accuracy = float(re.search(r"cnn: ([\d.]+)% of 10,000 test digits", text).group(1)) / 100
    assert abs(accuracy - store.read_manifest()["models"]["cnn"]["test_accuracy"]) < 5e-4
    figures = [o for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert len(figures) == 3  # the maps, the confusion matrix and the weight maps, drawn by Jupyter
    heat = json.loads(json.dumps(figures[1]["data"]["application/vnd.plotly.v1+json"]))
    assert heat["data"][0]["type"] == "heatmap"
