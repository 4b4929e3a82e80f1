"""Every step of every lesson in a real browser: its link opens the view it names, with no error, and the view
reads the link's parameters (the digit, the cell, the unit). Steps that link the same view are opened once."""

from __future__ import annotations

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
            for key, value in step.params.items():
                assert f"{key}={value}" in href, (href, step.params)
            link.click()
            page.wait_for_url(lambda u: "Lessons" not in u, timeout=30_000)
            wait_idle(page)
            page.get_by_role("heading", name=TITLES[step.page]).first.wait_for(timeout=60_000)  # the page's title
            assert_no_errors(page)
            for key, value in step.params.items():
                if key in SHOWS:
                    page.get_by_text(SHOWS[key](value)).first.wait_for(timeout=30_000)
