"""The Denoise page's numbers as text and as a figure: the level table at the nearest level, the curves' values."""

from __future__ import annotations

import numpy as np

from mnistdash.plots.figures import noise_curves
from mnistdash.robustness.noise import level_table

TABLE = {
    "levels": np.float32([0.0, 0.25, 0.5]),
    "models": np.array(["mlp", "cnn"]),
    "noisy": np.float32([[0.98, 0.90, 0.60], [0.99, 0.97, 0.85]]),
    "denoised": np.float32([[0.97, 0.95, 0.91], [0.98, 0.98, 0.94]]),
}


def test_level_table_reads_the_nearest_level_and_bolds_the_model():
    text = level_table(TABLE, "cnn", 0.5)
    assert text.startswith("At σ = 0.5, the slider's level:")
    assert "| **cnn** | 99.00% | 85.00% | 94.00% |" in text and "| mlp | 98.00% | 60.00% | 91.00% |" in text
    near = level_table(TABLE, "mlp", 0.3)
    assert "At σ = 0.25, the precomputed level nearest to the slider's 0.3" in near
    assert "| **mlp** | 98.00% | 90.00% | 95.00% |" in near


def test_noise_curves_plot_percentages_and_mark_the_level():
    fig = noise_curves(TABLE["levels"], TABLE["noisy"][1], TABLE["denoised"][1], "cnn", 0.25)
    assert [t.name for t in fig.data] == ["cnn, noisy", "cnn, denoised"]
    assert np.allclose(fig.data[0].y, [99, 97, 85]) and np.allclose(fig.data[1].y, [98, 98, 94])
    assert fig.layout.shapes[0].x0 == 0.25
