"""The Linear lab: its solver and deskewing against oracles, the committed artifacts' claims, the CLI and faults."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mnistdash import store
from mnistdash.lab import answer, results
from mnistdash.lab.deskew import deskew, moments
from mnistdash.lab.experiments import PAIRS, ovo_vote
from mnistdash.lab.solver import fit_logistic
from tests.command import run as cli


@pytest.fixture(scope="module")
def committed():
    return {key: results.load(key) for key in results.KEYS}


# --- the solver and deskewing against independent answers -------------------------------------------


def test_l2_solver_matches_scikit_learn(test_split):
    from sklearn.linear_model import LogisticRegression

    x, y = test_split.floats()[:1500].reshape(1500, -1), test_split.labels[:1500]
    C = 0.5
    ours = fit_logistic(x, y, 10, l2=1 / (C * len(y)), max_iter=500)
    ref = LogisticRegression(C=C, max_iter=2000, tol=1e-8).fit(x, y)
    assert np.mean(ours.predict(x) == ref.predict(x)) > 0.995
    assert np.abs(ours.coef - ref.coef_).max() < 0.02 * np.abs(ref.coef_).max()


def test_l1_gives_exact_zeros_and_a_binary_fit_scores_positive_for_class_1(test_split):
    x, labels = test_split.floats()[:2000].reshape(2000, -1), test_split.labels[:2000]
    keep = (labels == 0) | (labels == 1)
    fit = fit_logistic(x[keep], (labels[keep] == 1).astype(np.int64), 2, l1=1e-2, max_iter=200)
    assert fit.coef.shape == (1, 784)
    assert 0 < np.count_nonzero(fit.coef) < 100  # exact zeros, not merely small weights
    assert np.mean(fit.predict(x[keep]) == (labels[keep] == 1)) > 0.99


def test_deskewing_removes_the_slant_and_keeps_the_ink(test_split):
    x = test_split.floats()[:200]
    d = deskew(x)
    _, var_r, cov = moments(x)
    _, _, cov_after = moments(d)
    assert np.abs(cov / var_r).mean() > 0.1  # handwriting leans
    assert np.abs(cov_after).max() < 0.1 * np.abs(cov).max()
    assert np.allclose(d.sum((1, 2)), x.sum((1, 2)), rtol=0.1)  # a shear moves ink, it does not make any


def test_ovo_vote_counts_votes():
    a, b = np.array([p[0] for p in PAIRS]), np.array([p[1] for p in PAIRS])
    weights = np.zeros((45, 784), np.float32)
    bias = np.where(a == 3, 1.0, np.where(b == 3, -1.0, 1.0)).astype(np.float32)  # 3 wins all 9 of its pairs
    assert ovo_vote(a, b, weights, bias, np.zeros((2, 784))).tolist() == [3, 3]


# --- the oracles on the committed artifacts ----------------------------------------------------------


def test_l1_nonzero_count_falls_as_the_penalty_grows(committed):
    path = committed["lab-path"]
    l1 = np.flatnonzero(path["penalty"] == "l1")
    strength, nonzero = path["strength"][l1], path["nonzero"][l1]
    assert np.all(np.diff(strength) > 0)
    assert np.all(np.diff(nonzero) <= 0), nonzero
    assert nonzero[-1] < nonzero[0] / 10
    assert nonzero.tolist() == [int(np.count_nonzero(w)) for w in path["weights"][l1]]


def test_zero_vs_one_is_separated(committed):
    pairs = committed["lab-pairs"]
    assert pairs["test_accuracy"][results.pair_index(pairs, 0, 1)] >= 0.998


def test_ovo_vote_recomputed_from_the_stored_pair_weights_matches_the_table(committed, test_split):
    pairs = committed["lab-pairs"]
    n = len(committed["lab-deskew"]["labels"])  # the lab's test digits
    x, y = test_split.floats()[:n].reshape(n, -1), test_split.labels[:n]
    votes = np.zeros((n, 10), np.int64)
    for a, b, w, c in zip(pairs["a"], pairs["b"], pairs["weights"], pairs["bias"]):
        positive = x @ w + c > 0
        votes[positive, a] += 1
        votes[~positive, b] += 1
    accuracy = float((votes.argmax(1) == y).mean())
    row = list(pairs["method"]).index("one-vs-one (45 pairwise votes)")
    assert accuracy == pytest.approx(pairs["method_test_accuracy"][row], abs=1e-12)
    # and each pair's own test accuracy is what its stored weights give
    for i in (0, 17, 44):
        idx, scores, wrong = results.pair_projection(pairs, i, x, y)
        assert 1 - len(wrong) / len(idx) == pytest.approx(pairs["test_accuracy"][i], abs=1e-9)


def test_pca_with_every_component_matches_raw_pixels(committed):
    pca = committed["lab-pca"]
    assert pca["k"][-1] == 784 and pca["k"][0] == 1
    assert abs(pca["test_accuracy"][-1] - float(pca["raw_test_accuracy"])) <= 0.003
    assert pca["test_accuracy"][0] < 0.5 < pca["test_accuracy"][-1]


def test_reconstruction_from_every_component_is_the_digit(committed, test_split):
    digit = test_split.floats()[0]
    assert np.abs(results.reconstruct(committed["lab-pca"], digit, 784) - digit).max() < 0.02
    assert np.abs(results.reconstruct(committed["lab-pca"], digit, 5) - digit).max() > 0.2


def test_top_k_masks_keep_k_pixels_and_accuracy_grows(committed):
    px = committed["lab-pixels"]
    assert px["masks"].sum(1).tolist() == px["k"].tolist()
    assert px["test_accuracy"][-1] > px["test_accuracy"][0]


def test_the_answer_is_written_from_the_numbers(committed):
    text = " ".join(answer.answer(**{k.removeprefix("lab-"): v for k, v in committed.items()}))
    pca, deskewed = committed["lab-pca"], committed["lab-deskew"]
    assert f"{100 * float(pca['raw_test_accuracy']):.1f}%" in text
    assert f"{100 * float(deskewed['test_accuracy'][1]):.1f}%" in text
    assert f"{int((committed['lab-pairs']['train_accuracy'] >= 1).sum())} of the 45" in text


# --- the command line -------------------------------------------------------------------------------


def test_cli_separability_and_path():
    out = cli("lab", "separability", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 45 and set(rows[0]) == {"a", "b", "train_accuracy", "test_accuracy"}
    assert {(r["a"], r["b"]) for r in rows} == set(PAIRS)
    out = cli("lab", "path", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert {r["penalty"] for r in rows} == {"l1", "l2"}
    assert set(rows[0]) == {"penalty", "strength", "train_accuracy", "test_accuracy", "nonzero"}
    text = cli("lab", "path")
    assert text.returncode == 0 and text.stdout.splitlines()[0].split()[:2] == ["penalty", "strength"]


def test_cli_reads_a_quick_store(quick_store):
    out = cli("--models-dir", str(quick_store), "lab", "separability")
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.strip().splitlines()) == 46


@pytest.mark.parametrize("fault,message", [("missing", "missing"), ("damaged", "checksum")])
def test_cli_missing_or_damaged_artifact_is_one_line_exit_2(store_copy, fault, message):
    path = store_copy / "artifacts" / "lab-pairs.npz"
    if fault == "missing":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes()[:300])
    out = cli("--models-dir", str(store_copy), "lab", "separability")
    assert out.returncode == 2
    assert message in out.stderr and "lab-pairs" in out.stderr and "train --only lab" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert cli("--models-dir", str(store_copy), "lab", "path").returncode == 0  # the rest still reads


def test_cli_bad_table_name_exit_2():
    out = cli("lab", "nonsense")
    assert out.returncode == 2 and "invalid choice" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_train_only_lab_builds_just_the_lab_with_fixed_seeds(tmp_path):
    from mnistdash.data import Split, load_split
    from mnistdash.lab.build import build_lab

    out = cli("--models-dir", str(tmp_path / "a"), "train", "--only", "lab", "--quick")
    assert out.returncode == 0, out.stderr
    manifest = store.read_manifest(tmp_path / "a")
    assert manifest["models"] == {} and sorted(manifest["artifacts"]) == sorted(results.KEYS)
    train = load_split("train")
    build_lab(Split(train.images[:2000], train.labels[:2000]), load_split("test"), tmp_path / "b", quick=True)
    for key in results.KEYS:
        first, again = results.load(key, tmp_path / "a"), results.load(key, tmp_path / "b")
        for name in first:
            assert np.array_equal(first[name], again[name]), (key, name)


def test_quick_store_has_every_lab_artifact(quick_store):
    entries = store.read_manifest(quick_store)["artifacts"]
    for key in results.KEYS:
        assert entries[key]["quick"] is True
        results.load(key, quick_store)


def test_page_names_missing_and_damaged_artifacts_and_shows_the_rest(tmp_path, monkeypatch):
    import shutil

    from mnistdash.config import MODELS_DIR
    from mnistdash.ui.lab.artifacts import lab_artifact
    from tests.ui.test_pages import run_page

    (tmp_path / "artifacts").mkdir()
    shutil.copy(MODELS_DIR / "manifest.json", tmp_path / "manifest.json")
    for key in results.KEYS:
        shutil.copy(MODELS_DIR / "artifacts" / f"{key}.npz", tmp_path / "artifacts" / f"{key}.npz")
    (tmp_path / "artifacts" / "lab-path.npz").unlink()
    damaged = tmp_path / "artifacts" / "lab-pairs.npz"
    damaged.write_bytes(damaged.read_bytes()[:500])
    monkeypatch.setattr(store, "MODELS_DIR", tmp_path)
    lab_artifact.clear()
    try:
        at = run_page("pages/7_Linear_lab.py")
    finally:
        lab_artifact.clear()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    warnings = [w.value for w in at.warning]
    assert any("lab-path" in w and "missing" in w for w in warnings), warnings
    assert any("lab-pairs" in w and "checksum" in w for w in warnings), warnings
    assert all(len(w.splitlines()) == 1 for w in warnings)
    assert any("deskewing" in m.value for m in at.markdown)  # the answer from what did load
    assert len(at.get("plotly_chart")) >= 2  # PCA-k and top-k curves still drawn
