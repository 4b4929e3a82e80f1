"""Every model's predict_proba contract, and the exact linear decomposition."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mnistdash.zoo import SPECS, build_module, registry
from mnistdash.zoo.linear import LinearModel
from mnistdash.zoo.registry import LINEAR_MODELS


@pytest.mark.parametrize("name", registry.classifiers())
def test_predict_proba_contract(committed_models, test_split, name):
    model = committed_models[name]
    x = test_split.floats()[:64]
    probs = model.predict_proba(x)
    assert probs.shape == (64, 10)
    assert np.isfinite(probs).all() and (probs >= 0).all()
    np.testing.assert_allclose(probs.sum(1), 1, atol=1e-4)
    # batch equals one-by-one, deterministic
    one = np.concatenate([model.predict_proba(x[i : i + 1]) for i in range(8)])
    np.testing.assert_allclose(one, probs[:8], atol=2e-3)
    assert (probs.argmax(1) == test_split.labels[:64]).mean() > 0.7


@pytest.mark.parametrize("name", LINEAR_MODELS)
def test_linear_contributions_sum_to_logit(committed_models, test_split, name):
    model: LinearModel = committed_models[name]
    for i in range(5):
        x = test_split.floats()[i]
        logits = model.logits(x[None])[0]
        for c in range(10):
            contrib = model.contributions(x, c)
            assert contrib.shape == (28, 28)
            assert abs(contrib.sum() + model.intercept_[c] - logits[c]) < 1e-4


def test_shared_torch_models_are_frozen(committed_models):
    for name in ("mlp", "mlp-deep", "cnn", "bottleneck", "denoiser"):
        module = committed_models[name].module
        assert not module.training
        assert all(not p.requires_grad for p in module.parameters())


def test_denoiser_output_is_an_image(committed_models, test_split):
    out = committed_models["denoiser"].denoise(test_split.floats()[:4])
    assert out.shape == (4, 28, 28) and out.min() >= 0 and out.max() <= 1


@pytest.mark.parametrize("name", ["mlp", "mlp-deep", "cnn", "bottleneck", "denoiser"])
def test_fresh_modules_accept_both_input_shapes(name):
    family, config = SPECS[name]
    module = build_module(family, config).eval()
    with torch.no_grad():
        a = module(torch.rand(3, 28, 28))
        b = module(torch.rand(3, 1, 28, 28))
    assert a.shape[0] == 3 and b.shape == a.shape


def test_contrast_template_is_class_mean_minus_rest():
    rng = np.random.default_rng(0)
    x = rng.random((200, 28, 28)).astype(np.float32)
    y = np.arange(200) % 10
    from mnistdash.zoo.linear import LinearConfig

    m = LinearModel(LinearConfig("template-contrast")).fit(x, y)
    flat = x.reshape(200, -1)
    expected = flat[y == 3].mean(0) - flat[y != 3].mean(0)
    np.testing.assert_allclose(m.coef_[3], expected, atol=1e-5)
    # centred pixels: the global mean image scores zero for every class
    np.testing.assert_allclose(m.logits(flat.mean(0).reshape(1, 28, 28)), 0, atol=1e-4)


def test_templates_match_a_loop_oracle():
    from mnistdash.plots.weights import class_means, contrast_templates

    rng = np.random.default_rng(3)
    x = rng.random((300, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, 300)
    means = class_means(x, y)
    contrast = contrast_templates(x, y)
    for c in range(10):
        np.testing.assert_allclose(means[c], x[y == c].mean(0), atol=1e-5)
        np.testing.assert_allclose(contrast[c], x[y == c].mean(0) - x[y != c].mean(0), atol=1e-5)


def test_templates_from_uint8_in_chunks_match_the_float_ones():
    """The Weights page sums the uint8 training digits in chunks (no float copy of all 60,000 held)."""
    from mnistdash.plots.weights import class_means, class_sums, contrast_templates, rarely_inked

    rng = np.random.default_rng(4)
    raw = rng.integers(0, 256, (2_345, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 10, len(raw))
    x = raw.astype(np.float32) / 255
    np.testing.assert_allclose(class_sums(raw, y, chunk=1000), class_sums(x, y), rtol=1e-5)
    np.testing.assert_allclose(class_means(raw, y), class_means(x, y), atol=1e-5)
    np.testing.assert_allclose(contrast_templates(raw, y), contrast_templates(x, y), atol=1e-5)
    np.testing.assert_array_equal(rarely_inked(raw, 0.1, 0.5), rarely_inked(x, 0.1, 0.5))
