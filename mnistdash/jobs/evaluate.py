"""Recomputing every committed model's test accuracy from the data, beside the manifest's figure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mnistdash import store
from mnistdash.config import DENOISE_SIGMA
from mnistdash.data import load_split, noisy
from mnistdash.zoo import accuracy, load_all
from mnistdash.zoo.registry import SHORTCUT_MODELS, classifiers


def evaluate_all(
    data_dir: str | Path | None = None,
    models_dir: str | Path | None = None,
    noise: float | None = None,
    only: list[str] | None = None,
) -> list[dict[str, Any]]:
    """One row per model (those named in `only`, else every one): recomputed accuracy, the manifest's, and an
    error where it failed to load; with `noise`, also the accuracy on the test digits with the Denoise page's
    seeded Gaussian noise of that sigma (and the denoiser's row at that sigma)."""
    import time

    test = load_split("test", data_dir)
    x = test.floats()
    sigma = DENOISE_SIGMA if noise is None else noise
    x_noisy = noisy(x, sigma)
    manifest = store.read_manifest(models_dir)["models"]
    models, errors = load_all(models_dir=models_dir)
    copies = tuple(n for n in SHORTCUT_MODELS if n in manifest)  # the planted-shortcut copies, where they were built
    more, more_errors = load_all(copies, models_dir)
    models, errors = {**models, **more}, {**errors, **more_errors}
    rows = []
    names = classifiers(models_dir) + copies
    for name in [n for n in names + ("denoiser",) if only is None or n in only]:
        entry = manifest.get(name, {})
        row: dict[str, Any] = {"model": name, "params": entry.get("params"), "error": errors.get(name)}
        if name in names and name in models:
            start = time.perf_counter()
            pred = models[name].predict_proba(x).argmax(1)
            row["ms_per_digit"] = 1000 * (time.perf_counter() - start) / len(x)
            row["accuracy"] = float((pred == test.labels).mean())
            row["manifest_accuracy"] = entry.get("test_accuracy")
            if noise is not None:
                row.update(noise_sigma=noise, noisy_accuracy=accuracy(models[name], x_noisy, test.labels))
        elif name == "denoiser" and name in models and "mlp" in models:
            xn = x_noisy
            mlp = models["mlp"]
            clean_acc = accuracy(mlp, x, test.labels)
            noisy_acc = accuracy(mlp, xn, test.labels)
            den_acc = accuracy(mlp, models[name].denoise(xn), test.labels)
            row.update(
                mlp_clean=clean_acc,
                mlp_noisy=noisy_acc,
                mlp_denoised=den_acc,
                recovered=(den_acc - noisy_acc) / max(clean_acc - noisy_acc, 1e-9),
                accuracy=den_acc,
            )
            if noise is not None:
                row.update(noise_sigma=noise, noisy_accuracy=den_acc)
        rows.append(row)
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    sigma = next((r["noise_sigma"] for r in rows if "noise_sigma" in r), None)
    noisy_head = "" if sigma is None else f" {f'sigma {sigma:g}':>10}"
    lines = [f"{'model':<20} {'params':>9} {'accuracy':>9}{noisy_head} {'manifest':>9}  note"]
    for r in rows:
        params = f"{r['params']:,}" if r.get("params") else "-"
        if r.get("error"):
            gap = "" if sigma is None else f" {'-':>10}"
            lines.append(f"{r['model']:<20} {params:>9} {'-':>9}{gap} {'-':>9}  UNAVAILABLE: {r['error']}")
            continue
        acc = f"{100 * r['accuracy']:.2f}%" if "accuracy" in r else "-"
        man = f"{100 * r['manifest_accuracy']:.2f}%" if r.get("manifest_accuracy") is not None else "-"
        noisy_acc = f"{100 * r['noisy_accuracy']:.2f}%" if "noisy_accuracy" in r else "-"
        noisy_col = "" if sigma is None else f" {noisy_acc:>10}"
        note = ""
        if "recovered" in r:
            note = (
                f"mlp at sigma {r.get('noise_sigma', DENOISE_SIGMA):g}: clean {100 * r['mlp_clean']:.2f}%, noisy {100 * r['mlp_noisy']:.2f}%, "
                f"denoised {100 * r['mlp_denoised']:.2f}% (recovers {100 * r['recovered']:.0f}% of the loss)"
            )
        elif "ms_per_digit" in r:
            note = f"{r['ms_per_digit']:.3f} ms/digit in a batch"
            if r["model"] in SHORTCUT_MODELS:
                note += "; trained with a planted mark (mnistdash shortcut)"
        lines.append(f"{r['model']:<20} {params:>9} {acc:>9}{noisy_col} {man:>9}  {note}")
    return "\n".join(lines)
