"""Every page through streamlit's AppTest: no exception, the expected titles and controls, key flows."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from mnistdash.config import ROOT

PAGES = {
    "app.py": "mnistdash",
    "pages/0_Lessons.py": "Lessons",
    "pages/1_Weights.py": "Weights",
    "pages/2_Explain.py": "Explain a digit",
    "pages/3_Draw.py": "Draw a digit",
    "pages/4_Errors.py": "Errors",
    "pages/5_Embedding.py": "2-D maps",
    "pages/6_Denoise.py": "Denoise",
    "pages/7_Linear_lab.py": "Linear lab",
    "pages/8_Adversarial.py": "Adversarial examples",
    "pages/9_You_vs_the_models.py": "You vs the models",
    "pages/10_Trust_the_maps.py": "Trust the maps",
    "pages/11_Microscope.py": "Microscope",
    "pages/12_Replay.py": "Training replay",
}


def run_page(path: str, **state) -> AppTest:
    """Run a page as the server does: app.py is the entrypoint, the page is switched to."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if path != "app.py":
        at.switch_page(path)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


@pytest.mark.parametrize("path,title", PAGES.items())
def test_every_page_renders(path, title):
    at = run_page(path)
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == title
    assert not at.error, [e.value for e in at.error]


def test_home_leaderboard_lists_every_model():
    at = run_page("app.py")
    board = next(m.value for m in at.markdown if "| model" in m.value)  # in a sideways-scrolling <div>
    rows = [line for line in board.splitlines() if line.startswith("|")][2:]
    assert len(rows) == 10 and all(r.rstrip(" |").endswith("ok") for r in rows)
    cnn = next(r for r in rows if r.startswith("| `cnn`")).split("|")
    assert cnn[3].strip().endswith("%") and float(cnn[5]) > 0  # accuracy, and a measured ms / digit


def test_explain_changes_with_the_digit():
    at = run_page("pages/2_Explain.py")
    first = at.dataframe[0].value.copy()
    at.sidebar.number_input[0].set_value(1).run()
    assert not at.exception
    second = at.dataframe[0].value
    assert list(first["logit"]) != list(second["logit"])
    for diff in second["|difference|"]:
        assert float(diff) < 1e-5


def test_explain_opens_a_persons_digit(test_split):
    """A digit sent from Draw (kept by key, no label) is the one explained: the linear check adds up on it and differs
    from the test digit's; 'a test digit' goes back to the picker."""
    import numpy as np

    from mnistdash.ui import cache

    mine = np.roll(test_split.floats()[7], 3, axis=1)  # not any test digit
    key = cache.keep_yours(mine, "drawn on the canvas")
    at = run_page("pages/2_Explain.py", explain_yours=key, explain_source="yours")
    assert not at.exception, [e.message for e in at.exception]
    assert any("Your digit: drawn on the canvas" in c.value for c in at.sidebar.caption)
    logits = list(at.dataframe[0].value["logit"])
    assert all(float(d) < 1e-5 for d in at.dataframe[0].value["|difference|"])
    at.sidebar.radio(key="explain_source").set_value("test").run()
    assert not at.exception
    assert list(at.dataframe[0].value["logit"]) != logits
    assert at.sidebar.number_input  # the test-digit picker is back


def test_explain_by_class_and_hardest():
    at = run_page("pages/2_Explain.py")
    at.sidebar.radio[0].set_value("class").run()
    at.sidebar.selectbox[0].set_value(3).run()
    assert not at.exception and any("labelled **3**" in c.value for c in at.sidebar.caption)
    assert any("Dataset **mnist**: 60,000 train, 10,000 test; classes: the digits 0-9" in c.value for c in at.sidebar.caption)
    at.sidebar.radio[0].set_value("hardest").run()
    assert not at.exception


@pytest.mark.parametrize(
    "tab,control,charts",
    [
        ("Linear models", "Linear model", 3),
        ("Pair contrast", "Toward class", 3),
        ("MLP units", "Network", 1),
        ("CNN filters", None, 2),
    ],
)
def test_weights_runs_only_the_open_tab(tab, control, charts):
    """Each tab's controls and figures, and none of the others' (the hidden tabs' ~200 plots made the page slow)."""
    at = run_page("pages/1_Weights.py", tab=tab)
    assert not at.exception, [e.message for e in at.exception]
    labels = [s.label for s in at.selectbox]
    others = {"Linear model", "Toward class", "Network"} - {control}
    assert (control is None or control in labels) and not others & set(labels), labels
    assert len(at.get("plotly_chart")) == charts


def test_draw_page_asks_for_a_digit():
    at = run_page("pages/3_Draw.py")
    assert any("Draw a digit" in i.value for i in at.info)


def test_errors_cell_click_shows_its_digits():
    """A simulated click on the cell (true 4, predicted 9) shows exactly its digits."""
    import numpy as np

    from mnistdash import store
    from mnistdash.data import load_split

    labels = load_split("test").labels
    preds = store.load_artifact("probs-logreg-multinomial")["test"].astype(np.float32).argmax(1)
    expected = int(((labels == 4) & (preds == 9)).sum())
    key = "cm_logreg-multinomial_test"
    at = run_page(
        "pages/4_Errors.py",
        **{
            key: {
                "selection": {
                    "points": [{"x": 9, "y": 4, "customdata": [4, 9, expected]}],
                    "point_indices": [49],
                    "box": [],
                    "lasso": [],
                }
            }
        },
    )
    assert not at.exception, [e.message for e in at.exception]
    assert any(f"True 4, predicted 9: {expected} digits" in h.value for h in at.subheader)


def test_embedding_selection_shows_digits():
    # Points 0, 1, 2 of trace 0 (digits labelled 0), as Plotly reports a box selection.
    sel = {
        "selection": {
            "points": [{"curve_number": 0, "point_index": k} for k in (0, 1, 2)],
            "point_indices": [0, 1, 2],
            "box": [],
            "lasso": [],
        }
    }
    at = run_page("pages/5_Embedding.py", emb_tsne=sel)
    assert not at.exception, [e.message for e in at.exception]
    assert any("3 selected digits" in h.value for h in at.subheader)
    assert any("Labels in the selection: 0: 3" in c.value for c in at.caption)


def test_linear_lab_pair_click_and_path_slider():
    """A simulated click on the pair (4, 9) shows its detail; moving the path slider changes the shown step."""
    sel = {"selection": {"points": [{"x": 9, "y": 4}], "point_indices": [0], "box": [], "lasso": []}}
    at = run_page("pages/7_Linear_lab.py", lab_pairs=sel)
    assert not at.exception, [e.message for e in at.exception]
    assert any(h.value.startswith("4 vs 9: train") for h in at.subheader)
    before = [m.value for m in at.markdown if m.value.startswith("**λ =")]
    at.select_slider(key="lab_step_l2").set_value(0).run()
    after = [m.value for m in at.markdown if m.value.startswith("**λ =")]
    assert not at.exception and before and after and before != after


def _ig_table(at: AppTest):
    return next(d.value for d in at.dataframe if "within 1%" in d.value.columns)


def test_explain_ig_table_shows_steps_and_whether_the_map_adds_up():
    at = run_page("pages/2_Explain.py")
    table = _ig_table(at)
    assert len(table) == 4 and (table["steps"] >= 16).all()
    for gap, met in zip(table["completeness gap"], table["within 1%"]):
        share = float(gap.split("(")[1].rstrip("%)"))
        assert (met == "yes") == (share <= 1.0) or share == pytest.approx(1.0, abs=0.01)
    assert all(m == "yes" for m in table["within 1%"]) == (not at.warning)


@pytest.fixture
def few_ig_steps(monkeypatch):
    import streamlit as st

    from mnistdash.explain import IntegratedGradientsMethod

    for cap in ("max_steps", "conv_max_steps"):
        monkeypatch.setattr(IntegratedGradientsMethod, cap, IntegratedGradientsMethod.start_steps)
    st.cache_data.clear()
    yield
    st.cache_data.clear()  # the capped maps must not outlive this test


def test_explain_says_when_integrated_gradients_miss(few_ig_steps):
    at = run_page("pages/2_Explain.py")
    table = _ig_table(at)
    missed = list(table.loc[table["within 1%"] != "yes", "model"])
    assert missed, "at 16 steps some network misses 1% on the first digit"
    assert any(all(m in w.value for m in missed) and "do not add up" in w.value for w in at.warning)


def test_adversarial_opens_on_an_attack_that_flips_the_attacked_model():
    """The default (test digit 0, the cnn, PGD at 0.2) shows something happening: the cnn's reading changes."""
    at = run_page("pages/8_Adversarial.py")
    assert not at.exception, [e.message for e in at.exception]
    table = at.dataframe[0].value
    table = getattr(table, "data", table)  # a Styler carries its frame
    cnn = table.set_index("model").loc["cnn"]
    assert cnn["changed?"] == "changed" and cnn["reads"] != cnn["clean reading"]
    assert not at.info or all("still reads" not in i.value for i in at.info)


def test_quiz_refuses_a_third_answer_within_a_second(monkeypatch):
    """The quiz's throttle on the page, with the clock held: two answers in one second are counted, the third is
    refused with the one-line "Slow down", and one a second later is counted again. (In a browser the server's own
    pace decides how close answers arrive: tests/browser/test_quiz.py presses bursts.)"""
    from types import SimpleNamespace

    from mnistdash.ui.people import quiz

    clock = [100.0]
    monkeypatch.setattr(quiz, "time", SimpleNamespace(monotonic=lambda: clock[0]))  # the page's clock only
    at = run_page("pages/9_You_vs_the_models.py")
    at.button(key="quiz_start").click().run()
    assert any("Digit 1 of 20" in m.value for m in at.markdown), [m.value for m in at.markdown][:5]
    for key, step in (("quiz_key_1", 0.3), ("quiz_key_2", 0.3), ("quiz_key_3", 0.3)):
        clock[0] += step
        at.button(key=key).click().run()
    assert len(at.session_state[quiz._STATE]["answers"]) == 2
    assert any(w.value.startswith("Slow down") for w in at.warning), [w.value for w in at.warning]
    clock[0] += 1.0
    at.button(key="quiz_key_4").click().run()
    assert len(at.session_state[quiz._STATE]["answers"]) == 3 and not at.warning


def test_the_replay_follows_the_digit_drawn_last(test_split):
    """With a digit left by the Draw page, the Training replay page follows it through training (it has no label)."""
    assert test_split.labels[2] == 1
    at = run_page("pages/12_Replay.py", drawn_digit=test_split.floats()[2])
    at.radio(key="replay_source").set_value("the digit you drew").run()
    assert not at.exception, [e.message for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "your drawing (no label)" in text and "settles on **1**, its final answer, from iteration" in text


def test_the_replay_of_a_larger_network_reads_its_kept_test_probabilities(test_split):
    """mlp-deep keeps its first units and its test readings at every checkpoint (its weights at the last few): the
    page replays a test digit from those, and says why a drawn digit is not replayed."""
    at = run_page("pages/12_Replay.py", replay_model="mlp-deep", replay_digit=4, drawn_digit=test_split.floats()[2])
    assert not at.exception, [e.message for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "first-layer units 0-19 (of 500)" in text and "mlp-deep reads it right from" in text
    assert "replay_source" not in [r.key for r in at.radio]  # only the test digit
    assert any("keeps its readings of the test digits instead" in c.value for c in at.caption)


@pytest.mark.parametrize("tab,grid", [("Learned last", "replay_late"), ("Forgotten most", "replay_forgot")])
def test_each_replay_tab_draws_its_digits(tab, grid):
    """Whichever tab is open (kept in the address as replay_tab), its grid of test digits is drawn, and only its."""
    at = run_page("pages/12_Replay.py", replay_tab=tab)
    assert not at.exception, [e.message for e in at.exception]
    keys = [b.key or "" for b in at.button]
    other = {"replay_late", "replay_forgot"} - {grid}
    assert sum(k.startswith(f"{grid}_x_") for k in keys) == 24, keys  # SHOWN digits, each with its explain button
    assert not any(k.startswith(f"{o}_x_") for o in other for k in keys)
