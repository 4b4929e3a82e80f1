"""A model of one's own in a real browser: an ONNX file imported into a copy of the store, then the server started
on it shows the model on the leaderboard, explains a digit with it and reads a drawn digit with it."""

from __future__ import annotations

import re
import shutil

import pytest
import torch
from torch import nn

from mnistdash.config import MODELS_DIR
from mnistdash.data import load_split
from mnistdash.explain import faithfulness as fa
from mnistdash.zoo import load
from mnistdash.zoo.onnx.importer import export_model, import_model
from tests.browser.harness import Server, assert_no_errors, canvas_box, open_page, stroke, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def byo_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("byo") / "models"
    shutil.copytree(MODELS_DIR, root)
    import_model(
        export_model("mlp", root.parent / "mlp.onnx", flat=True), "my-mlp", "the MLP, exported and imported", models_dir=root
    )
    torch.manual_seed(0)
    gelu = nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.GELU(), nn.Linear(32, 10)).eval()  # Erf: onnxruntime only
    torch.onnx.export(
        gelu,
        (torch.zeros(1, 1, 28, 28),),
        str(root.parent / "gelu.onnx"),
        input_names=["x"],
        dynamic_axes={"x": {0: "n"}},
        opset_version=17,
        dynamo=False,
    )
    import_model(root.parent / "gelu.onnx", "my-gelu", "an untrained GELU net", models_dir=root)
    fa.build_imported("my-mlp", load("my-mlp", root), load_split("test"), root)  # what `mnistdash import-model` adds
    srv = Server(env={"MNISTDASH_MODELS_DIR": str(root)})
    yield srv
    srv.stop()


def test_leaderboard_lists_the_imported_models(page, byo_server):
    open_page(page, byo_server, "", "Leaderboard")
    page.get_by_text("imported: the MLP, exported and imported").first.wait_for(timeout=90_000)  # rows can follow the title
    wait_idle(page)
    board = page.locator("body").inner_text()
    assert "my-mlp" in board and "imported: the MLP, exported and imported" in board
    assert re.search(r"my-mlp[^\n]*97\.9\d%", board), board[:2000]
    assert_no_errors(page)


def test_explain_shows_the_imported_models_and_how_each_is_explained(page, byo_server):
    open_page(page, byo_server, "Explain", "exact contributions")
    page.get_by_text("Imported model my-mlp: explained by Captum on the graph converted to torch").wait_for(timeout=90_000)
    page.get_by_text("Imported model my-gelu: explained by occlusion with onnxruntime").wait_for(timeout=90_000)
    page.get_by_text(re.compile(r"my-mlp → \d")).first.wait_for(timeout=60_000)  # its maps' grid comes after the captions
    wait_idle(page)
    assert_no_errors(page)


def test_the_faithfulness_leaderboard_ranks_the_imported_model(page, byo_server):
    open_page(page, byo_server, "Trust_the_maps?model=my-mlp", "Checking the checkers on the exact answer")
    page.get_by_text(f"my-mlp over {fa.IMPORTED_DIGITS[0]}").wait_for(timeout=90_000)  # scored at import, over fewer digits
    verdict = page.get_by_text(re.compile(r"On my-mlp, .+ is the most faithful of the methods here by SRG"))
    verdict.wait_for(timeout=60_000)  # its rows are on the board: the best of them is named
    wait_idle(page)
    assert_no_errors(page)


def test_draw_reads_a_one_with_the_imported_model(page, byo_server):
    open_page(page, byo_server, "Draw", "Stroke width")
    box = canvas_box(page)
    stroke(page, [(box["x"] + 140, box["y"] + 40 + i * 10) for i in range(21)])
    page.get_by_test_id("draw-verdict").wait_for(timeout=60_000)
    wait_idle(page)
    texts = page.get_by_test_id("stMain").inner_text()
    assert re.search(r"my-mlp\W*1\b", texts), texts[:3000]
    assert "Linear and imported models, shown but not counted" in texts
    assert_no_errors(page)


def test_errors_offers_the_imported_models_and_their_average(page, byo_server):
    open_page(page, byo_server, "Errors", "Likely mislabelled")
    page.get_by_role("tab", name="Likely mislabelled").click()
    box = page.get_by_text("Also average the imported models (my-gelu, my-mlp)")
    box.wait_for(timeout=90_000)
    box.click()
    wait_idle(page)
    page.get_by_text("Download 0 marks as CSV").wait_for(timeout=60_000)
    assert_no_errors(page)
