"""Faults in a real server: damaged or missing model files and a missing manifest.

The app still starts, names what is unavailable and why, and every page that does not need the
missing pieces keeps working.
"""

from __future__ import annotations

import re
import shutil

import pytest

from mnistdash.config import MODELS_DIR
from tests.browser.harness import Server, open_page

pytestmark = pytest.mark.browser

PAGES = ["", "Weights", "Explain", "Draw", "Errors", "Embedding", "Denoise"]
TITLES = {
    "": "mnistdash",
    "Weights": "Weights",
    "Explain": "Explain a digit",
    "Draw": "Draw a digit",
    "Errors": "Errors",
    "Embedding": "2-D maps",
    "Denoise": "Denoise",
}


@pytest.fixture(scope="module")
def damaged_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("damaged") / "models"
    shutil.copytree(MODELS_DIR, root)
    (root / "cnn" / "weights.safetensors").unlink()  # deleted
    mlp = root / "mlp" / "weights.safetensors"
    mlp.write_bytes(mlp.read_bytes()[:5000])  # truncated
    ovr = root / "logreg-ovr" / "weights.safetensors"
    raw = bytearray(ovr.read_bytes())
    raw[-7] ^= 0x55  # altered
    ovr.write_bytes(bytes(raw))
    replay = root / "artifacts" / "replay-logreg-multinomial.npz"
    raw = bytearray(replay.read_bytes())
    raw[len(raw) // 2] ^= 0x55  # altered
    replay.write_bytes(bytes(raw))
    srv = Server(env={"MNISTDASH_MODELS_DIR": str(root)})
    yield srv
    srv.stop()


def test_a_damaged_replay_is_one_line(page, damaged_server):
    """The replay of logreg-multinomial altered, logreg-ovr's and the mlp's weights damaged: a line for each, no
    traceback, and the models left (mlp-deep first) still replay."""
    open_page(page, damaged_server, "Replay", "Training replay")
    page.get_by_text(re.compile(r"first-layer units 0-19 \(of 500\) of mlp-deep")).first.wait_for(timeout=60_000)
    warnings = " ".join(page.locator("[data-testid='stAlertContentWarning']").all_inner_texts())
    assert "No replay of logreg-multinomial" in warnings and "checksum" in warnings
    assert "logreg-ovr" in warnings
    _no_exception(page)


@pytest.fixture(scope="module")
def no_manifest_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("nomanifest") / "models"
    shutil.copytree(MODELS_DIR, root)
    (root / "manifest.json").unlink()
    srv = Server(env={"MNISTDASH_MODELS_DIR": str(root)})
    yield srv
    srv.stop()


def _no_exception(page):
    exc = page.get_by_test_id("stException")
    assert exc.count() == 0, exc.first.inner_text()


def test_home_names_each_damaged_model(page, damaged_server):
    open_page(page, damaged_server, "", "Leaderboard")
    text = page.locator("[data-testid='stAlertContentWarning']").all_inner_texts()
    joined = " ".join(text)
    assert "cnn" in joined and "missing" in joined
    assert "mlp" in joined and "logreg-ovr" in joined and "checksum" in joined
    _no_exception(page)


@pytest.mark.parametrize("path", PAGES[1:])
def test_every_page_works_without_the_damaged_models(page, damaged_server, path):
    open_page(page, damaged_server, path, TITLES[path])
    page.locator(".js-plotly-plot, [data-testid='stAlertContentInfo'], canvas").first.wait_for(timeout=60_000)
    _no_exception(page)
    assert page.locator("[data-testid='stAlertContentError']").count() == 0


@pytest.mark.parametrize("path", PAGES)
def test_missing_manifest_is_explained_not_crashed(page, no_manifest_server, path):
    open_page(page, no_manifest_server, path, TITLES[path])
    page.get_by_text("manifest.json is missing").first.wait_for(timeout=60_000)
    _no_exception(page)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "manifest.json is missing" in body or "unavailable" in body
