"""The lessons: every number they state comes from the store (a changed figure changes the text), every step links
to a page and parameters that page reads, a missing artifact costs one lesson a line, and the page walks the steps."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import numpy as np
import pytest

from mnistdash import store
from mnistdash.config import ROOT
from mnistdash.ui.lessons import Lesson, lessons

DEFAULTS = {  # what each page leaves out of its address
    "pages/2_Explain.py": {"model": "cnn", "method": "input-x-gradient"},
    "pages/4_Errors.py": {"model": "logreg-multinomial", "split": "test"},
    "pages/10_Trust_the_maps.py": {"model": "cnn", "shortcut": "0"},
    "pages/11_Microscope.py": {"model": "cnn"},
    "pages/6_Denoise.py": {"den_model": "mlp", "den_sigma": "0.5"},
    "pages/7_Linear_lab.py": {"lab_tab": "Regularization path"},
    "pages/8_Adversarial.py": {"adv_model": "cnn", "adv_method": "PGD", "adv_eps": "0.2"},
}
URL_PARAMS = {  # the query parameters each page restores (url.restore on it)
    "pages/2_Explain.py": {"digit", "model", "method", "strip", "random", "influence"},
    "pages/4_Errors.py": {"model", "split", "cell"},
    "pages/10_Trust_the_maps.py": {"model", "shortcut"},
    "pages/11_Microscope.py": {"model", "layer", "unit"},
    "pages/6_Denoise.py": {"den_model", "den_sigma"},  # widgets bound to the address (bind="query-params")
    "pages/7_Linear_lab.py": {"lab_tab"},
    "pages/8_Adversarial.py": {"adv_model", "adv_method", "adv_eps"},
    "pages/5_Embedding.py": {"emb_colour", "emb_model"},
}


@pytest.fixture(scope="module")
def store_now(test_split):
    manifest = store.read_manifest()
    arrays: dict[str, dict] = {}

    def read(key):
        if key not in arrays:
            try:
                arrays[key] = store.load_artifact(key)
            except store.StoreError as exc:
                return str(exc)
        return arrays[key]

    return manifest, read, test_split.labels


def _text(built) -> str:
    return "\n".join(item.question + "\n" + "\n".join(s.text for s in item.steps) for item in built if isinstance(item, Lesson))


def test_four_lessons_of_five_to_eight_steps_each_linking_to_what_pages_read(store_now):
    built = lessons(*store_now)
    assert [type(x) for x in built] == [Lesson] * 4
    for lesson in built:
        assert 5 <= len(lesson.steps) <= 8, lesson.question
        for step in lesson.steps:
            assert (ROOT / step.page).exists(), step.page
            assert set(step.params) <= URL_PARAMS.get(step.page, set()), (step.page, step.params)
            defaults = DEFAULTS.get(step.page, {})
            assert not [k for k, v in step.params.items() if defaults.get(k) == v], (step.page, step.params)
    hardest = next(s for s in built[1].steps if s.page == "pages/2_Explain.py")
    probs = store.load_artifact("probs-cnn")["test"].astype(np.float32)
    labels = store_now[2]
    assert int(hardest.params["digit"]) == int(np.argmin(probs[np.arange(len(labels)), labels]))


def test_every_number_follows_the_store(store_now):
    """Changed figures in the manifest and in artifacts show up in the text, and the old ones are gone."""
    manifest, read, labels = store_now
    before = _text(lessons(manifest, read, labels))
    changed = copy.deepcopy(manifest)
    changed["models"]["logreg-multinomial"]["test_accuracy"] = 0.5123
    changed["artifacts"]["ood"]["flagged"]["letters"] = 0.12

    def read_changed(key):
        got = read(key)
        if key == "denoise":
            got = dict(got, noisy=got["noisy"].copy())
            got["noisy"][[str(m) for m in got["models"]].index("cnn"), 5] = 0.4321
        if key == "probs-cnn":
            flipped = got["test"].copy()
            flipped[:100] = np.roll(flipped[:100], 1, axis=1)  # 100 more digits read wrong
            got = dict(got, test=flipped)
        return got

    after = _text(lessons(changed, read_changed, labels))
    assert "read 51% of digits" in after and "51.2% (one-vs-rest" in after and "92.7%" not in after
    assert "letters 12%" in after and "letters 95%" in before
    assert "keeps 43.2%" in after and "keeps 43.2%" not in before
    wrong = lambda text: int(re.search(r"(\d+) of 10,000 wrong", text).group(1))  # noqa: E731
    assert wrong(after) > wrong(before)


def test_a_missing_artifact_costs_one_lesson_a_line(store_now):
    manifest, read, labels = store_now
    built = lessons(manifest, lambda k: "gone" if k == "embedding" else read(k), labels)
    assert [isinstance(x, Lesson) for x in built] == [True, True, False, True]
    assert "embedding" in built[2][1] and "mnistdash train" in built[2][1]


def test_the_page_walks_a_lesson_and_keeps_the_step_in_the_link():
    from tests.ui.test_pages import run_page

    at = run_page("pages/0_Lessons.py")
    assert not at.exception, [e.message for e in at.exception]
    assert at.subheader[0].value.startswith("1. ")
    at.button(key="lesson_next").click().run()
    assert at.subheader[0].value.startswith("2. ") and at.query_params["step"] in ("2", ["2"])
    at = run_page("pages/0_Lessons.py")
    at.query_params.update({"lesson": "hard", "step": "3"})
    at.run()
    assert not at.exception
    assert at.subheader[0].value == "3. The hardest digit"
    at.radio(key="lesson_key").set_value("two").run()
    assert at.subheader[0].value.startswith("1. Two numbers")  # another lesson starts at its first step
    at = run_page("pages/0_Lessons.py")
    at.query_params.update({"lesson": "hard", "step": "40"})
    at.run()
    assert any("not a step of this lesson" in w.value for w in at.warning)


def test_no_number_is_typed_into_the_lessons_text():
    """The module's string literals hold no figures: every number in a lesson comes from a format field."""
    import ast

    source = (Path(__file__).resolve().parents[2] / "mnistdash" / "ui" / "lessons.py").read_text()
    allowed = {"5", "8", "1", "2", "0", "99", "2-D"}  # counts of the view itself: steps, nearest digits, t-SNE's 2-D
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value:  # prose, not keys or paths
            for number in re.findall(r"\d[\d.,%]*", node.value):
                assert number.rstrip(".,%") in allowed, (number, node.value[:80])
