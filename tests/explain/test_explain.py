"""Attribution methods: oracle tests on linear models, a contract over every model x method, and
no side effects on the shared models."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mnistdash.explain import CAPTUM_METHODS, METHODS, IntegratedGradientsMethod
from mnistdash.explain.checks import randomization_check, randomized_copy, score_against_exact
from mnistdash.zoo.registry import LINEAR_MODELS, TORCH_CLASSIFIERS


@pytest.mark.parametrize("name", LINEAR_MODELS)
def test_gradient_methods_reproduce_w_times_x_on_linear_models(committed_models, test_split, name):
    """Integrated gradients, input x gradient and DeepLIFT from black are w*x on one dense layer; LRP-epsilon is w*x
    times z / (z + epsilon), z the logit."""
    model = committed_models[name]
    x = test_split.floats()[:3]
    targets = [int(t) for t in test_split.labels[:3]]
    exact = METHODS["exact"](model).attribute(x, targets)
    for method in ("integrated-gradients", "input-x-gradient", "deeplift"):
        got = METHODS[method](model).attribute(x, targets)
        np.testing.assert_allclose(got, exact, atol=1e-5, rtol=1e-4)
    for i in range(3):  # and the exact map is the model's own decomposition
        np.testing.assert_allclose(exact[i], model.contributions(x[i], targets[i]), atol=1e-6)
    lrp = METHODS["lrp"](model).attribute(x, targets)
    z = exact.reshape(3, -1).sum(1) + model.intercept_[targets]
    factor = z / (z + METHODS["lrp"].epsilon * np.sign(z))
    np.testing.assert_allclose(lrp, exact * factor[:, None, None], atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("name", ["mlp", "bottleneck"])
def test_deeplift_sums_to_the_change_from_black_through_dense_layers(committed_models, test_split, name):
    """DeepLIFT's rescale rule is complete: the map sums to f(x) - f(black) (dense, ReLU and batch-norm layers)."""
    model = committed_models[name]
    x = test_split.floats()[:4]
    targets = [int(t) for t in test_split.labels[:4]]
    maps = METHODS["deeplift"](model).attribute(x, targets)
    with torch.no_grad():
        xt = torch.from_numpy(x)
        delta = (model.module(xt) - model.module(torch.zeros_like(xt)))[range(4), targets].numpy()
    np.testing.assert_allclose(maps.reshape(4, -1).sum(1), delta, rtol=1e-4, atol=1e-4)


def test_lrp_shares_out_most_of_the_logit_on_the_mlp(committed_models, test_split):
    """LRP conserves relevance layer by layer, less what epsilon and the biases absorb: on the mlp the map sums to
    0.8-1.0 of the logit it explains (measured 0.87-0.97 on these digits)."""
    model = committed_models["mlp"]
    x = test_split.floats()[:8]
    targets = [int(t) for t in test_split.labels[:8]]
    maps = METHODS["lrp"](model).attribute(x, targets)
    with torch.no_grad():
        logits = model.module(torch.from_numpy(x))[range(8), targets].numpy()
    ratio = maps.reshape(8, -1).sum(1) / logits
    assert ((ratio > 0.8) & (ratio <= 1.0 + 1e-4)).all(), ratio.round(3)


def test_gradient_shap_points_at_the_ink_more_than_saliency(committed_models, test_split):
    """On the convnet, GradientSHAP's absolute relevance lies on and around the strokes (~70%) far more than the
    area there (~32% of the pixels) or saliency's (~44%)."""
    from scipy import ndimage

    model = committed_models["cnn"]
    x = test_split.floats()[:8]
    targets = [int(t) for t in test_split.labels[:8]]
    near = np.stack([ndimage.binary_dilation(im > 0.1, iterations=2) for im in x])
    shares = {}
    for method in ("gradient-shap", "saliency"):
        maps = np.abs(METHODS[method](model).attribute(x, targets))
        shares[method] = float(((maps * near).reshape(8, -1).sum(1) / maps.reshape(8, -1).sum(1)).mean())
    assert shares["gradient-shap"] > max(0.6, near.mean() + 0.2, shares["saliency"] + 0.1), shares


@pytest.mark.parametrize("name", ["mlp", "cnn", "logreg-multinomial"])
def test_occlusion_is_captums_with_the_blank_patches_skipped(committed_models, test_split, name):
    """Our occlusion runs only the patches that cover ink; Captum's Occlusion runs all 169. Same maps, every class,
    on digits whose ink reaches near the border and on one with a single pixel of ink. Both in float32: where the
    processor has bf16, the cnn's own path runs in it (2e-3 from float32 here), which is not what this test is about."""
    import copy

    from captum.attr import Occlusion

    from mnistdash.explain import as_torch, model_input

    model = copy.copy(committed_models[name])  # the shared fixture stays as it is
    if getattr(model, "use_bf16", False):
        model.use_bf16 = False
    dot = np.zeros((1, 28, 28), np.float32)
    dot[0, 22, 6] = 1.0  # one pixel of ink: the four patches that cover it, rows 20-25 and columns 4-9
    images = np.concatenate([test_split.floats()[:4], dot])
    targets = [0, 3, 7, 9, 5]
    ours = METHODS["occlusion"](model).attribute(images, targets)
    x = torch.from_numpy(np.stack([model_input(model, im) for im in images]))
    with torch.no_grad():
        ref = Occlusion(as_torch(model)).attribute(x, sliding_window_shapes=(4, 4), strides=(2, 2), baselines=0.0, target=targets)
    ref = ref.numpy().reshape(ours.shape)
    assert np.abs(ours - ref).max() <= 1e-5 * np.abs(ref).max()
    outside = np.ones((28, 28), bool)
    outside[20:26, 4:10] = False
    assert np.abs(ours[-1]).sum() > 0 and (ours[-1][outside] == 0).all()


def test_maps_made_two_at_a_time_on_one_model_are_the_maps_made_one_by_one(committed_models, test_split):
    """The Explain page makes a digit's maps on two threads, several on the same network at once (the methods
    that hang hooks on its layers excepted: grid_calls keeps those apart). The maps are the same."""
    from concurrent.futures import ThreadPoolExecutor

    from mnistdash.ui.explain.attributions import HOOKED, grid_calls

    model, x = committed_models["cnn"], test_split.floats()[:2]
    methods = ["saliency", "input-x-gradient", "integrated-gradients", "occlusion", "smoothgrad", "gradient-shap"]
    alone = {(m, i): METHODS[m](model).attribute(x[i : i + 1], [3])[0] for m in methods for i in range(2)}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(lambda m, i: METHODS[m](model).attribute(x[i : i + 1], [3])[0], *key) for key in alone}
    for key, future in futures.items():
        np.testing.assert_allclose(future.result(), alone[key], rtol=1e-5, atol=1e-6, err_msg=str(key))
    assert len(grid_calls("cnn", 0, methods, [3])) == len(methods)  # each map on its own
    assert len(grid_calls("cnn", 0, methods + list(HOOKED), [3])) == 1  # a hooked method: all of them in turn
    assert len(grid_calls("cnn", 0, methods, [3], [print])) == 1  # other work on the model that hooks it


def test_method_scores_on_a_linear_model(committed_models, test_split):
    scores = score_against_exact(committed_models["logreg-multinomial"], test_split.floats()[:2], [7, 2], CAPTUM_METHODS)
    assert scores["integrated-gradients"]["relative_l1_error"] < 1e-4
    assert scores["input-x-gradient"]["correlation"] > 0.9999
    assert scores["saliency"]["correlation"] < 0.9  # |w| is not w*x: the table must be able to say so


@pytest.mark.parametrize("method", CAPTUM_METHODS)
@pytest.mark.parametrize("name", TORCH_CLASSIFIERS)
def test_contract_every_network_and_method(committed_models, test_split, name, method):
    model = committed_models[name]
    x = test_split.floats()[:3]
    targets = [int(t) for t in test_split.labels[:3]]
    before = {k: v.clone() for k, v in model.module.state_dict().items()}
    maps = METHODS[method](model).attribute(x, targets)
    assert maps.shape == (3, 28, 28) and maps.dtype == np.float32 and np.isfinite(maps).all()
    assert np.abs(maps).sum() > 0
    again = METHODS[method](model).attribute(x, targets)
    np.testing.assert_array_equal(maps, again)  # deterministic
    one = METHODS[method](model).attribute(x[1:2], targets[1:2])
    np.testing.assert_allclose(one[0], maps[1], atol=1e-4 * max(1.0, np.abs(maps[1]).max()))  # batch equals one by one
    # the shared model is untouched: eval mode, frozen, no gradients, no hooks, same weights
    module = model.module
    assert not module.training
    assert all(not p.requires_grad and p.grad is None for p in module.parameters())
    assert all(not m._forward_hooks and not m._backward_hooks and not m._forward_pre_hooks for m in module.modules())
    for k, v in module.state_dict().items():
        assert torch.equal(v, before[k]), k


@pytest.mark.parametrize("name", TORCH_CLASSIFIERS)
def test_integrated_gradients_add_up_within_one_percent_or_say_so(committed_models, test_split, name):
    model = committed_models[name]
    picks = np.random.default_rng(1).choice(len(test_split), 8, replace=False)
    x = test_split.floats()[picks]
    targets = model.predict_proba(x).argmax(1)
    method = IntegratedGradientsMethod(model)
    results = method.paths(x, targets)
    for image, t, r in zip(x, targets, results):
        total, delta = method.completeness_gap(image, int(t), r.map)  # recomputed apart from the quadrature
        assert total == pytest.approx(r.total, rel=1e-5, abs=1e-5) and delta == pytest.approx(r.delta, rel=1e-5, abs=1e-5)
        assert r.met == (abs(total - delta) <= 0.01 * abs(delta) + 1e-4), (r.steps, total, delta)  # the flag is honest
        assert method.start_steps <= r.steps <= (method.conv_max_steps if name == "cnn" else method.max_steps)
    assert sum(r.met for r in results) >= 7, [(r.steps, r.relative_gap) for r in results]


def test_integrated_gradients_add_steps_where_the_sum_misses(committed_models, test_split):
    model = committed_models["mlp-deep"]
    x = test_split.floats()
    hard = [i for i in range(40) if IntegratedGradientsMethod(model).paths(x[i][None], [int(test_split.labels[i])])[0].steps > 16]
    assert hard, "some digit needs more than the first 16 steps"
    i, t = hard[0], int(test_split.labels[hard[0]])
    capped = IntegratedGradientsMethod(model)
    capped.max_steps = capped.start_steps  # no steps may be added: the gap stays, and is said
    few = capped.paths(x[i][None], [t])[0]
    assert few.steps == 16 and not few.met and few.relative_gap > 0.01
    full = IntegratedGradientsMethod(model).paths(x[i][None], [t])[0]
    assert full.met and full.relative_gap <= 0.01 and full.gap < few.gap
    linear = IntegratedGradientsMethod(committed_models["logreg-multinomial"]).paths(x[:3], [0, 1, 2])
    assert all(r.steps == 16 and r.met for r in linear)  # a constant gradient needs no more


def test_randomized_weights_change_the_maps(committed_models, test_split):
    model = committed_models["mlp"]
    rand = randomized_copy(model)
    assert rand.module is not model.module
    assert not torch.equal(rand.module.head.weight, model.module.head.weight)
    scores = randomization_check(model, rand, test_split.floats()[:2], [7, 2], ("saliency", "integrated-gradients"))
    assert all(-1 <= v <= 1 for pair in scores.values() for v in pair)
    assert scores["saliency"][0] < 0.5 and scores["integrated-gradients"][1] < 0.7
    assert scores["integrated-gradients"][0] > 0.9  # the silhouette survives: why the ink-only column exists


def test_a_drawn_vertical_stroke_is_read_as_one(committed_models):
    """The canvas path end to end: RGBA 280x280, black background, a white vertical stroke."""
    from mnistdash.draw.live import read_digit
    from mnistdash.zoo import registry

    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[..., 3] = 255
    canvas[50:230, 130:150, :3] = 255
    reading = read_digit(committed_models, canvas, list(registry.classifiers()))
    assert int(reading.probs["cnn"].argmax()) == 1
    assert reading.digit.shape == (28, 28) and set(reading.maps) == set(registry.classifiers())
    assert reading.code.shape == (2,)
    from mnistdash.images.preprocess import ImageError

    with pytest.raises(ImageError, match="no digit found"):
        read_digit(committed_models, np.zeros((280, 280, 4), np.uint8), list(registry.classifiers()))
