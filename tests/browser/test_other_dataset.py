"""Another dataset in the app: a small synthetic ten-class set with class names, written here in IDX layout,
`mnistdash train --quick` on it, then the dashboard started on it names the classes and the dataset."""

from __future__ import annotations

import pytest

from tests.browser.harness import Server, assert_no_errors, open_page, wait_idle
from tests.conftest import built_once
from tests.prebuild import shapes
from tests.synthetic import NAMES

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shapes_server(tmp_path_factory):
    root = built_once(tmp_path_factory, "shapes", shapes)  # `mnistdash train --quick` on the shapes, once per run
    srv = Server(env={"MNISTDASH_DATA_DIR": str(root / "shapes"), "MNISTDASH_MODELS_DIR": str(root / "models")})
    yield srv
    srv.stop()


def test_errors_page_names_the_classes(page, shapes_server):
    open_page(page, shapes_server, "Errors", "Confusion matrix")
    page.locator(".js-plotly-plot .xtick text").first.wait_for(timeout=90_000)
    wait_idle(page)
    ticks = page.locator(".js-plotly-plot .xtick text").all_text_contents()  # SVG text: no inner text
    assert ticks[:10] == NAMES, ticks
    assert page.locator(".js-plotly-plot .ytick text").all_text_contents()[:10] == NAMES
    sidebar = page.get_by_test_id("stSidebar").inner_text()
    assert "Dataset shapes: 2,000 train, 500 test; classes: Ring, Bar, Cross" in sidebar, sidebar
    assert_no_errors(page)


def test_home_says_which_dataset_not_mnist(page, shapes_server):
    open_page(page, shapes_server, "", "Leaderboard")
    main = page.get_by_test_id("stMain").inner_text()
    assert "You are looking at the shapes dataset (2,000 training and 500 test images" in main
    assert "Accuracy on the 500 shapes test images" in main and "MNIST's 60,000 digits" not in main
    assert_no_errors(page)
