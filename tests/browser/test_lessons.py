"""Every step of every lesson in a real browser: its link opens the view it names, with no error, and the view
reads the link's parameters (the digit, the cell, the unit). Steps that link the same view are opened once."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from mnistdash import store
from mnistdash.data import load_split
from mnistdash.ui.lessons import Lesson, lessons
from mnistdash.ui.widgets import PAGES
from tests.browser.harness import assert_no_errors, open_page, wait_idle

pytestmark = pytest.mark.browser

TITLES = {path: label for path, label, _icon in PAGES}
SHOWS = {  # what a page shows for a link's parameters
    "digit": lambda v: f"#{v}",
    "cell": lambda v: f"True {v.split('-')[0]}, predicted {v.split('-')[1]}",
    "unit": lambda v: f"unit {v}",
}


def _read(key):
    try:
        return store.load_artifact(key)
    except store.StoreError as exc:
        return str(exc)


def test_every_step_opens_its_view(page, server):
    built = [x for x in lessons(store.read_manifest(), _read, load_split("test").labels) if isinstance(x, Lesson)]
    assert len(built) == 4
    seen = set()
    for lesson in built:
        for number, step in enumerate(lesson.steps, 1):  # each step's own address, then its link
            view = (step.page, tuple(sorted(step.params.items())))
            if view in seen:  # another step links the same view (the same page, no parameters): opened already
                continue
            seen.add(view)
            open_page(page, server, f"Lessons?lesson={lesson.key}&step={number}", f"{number}. {step.title}")
            link = page.get_by_test_id("stMainBlockContainer").get_by_role("link", name=step.label)  # not the sidebar's
            href = link.get_attribute("href")
            query = parse_qs(urlparse(href).query)
            assert {k: v[0] for k, v in query.items()} == step.params, (href, step.params)
            link.click()
            page.wait_for_url(lambda u: "Lessons" not in u, timeout=30_000)
            wait_idle(page)
            page.get_by_role("heading", name=TITLES[step.page]).first.wait_for(timeout=60_000)  # the page's title
            assert_no_errors(page)
            for key, value in step.params.items():
                if key in SHOWS:
                    page.get_by_text(SHOWS[key](value)).first.wait_for(timeout=30_000)


def test_pages_without_a_link_of_their_own_keep_their_view_in_the_address(page, server):
    """Denoise, Adversarial, the 2-D maps and the Linear lab bind their main controls (and the lab its tabs) to the
    address: a link opens that view, and a change shows in the address."""
    open_page(page, server, "Denoise?den_model=cnn&den_sigma=0.3", "Accuracy on all 10,000")
    assert page.get_by_role("combobox", name="Classifier").input_value() == "cnn"
    assert "0.30" in page.get_by_test_id("stSlider").first.inner_text()
    open_page(page, server, "Linear_lab?lab_tab=Pairwise+separability", "How can a linear model read handwriting?")
    assert page.get_by_role("tab", name="Pairwise separability").get_attribute("aria-selected") == "true"
    open_page(page, server, "Adversarial?adv_method=FGSM&adv_eps=0.1", "reading of the adversarial digit")
    assert page.get_by_role("radio", name="FGSM").is_checked()
    open_page(page, server, "Embedding", "t-SNE of the pixels")
    page.get_by_text("Colour by").first.wait_for()
    radios = page.get_by_test_id("stRadio").first.get_by_role("radio")
    radios.nth(1).check(force=True)
    page.wait_for_url(lambda u: "emb_colour=" in u, timeout=30_000)
    assert_no_errors(page)
