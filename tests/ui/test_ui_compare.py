"""The Explain page's comparison class through AppTest: the third linear map is never blank."""

from __future__ import annotations

import base64
import json

import numpy as np

from tests.ui.test_pages import run_page

WRONG = 8  # a test digit logreg-multinomial gets wrong (6 for a 5), where the old default B was its own answer


def chart_maps(at, key_part: str) -> list[np.ndarray]:
    """The heatmaps of the page's Plotly chart whose element id holds `key_part` (arrays may travel as bdata)."""
    chart = next(c for c in at.get("plotly_chart") if key_part in c.proto.id)
    out = []
    for trace in json.loads(chart.proto.spec)["data"]:
        if "z" not in trace:  # the invisible click targets over the maps
            continue
        z = trace["z"]
        if isinstance(z, dict):
            shape = [int(s) for s in str(z["shape"]).split(",")]
            z = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape(shape)
        out.append(np.asarray(z, np.float64))
    return out


def linear_line(at) -> str:
    return next(m.value for m in at.markdown if "the third map is why" in m.value)


def test_digit_logreg_gets_wrong_has_a_third_map():
    from mnistdash import store
    from mnistdash.data import load_split

    pred = int(store.load_artifact("probs-logreg-multinomial")["test"][WRONG].argmax())
    assert pred != int(load_split("test").labels[WRONG])  # the digit is one of its errors
    at = run_page("pages/2_Explain.py", digit_index=WRONG)
    assert not at.exception, [e.message for e in at.exception]
    assert f"says **{pred}**" in linear_line(at) and f"why {pred} and not {pred}" not in linear_line(at)
    toward_a, toward_b, difference = chart_maps(at, "linear_maps")
    assert np.abs(difference).max() > 0 and not np.allclose(toward_a, toward_b)


def test_choosing_the_prediction_as_b_falls_back_to_the_runner_up():
    from mnistdash import store

    probs = store.load_artifact("probs-logreg-multinomial")["test"][WRONG].astype(np.float32)
    pred, runner_up = np.argsort(-probs)[:2]
    at = run_page("pages/2_Explain.py", digit_index=WRONG, **{f"compare_{WRONG}": int(pred)})
    assert not at.exception, [e.message for e in at.exception]
    assert f"why {pred} and not {runner_up} (its runner-up: it predicts {pred} itself)" in linear_line(at)
    other = next(c for c in range(10) if c not in (pred, runner_up))
    at.selectbox(key=f"compare_{WRONG}").set_value(other).run()
    assert f"why {pred} and not {other} (your choice)" in linear_line(at)
    at.button(key=f"compare_reset_{WRONG}").click().run()
    assert f"not {runner_up} (its runner-up)" in linear_line(at)


def test_network_grid_compares_each_network_with_its_own_runner_up():
    at = run_page("pages/2_Explain.py", digit_index=WRONG)
    at.radio(key="explain_which").set_value("class B").run()
    assert not at.exception, [e.message for e in at.exception]
    chart = next(c for c in at.get("plotly_chart") if "grid" in c.proto.id)
    # row headers "cnn → 3" (the model and its class B); column headers name the methods
    titles = [a["text"] for a in json.loads(chart.proto.spec)["layout"]["annotations"] if " → " in a["text"]]
    from mnistdash import store

    assert titles
    for title in titles:
        name, b = title.replace("<br>", "").split(" → ")
        pred = int(store.load_artifact(f"probs-{name}")["test"][WRONG].argmax())
        assert int(b) != pred, title
