"""The Draw page's headline: the strongest model decides, with an explicit unsure state; never a plain vote."""

from __future__ import annotations

import numpy as np
import pytest

from mnistdash.draw.headline import SURE_FROM, accuracies, verdict

LINEAR = ("logreg-ovr", "logreg-multinomial", "template-mean", "template-contrast", "linear-mse")
ACC = {"cnn": 0.997, "mlp-deep": 0.991, "bottleneck": 0.985, "mlp": 0.980, **{n: 0.9 for n in LINEAR}}


def peaked(digit: int, p: float = 0.9) -> np.ndarray:
    out = np.full(10, (1 - p) / 9)
    out[digit] = p
    return out


def test_first_stroke_of_a_seven_is_never_the_linear_majority():
    """The issue's case: five linear models and the small MLP read 4, the convnet, mlp-deep and bottleneck 2."""
    probs = {
        **{n: peaked(4) for n in LINEAR},
        "mlp": peaked(4),
        "mlp-deep": peaked(2),
        "cnn": peaked(2, 0.8),
        "bottleneck": peaked(2),
    }
    v = verdict(probs, ACC)
    assert v.digit == 2 and v.leader == "cnn" and v.confidence == pytest.approx(0.8)
    assert v.unsure and "mlp reads 4" in v.reason  # the small MLP dissents: said, not outvoted
    assert v.secondary == {n: 4 for n in LINEAR} and set(v.deciding) == {"cnn", "mlp-deep", "bottleneck", "mlp"}


def test_sure_when_the_networks_agree_and_the_leader_is_confident():
    probs = {**{n: peaked(4) for n in LINEAR}, **{n: peaked(2, 0.95) for n in ("cnn", "mlp-deep", "bottleneck", "mlp")}}
    v = verdict(probs, ACC)
    assert (v.digit, v.unsure, v.reason) == (2, False, "")


def test_unsure_when_the_leader_is_not_confident():
    probs = {n: peaked(3, SURE_FROM - 0.05) for n in ("cnn", "mlp-deep")}
    v = verdict(probs, ACC)
    assert v.digit == 3 and v.unsure and "only" in v.reason


def test_the_most_accurate_present_model_leads():
    probs = {"mlp": peaked(1), "bottleneck": peaked(7), "logreg-ovr": peaked(1)}
    assert verdict(probs, ACC).leader == "bottleneck"
    assert verdict(probs, {"mlp": 0.99, "bottleneck": 0.5}).leader == "mlp"
    assert verdict(probs).leader == "bottleneck"  # no accuracies: the order of the strong models


def test_without_networks_the_linear_models_decide():
    probs = {"logreg-multinomial": peaked(5), "template-mean": peaked(6)}
    v = verdict(probs, ACC | {"logreg-multinomial": 0.93, "template-mean": 0.82})
    assert v.leader == "logreg-multinomial" and v.digit == 5 and v.unsure and v.secondary == {}
    with pytest.raises(ValueError):
        verdict({})


def test_accuracies_from_the_committed_manifest():
    from mnistdash import store

    acc = accuracies(store.read_manifest())
    assert acc["cnn"] > acc["logreg-multinomial"] > 0.5 and "denoiser" not in acc
    assert accuracies({"models": {"x": {"test_accuracy": None}, "y": "broken"}}) == {}


def test_a_drawn_bar_is_not_headlined_as_the_plain_vote(committed_models):
    """A horizontal bar on the canvas (the first stroke of a 7): the committed linear models and mlp
    read 4, the plain vote's answer; the headline is the cnn's answer, marked unsure."""
    from mnistdash import store
    from mnistdash.draw.live import read_digit
    from mnistdash.zoo import registry

    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[..., 3] = 255
    canvas[60:80, 60:220, :3] = 255
    probs = read_digit(committed_models, canvas, list(registry.classifiers()), with_maps=False).probs
    answers = [int(p.argmax()) for p in probs.values()]
    plain_vote = max(set(answers), key=answers.count)
    v = verdict(probs, accuracies(store.read_manifest()))
    assert v.leader == "cnn" and v.digit == int(probs["cnn"].argmax())
    assert v.digit != plain_vote and v.unsure
