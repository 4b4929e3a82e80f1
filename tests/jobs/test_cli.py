"""The `mnistdash` command line as a person runs it: exit codes, one-line errors, real predictions."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from tests.command import run, run_process
from tests.conftest import digit_png


def _bad_inputs(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "notes.png").write_text("hello, not an image")
    buf = io.BytesIO()
    Image.new("L", (64, 64), 0).save(buf, format="PNG")
    (tmp_path / "truncated.png").write_bytes(buf.getvalue()[:40])
    Image.new("L", (64, 64), 255).save(tmp_path / "blank.png")
    return {
        "empty.png": "empty",
        "notes.png": "not an image",
        "truncated.png": "damaged or truncated",
        "blank.png": "no digit found",
    }


def test_predict_reads_real_digits_from_files(tmp_path, test_split):
    paths = []
    for i in range(6):
        # Dark ink on light paper, enlarged: the preprocessing must undo both.
        paths.append(str(digit_png(test_split.floats()[i], tmp_path / f"d{i}.png", invert=True, size=112, mode="RGB")))
    out = run_process("predict", *paths, "--model", "cnn", "--json")  # a real process, as a person runs it
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["label"] for r in rows] == list(test_split.labels[:6])
    for r in rows:
        assert len(r["probabilities"]) == 10 and abs(sum(r["probabilities"]) - 1) < 1e-3
    assert "ms per image" in out.stderr


def test_predict_bad_inputs_exit_2_with_one_line(tmp_path):
    for name, message in _bad_inputs(tmp_path).items():
        # one in a real process: what it prints on its own stderr (an uncaught error would be a traceback there)
        out = (run_process if name == "truncated.png" else run)("predict", str(tmp_path / name))
        assert out.returncode == 2, (name, out.stderr)
        assert message in out.stderr and name in out.stderr or message == "no digit found"
        assert "Traceback" not in out.stderr + out.stdout
        assert len(out.stderr.strip().splitlines()) == 1, out.stderr


@pytest.mark.parametrize(
    "args,message",
    [
        (["predict", "x.png", "--model", "resnet-9000"], "unknown model"),
        (["predict", "does-not-exist.png"], "file not found"),
        (["train", "--only", "gpt"], "invalid choice"),
        (["frobnicate"], "invalid choice"),
        (["mislabels", "--top", "0"], "--top must be at least 1"),
        (["evaluate", "--data-dir", "/nonexistent"], "data directory not found"),
        (["evaluate", "--noise", "-0.1"], "--noise must be a sigma between 0 and 1"),
        (["evaluate", "--noise", "nan"], "--noise must be a sigma between 0 and 1"),
        (["evaluate", "--noise", "loud"], "invalid float value"),
    ],
)
def test_bad_arguments_exit_2(tmp_path, args, message):
    out = run(*args, cwd=tmp_path)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_missing_model_file_is_named(store_copy, tmp_path, test_split):
    (store_copy / "mlp" / "weights.safetensors").unlink()
    path = digit_png(test_split.floats()[0], tmp_path / "seven.png")
    out = run("--models-dir", str(store_copy), "predict", str(path), "--model", "mlp")
    assert out.returncode == 2 and "mlp" in out.stderr and "missing" in out.stderr
    out = run("--models-dir", str(store_copy), "predict", str(path), "--model", "logreg-ovr")
    assert out.returncode == 0, out.stderr


def test_mislabels_cli_lists_suspects(quick_store):
    out = run("--models-dir", str(quick_store), "mislabels", "--split", "test", "--top", "5", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 5
    assert all(r["given"] != r["suspected"] for r in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_evaluate_noise_scores_every_model_on_noisy_digits(quick_store):
    from mnistdash.jobs.evaluate import format_table
    from mnistdash.zoo import registry

    out = run("--models-dir", str(quick_store), "evaluate", "--noise", "0.5", "--json")
    assert out.returncode == 0, out.stderr
    rows = {r["model"]: r for r in json.loads(out.stdout)}
    assert set(rows) == set(registry.all_models()) | set(registry.SHORTCUT_MODELS)  # the copies are recomputed too
    for name in registry.classifiers():
        row = rows[name]
        assert row["noise_sigma"] == 0.5 and 0 <= row["noisy_accuracy"] <= 1, name
    assert (
        sum(rows[n]["noisy_accuracy"] < rows[n]["accuracy"] for n in registry.classifiers()) >= len(registry.classifiers()) - 1
    )  # noise hurts
    assert rows["denoiser"]["noisy_accuracy"] == rows["denoiser"]["mlp_denoised"]
    lines = format_table(json.loads(out.stdout)).splitlines()  # what `evaluate --noise 0.5` prints without --json
    assert "sigma 0.5" in lines[0]
    for name in registry.all_models():
        line = next(line for line in lines if line.split()[0] == name)
        assert line.count("%") >= 3, line  # clean, noisy and manifest accuracy (the denoiser: its note)


@pytest.fixture(scope="module")
def batch(tmp_path_factory, test_split):
    """100 files: 97 digits and 3 that cannot be read (not an image, empty, blank)."""
    folder = tmp_path_factory.mktemp("batch")
    paths, bad = [], {7: "notes.png", 50: "empty.png", 93: "blank.png"}
    for i in range(100):
        if i in bad:
            path = folder / bad[i]
        else:
            path = digit_png(test_split.floats()[i], folder / f"d{i:03d}.png")
        paths.append(str(path))
    (folder / "notes.png").write_text("hello, not an image")
    (folder / "empty.png").write_bytes(b"")
    Image.new("L", (64, 64), 255).save(folder / "blank.png")
    return paths, bad


def test_a_batch_with_bad_files_answers_every_other_file(batch, test_split):
    paths, bad = batch
    out = run("predict", "--json", *paths)
    assert out.returncode == 3, out.stderr
    rows = json.loads(out.stdout)
    assert [r["image"] for r in rows] == paths
    errors = {i: r["error"] for i, r in enumerate(rows) if "error" in r}
    assert sorted(errors) == sorted(bad) and all(bad[i] in errors[i] for i in bad)
    answered = [i for i, r in enumerate(rows) if "label" in r]
    assert len(answered) == 97
    right = sum(rows[i]["label"] == int(test_split.labels[i]) for i in answered)
    assert right >= 95

    plain = run("predict", *paths)
    assert plain.returncode == 3 and "Traceback" not in plain.stderr
    assert len(plain.stdout.strip().splitlines()) == 97
    lines = [line for line in plain.stderr.splitlines() if line.startswith("mnistdash: error:")]
    assert len(lines) == 3 and all(any(name in line for line in lines) for name in bad.values())
    assert "3 of 100 files could not be read" in plain.stderr


def test_global_options_after_the_subcommand(quick_store, tmp_path, test_split):
    path = digit_png(test_split.floats()[0], tmp_path / "seven.png")
    before = run("--models-dir", str(quick_store), "predict", str(path), "--model", "mlp", "--json")
    after = run("predict", str(path), "--model", "mlp", "--json", "--models-dir", str(quick_store))
    default = run("predict", str(path), "--model", "mlp", "--json")
    assert before.returncode == after.returncode == 0, after.stderr
    assert json.loads(before.stdout) == json.loads(after.stdout) != json.loads(default.stdout)  # the quick store's mlp
    for args in (["evaluate"], ["mislabels", "--top", "2"], ["lab", "path"], ["reviews", "stats"], ["trust"]):
        out = run(*args, "--models-dir", str(tmp_path / "nowhere"), "--help")
        assert out.returncode == 0 and "--models-dir" in out.stdout, (args, out.stderr)
    out = run("evaluate", "--models-dir", str(tmp_path / "nowhere"))
    assert out.returncode == 2 and "nowhere" in out.stderr and "unrecognized" not in out.stderr


def test_predict_number_reads_each_digit(tmp_path, test_split):
    from mnistdash.images.families import number_set

    picture = number_set(test_split.floats(), test_split.labels, 1, seed=5)[0]  # "1767", read right
    path = tmp_path / "number.jpg"
    path.write_bytes(picture.data)
    out = run("predict", "--number", "--json", str(path))
    assert out.returncode == 0, out.stderr
    (row,) = json.loads(out.stdout)
    assert row["number"] == picture.number == "".join(str(d["label"]) for d in row["digits"])
    lefts = [d["box"][0] for d in row["digits"]]
    assert lefts == sorted(lefts) and all(len(d["probabilities"]) == 10 for d in row["digits"])
    plain = run("predict", "--number", str(path))
    assert plain.stdout.strip() == f"{path}: {picture.number}"
