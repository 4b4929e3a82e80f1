"""The `mnistdash` command line: train, evaluate, predict, mislabels, lab, faithfulness, attack, reviews."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from mnistdash.errors import UsageError  # noqa: F401  (raised here, imported from here)

EXIT_BAD_INPUT = 2  # bad arguments or input: nothing was done
EXIT_SOME_FAILED = 3  # predict: some files (not all) could not be read; every other file was answered


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, no usage dump
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _parser() -> argparse.ArgumentParser:
    from mnistdash.zoo.registry import BUILTIN_MODELS, PSEUDO_TARGETS

    p = _Parser(prog="mnistdash", description="What MNIST classifiers have learned and why they decide as they do.")
    p.add_argument("--models-dir", type=Path, default=None, help="where the models live (default: models/)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="rebuild the models and artifacts from the data, with fixed seeds")
    t.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        choices=BUILTIN_MODELS + PSEUDO_TARGETS,
        help="train only these models ('lab': the Linear lab; 'ood': the digit score; 'attack': the attack tables; "
        "'faithfulness': the attribution leaderboard; 'shortcut': the planted-shortcut copies and their figures; "
        "'influence': the training digits' representations behind `mnistdash influence`; 'microscope': every hidden "
        "unit's top digits, visualisations and ablations behind `mnistdash unit`; 'replay': the linear models' checkpoints "
        "along their training, behind the Training replay page)",
    )
    t.add_argument("--quick", action="store_true", help="2,000 training digits, one epoch: for tests and smoke runs")
    t.add_argument("--data-dir", type=Path, default=None, help="a folder of IDX or Kannada-MNIST npz files")

    tr = sub.add_parser("trust", help="rebuild only the trust tables' artifact (method checks over 200 test digits)")
    tr.add_argument("--quick", action="store_true", help="6 digits: for tests and smoke runs")

    e = sub.add_parser("evaluate", help="recompute every model's test accuracy from the data")
    e.add_argument("--json", action="store_true")
    e.add_argument("--data-dir", type=Path, default=None)
    e.add_argument("--noise", type=float, default=None, metavar="SIGMA", help="also score noisy test digits (sigma on [0, 1])")

    pr = sub.add_parser("predict", help="label and probabilities for image files")
    pr.add_argument("images", nargs="+", type=Path)
    pr.add_argument("--model", default="cnn", help="a classifier name (default: cnn)")
    pr.add_argument("--json", action="store_true")
    pr.add_argument("--number", action="store_true", help="each file is a number of several digits in a row: read each")

    m = sub.add_parser("mislabels", help="digits whose given label the models confidently reject")
    m.add_argument("--split", choices=("test", "train"), default="test")
    m.add_argument("--top", type=int, default=20)
    m.add_argument("--json", action="store_true")

    a = sub.add_parser("attack", help="accuracy of a model on test digits under an FGSM or PGD (L-inf) attack")
    a.add_argument("--model", required=True, help="a classifier name")
    a.add_argument("--eps", type=float, required=True, help="the budget: L-inf 0 to 0.5 on [0, 1] pixels; pgd-l2: L2 0 to 10")
    a.add_argument("--n", type=int, default=1000, help="the first N test digits (default 1000)")
    a.add_argument("--method", choices=("fgsm", "pgd", "pgd-l2"), default="pgd")
    a.add_argument("--json", action="store_true")

    lab = sub.add_parser("lab", help="the Linear lab's results: pairwise separability or the regularization path")
    lab.add_argument("table", choices=("separability", "path"))
    lab.add_argument("--json", action="store_true")

    f = sub.add_parser(
        "faithfulness", help="how far to trust each attribution method: the leaderboard of every model x method x metric"
    )
    f.add_argument("--json", action="store_true", help="rows {model, method, metric, value, low, high}")

    sc = sub.add_parser(
        "shortcut",
        help="a planted shortcut: how much the copies trained with a mark on most 7s rely on it, and which maps show it",
    )
    sc.add_argument("--model", default=None, help="measure this classifier (any in the store) instead of the copies")
    sc.add_argument("--mask", default=None, help="with --model: the pixels to ink, ROWS,COLS (default 24:27,24:27)")
    sc.add_argument("--class", dest="target", type=int, default=None, help="with --model: the class the mask may push to")
    sc.add_argument("--n", type=int, default=200, help="with --model: marked test digits explained per group")
    sc.add_argument("--json", action="store_true")

    inf = sub.add_parser("influence", help="the training digits that most support and most oppose a model's answer")
    which = inf.add_mutually_exclusive_group(required=True)
    which.add_argument("--digit", type=int, metavar="N", help="a test digit's index")
    which.add_argument(
        "--evaluate", action="store_true", help="the flipped-label test: the share found in the top 5%% and 10%% per ranking"
    )
    inf.add_argument("--model", default="cnn", help="a network with the artifact influence-NAME (default: cnn)")
    inf.add_argument("--top", type=int, default=8, help="training digits per role and method (default 8)")
    inf.add_argument("--json", action="store_true", help='{"method": [{"index", "label", "score", "role"}, ...]}')

    u = sub.add_parser("unit", help="one hidden unit under the microscope: its top digits, class means and ablation")
    u.add_argument("--model", required=True, help="a network: mlp, mlp-deep, bottleneck or cnn")
    u.add_argument("--layer", required=True, help="1, 2, ... (the MLPs' hidden layers in order) or conv1-conv3, dense")
    u.add_argument("--unit", required=True, type=int, help="the unit's (or channel's) index in its layer, from 0")
    u.add_argument("--json", action="store_true")

    from mnistdash.people.cli import add_parser as add_reviews

    add_reviews(sub)
    from mnistdash.zoo.onnx.cli import add_parsers as add_onnx

    add_onnx(sub)
    # The global options after the subcommand too (`mnistdash evaluate --models-dir D`); SUPPRESS keeps the
    # value given before the subcommand when none is given after it.
    for command in sub.choices.values():
        try:
            command.add_argument(
                "--models-dir", type=Path, default=argparse.SUPPRESS, help="where the models live (default: models/)"
            )
        except argparse.ArgumentError:  # it has its own (import-model, export-model, remove-model)
            pass
    return p


def _train(args) -> int:
    from mnistdash.jobs.train import train_all

    results = train_all(only=args.only, quick=args.quick, data_dir=args.data_dir, models_dir=args.models_dir)
    for name, entry in results.items():
        acc = entry.get("test_accuracy")
        print(f"{name:<20} {'' if acc is None else f'{100 * acc:.2f}%':>8}  {entry['train_seconds']:>7.1f}s")
    return 0


def _trust(args) -> int:
    from mnistdash.data import load_split
    from mnistdash.jobs.artifacts import build_trust
    from mnistdash.zoo import load_all

    models, errors = load_all(models_dir=args.models_dir)
    for name, why in errors.items():
        print(f"skipping {name}: {why}", file=sys.stderr)
    seconds = build_trust(models, load_split("test"), args.models_dir, quick=args.quick)
    print(f"trust tables rebuilt in {seconds:.1f}s")
    return 0


def _evaluate(args) -> int:
    from mnistdash.jobs.evaluate import evaluate_all, format_table

    if args.noise is not None and not 0 <= args.noise <= 1:
        raise UsageError(f"--noise must be a sigma between 0 and 1, not {args.noise:g}")
    rows = evaluate_all(args.data_dir, args.models_dir, noise=args.noise)
    print(json.dumps(rows, indent=2) if args.json else format_table(rows))
    return 0


def _read_files(paths, read_number, read):
    """Each file -> its digit(s), or its one-line error: a bad file costs only its own answer."""
    from mnistdash.images.number import find_digits
    from mnistdash.images.preprocess import ImageError, load_image, to_mnist

    out = []
    for path in paths:
        try:
            image = load_image(path)
            if read_number:
                out.append(find_digits(image, read).digits)
            else:
                out.append(to_mnist(image))
        except ImageError as exc:
            message = str(exc)
            out.append(message if message.startswith(str(path)) else f"{path}: {message}")
    return out


def _predict(args) -> int:
    import time

    import numpy as np

    from mnistdash import zoo
    from mnistdash.zoo import registry

    if args.model not in registry.classifiers():
        raise UsageError(f"unknown model {args.model!r}; choose one of: {', '.join(registry.classifiers())}")
    model = zoo.load(args.model, args.models_dir)
    if args.number:  # where touching digits are cut, a piece that looks like no whole digit counts for less
        from mnistdash.robustness.ood.build import number_reader

        read = _read_files(args.images, True, number_reader(model.predict_proba, args.models_dir, {args.model: model}))
    else:
        read = _read_files(args.images, False, model.predict_proba)
    failed = [r for r in read if isinstance(r, str)]
    if args.number:
        digits = [d.digit for r in read if not isinstance(r, str) for d in r]
    else:
        digits = [r for r in read if not isinstance(r, str)]
    digits = np.stack(digits) if digits else np.zeros((0, 28, 28), np.float32)
    start = time.perf_counter()
    probs = model.predict_proba(digits) if len(digits) else np.zeros((0, 10), np.float32)
    seconds = time.perf_counter() - start
    scores, threshold = _digit_scores(digits, args.models_dir) if len(digits) else ([], float("nan"))

    def answer(p, s) -> dict:
        return {
            "label": int(p.argmax()),
            "probabilities": [round(float(v), 6) for v in p],
            "not_a_digit": None if s is None else bool(s < threshold),
            "digit_score": None if s is None else round(float(s), 3),
        }

    out, k = [], 0
    for path, r in zip(args.images, read):
        if isinstance(r, str):
            out.append({"image": str(path), "model": args.model, "error": r})
        elif args.number:
            found = [{"box": list(d.box), **answer(probs[k + i], scores[k + i])} for i, d in enumerate(r)]
            k += len(r)
            out.append(
                {"image": str(path), "model": args.model, "number": "".join(str(f["label"]) for f in found), "digits": found}
            )
        else:
            out.append({"image": str(path), "model": args.model, **answer(probs[k], scores[k])})
            k += 1
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for row in out:
            if "error" in row:
                print(f"mnistdash: error: {row['error']}", file=sys.stderr)
            elif args.number:
                flagged = [str(i + 1) for i, d in enumerate(row["digits"]) if d["not_a_digit"]]
                warn = f"  WARNING: digit {', '.join(flagged)} may not be a digit" if flagged else ""
                print(f"{row['image']}: {row['number']}{warn}")
            else:
                top = sorted(enumerate(row["probabilities"]), key=lambda kv: -kv[1])[:3]
                warn = (
                    f"  WARNING: not a digit? digit score {row['digit_score']:.1f} < {threshold:.1f}; the label is a guess"
                    if row["not_a_digit"]
                    else ""
                )
                print(f"{row['image']}: {row['label']}  ({', '.join(f'{k}: {v:.3f}' for k, v in top)}){warn}")
    if len(digits):
        print(
            f"{args.model}: {1000 * seconds / len(digits):.2f} ms per {'digit' if args.number else 'image'} after loading",
            file=sys.stderr,
        )
    if failed and len(failed) == len(out):
        return EXIT_BAD_INPUT  # nothing could be read: each file's line said why
    if failed:
        print(f"mnistdash: {len(failed)} of {len(out)} files could not be read (exit {EXIT_SOME_FAILED})", file=sys.stderr)
        return EXIT_SOME_FAILED
    return 0


def _digit_scores(digits, models_dir) -> tuple[list, float]:
    """Each digit's digit score (None for all, with a one-line notice, when the score cannot be loaded) and the threshold."""
    from mnistdash import store, zoo
    from mnistdash.robustness.ood.build import load_scorer
    from mnistdash.robustness.ood.score import NEEDS

    try:
        scorer = load_scorer(models_dir)
        models = {n: zoo.load(n, models_dir) for n in NEEDS}
    except store.StoreError as exc:
        print(f"mnistdash: notice: no digit score ({exc})", file=sys.stderr)
        return [None] * len(digits), float("nan")
    return list(scorer.score(models, digits)), scorer.threshold


def _mislabels(args) -> int:
    from mnistdash.mistakes.mislabels import rank_mislabels

    if args.top < 1:
        raise UsageError("--top must be at least 1")
    rows = rank_mislabels(args.split, args.top, args.models_dir)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'index':>6} {'given':>5} {'suspected':>9} {'score':>6}")
        for r in rows:
            print(f"{r['index']:>6} {r['given']:>5} {r['suspected']:>9} {r['score']:>6.3f}")
    return 0


def _lab(args) -> int:
    from mnistdash.lab import results

    if args.table == "separability":
        rows = results.pair_rows(results.load("lab-pairs", args.models_dir))
        header, line = f"{'a':>2} {'b':>2} {'train':>8} {'test':>8}", "{a:>2} {b:>2} {train_accuracy:>8.2%} {test_accuracy:>8.2%}"
    else:
        rows = results.path_rows(results.load("lab-path", args.models_dir))
        header = f"{'penalty':<7} {'strength':>9} {'train':>8} {'test':>8} {'nonzero':>7}"
        line = "{penalty:<7} {strength:>9.2e} {train_accuracy:>8.2%} {test_accuracy:>8.2%} {nonzero:>7}"
    print(json.dumps(rows, indent=2) if args.json else "\n".join([header] + [line.format(**r) for r in rows]))
    return 0


def _faithfulness(args) -> int:
    from mnistdash.explain import faithfulness as fa

    arrays = fa.load(args.models_dir)
    rows = fa.rows(arrays)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    best = fa.best(arrays)
    metrics = [str(m) for m in arrays["metrics"]]
    n = len(arrays["index"])
    print(
        f"over {n:,} test digits (max-sensitivity: {int(arrays['sensitivity_digits'])}, ROAD: "
        f"{int(arrays.get('road_digits', 0))}); mean [95% interval]; * best"
    )
    for model in map(str, arrays["models"]):
        print(f"\n{model}")
        print(f"  {'method':<22}" + "".join(f"{m:>26}" for m in metrics))
        for method in map(str, arrays["methods"]):
            cells = {r["metric"]: r for r in rows if r["model"] == model and r["method"] == method}
            if not cells:
                continue
            line = f"  {method:<22}"
            for m in metrics:
                r = cells[m]
                mark = "*" if best.get((model, m)) == method else " "
                line += f"  {r['value']:>8.3f} [{r['low']:.3f}, {r['high']:.3f}]{mark}"
            print(line)
    for c in fa.checker_check(arrays):
        if not c["recognises the right answer"]:
            print(
                f"\n{c['metric']} does not recognise the right answer on {c['model']}: the exact w*x ranks "
                f"{c['exact rank']} of {c['methods']}, the random map {c['random rank']}"
            )
    return 0


def _influence(args) -> int:
    from mnistdash import store, zoo
    from mnistdash.data import load_split
    from mnistdash.explain import influence

    if args.evaluate:
        arrays = store.load_artifact(influence.FLIPPED_KEY, args.models_dir)
        rows = [
            {"ranking": str(k), "top_5%": float(r[0]), "top_10%": float(r[1])}
            for k, r in zip(arrays["rankings"], arrays["recall"])
        ]
        if args.json:
            print(json.dumps(rows, indent=2))
            return 0
        n, flipped = int(arrays["n"][0]), int(arrays["flipped"][0])
        print(
            f"{flipped:,} of {n:,} training labels flipped (seeded); an mlp trained on them reads "
            f"{100 * float(arrays['test_accuracy'][0]):.2f}% of the test digits. Share of the flipped labels found in:"
        )
        print(f"  {'ranking':<80} {'top 5%':>8} {'top 10%':>8}")
        for r in rows:
            print(f"  {influence.RANKINGS.get(r['ranking'], r['ranking']):<80} {r['top_5%']:>8.1%} {r['top_10%']:>8.1%}")
        return 0
    if args.model not in influence.NETWORKS:
        raise UsageError(f"--model: the training digits are kept for {', '.join(influence.NETWORKS)}, not {args.model!r}")
    test = load_split("test")
    if not 0 <= args.digit < len(test):
        raise UsageError(f"--digit: a test digit's index, 0 to {len(test) - 1}")
    if args.top < 1:
        raise UsageError("--top: at least 1")
    arrays = store.load_artifact(influence.INFLUENCE_KEY.format(args.model), args.models_dir)
    model = zoo.load(args.model, args.models_dir)
    digit = test.floats()[args.digit]
    answer = int(model.predict_proba(digit[None]).argmax())
    found = influence.behind(model, arrays, digit, answer, args.top)
    from mnistdash.replay import tracin
    from mnistdash.replay.build import REPLAY_KEY

    if args.model in tracin.NETWORKS:  # TracIn over the checkpoints it kept while it trained
        kept = store.load_artifact(tracin.TRACIN_KEY.format(args.model), args.models_dir)
        replay = store.load_artifact(REPLAY_KEY.format(args.model), args.models_dir)
        found["tracin"] = influence.ranked(tracin.scores(kept, replay, model.module, digit, answer), args.top)
    labels = arrays["labels"]
    out = {m: [{**r, "label": int(labels[r["index"]])} for r in rows] for m, rows in found.items()}
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"test digit {args.digit} (labelled {int(test.labels[args.digit])}): {args.model} reads {answer}")
    for method, rows in out.items():
        print(f"\n{method}")
        for role in ("supports", "opposes"):
            cells = [f"#{r['index']} ({r['label']}) {r['score']:+.3g}" for r in rows if r["role"] == role]
            print(f"  {role}: " + ", ".join(cells))
    return 0


def _unit(args) -> int:
    from mnistdash import store
    from mnistdash.explain import microscope

    if args.model not in microscope.NETWORKS:
        raise UsageError(f"--model: the microscope looks at {', '.join(microscope.NETWORKS)}, not {args.model!r}")
    arrays = store.load_artifact(microscope.MICROSCOPE_KEY.format(args.model), args.models_dir)
    try:
        view = microscope.unit_view(arrays, args.layer, args.unit)
    except (KeyError, IndexError) as exc:
        raise UsageError(f"--layer/--unit: {exc.args[0]}") from None
    view = {"model": args.model} | view
    if args.json:
        print(json.dumps(view))
        return 0
    print(f"{args.model}, layer {args.layer}, unit {args.unit}")
    print("  most excited by training digits: " + ", ".join(f"#{t['index']} ({t['activation']:.2f})" for t in view["top"]))
    print("  least (input before the ReLU):   " + ", ".join(f"#{t['index']} ({t['input']:.2f})" for t in view["bottom"]))
    print(f"  {'class':<8}" + "".join(f"{c:>8}" for c in range(10)))
    print(f"  {'mean act':<8}" + "".join(f"{v:>8.3f}" for v in view["class_mean"]))
    print(f"  {'accuracy':<8}" + "".join(f"{v:>8.2%}" for v in view["accuracy"]))
    print(f"  {'zeroed':<8}" + "".join(f"{v:>8.2%}" for v in view["accuracy_zeroed"]))
    print(f"  {view['changed_count']} test digits change their answer with the unit zeroed")
    return 0


def _shortcut(args) -> int:
    from mnistdash import store
    from mnistdash.explain import shortcut as sc

    if args.model is None:
        if args.mask is not None or args.target is not None:
            raise UsageError("--mask and --class measure a model you name: add --model NAME")
        arrays = store.load_artifact(sc.SHORTCUT_KEY, args.models_dir)
        rows = sc.artifact_rows(arrays)
    else:
        from mnistdash import zoo
        from mnistdash.data import load_split
        from mnistdash.zoo import registry

        known = registry.classifiers(args.models_dir) + registry.SHORTCUT_MODELS
        if args.model not in known:
            raise UsageError(f"unknown model {args.model!r}; choose one of: {', '.join(known)}")
        target = sc.MARK_CLASS if args.target is None else args.target
        if not 0 <= target <= 9:
            raise UsageError(f"--class must be a digit 0-9, not {target}")
        if args.n < 1:
            raise UsageError("--n must be at least 1")
        mask = sc.parse_mask(args.mask) if args.mask is not None else sc.MARK
        test = load_split("test")
        rows = [
            {
                "model": args.model,
                **sc.report(zoo.load(args.model, args.models_dir), test.floats(), test.labels, mask, target, args.n),
            }
        ]
    print(json.dumps(rows, indent=2) if args.json else sc.format_rows(rows))
    return 0


def _attack(args) -> int:
    from mnistdash import zoo
    from mnistdash.data import load_split
    from mnistdash.robustness.attack import adversarial, predictions
    from mnistdash.zoo import registry

    if args.model not in registry.classifiers():
        raise UsageError(f"unknown model {args.model!r}; choose one of: {', '.join(registry.classifiers())}")
    top = 10.0 if args.method == "pgd-l2" else 0.5
    if not 0 <= args.eps <= top:
        raise UsageError(f"--eps must be between 0 and {top:g} for {args.method} (pixels are on [0, 1]), not {args.eps:g}")
    if args.n < 1:
        raise UsageError("--n must be at least 1")
    test = load_split("test")
    x, y = test.floats()[: args.n], test.labels[: args.n]
    model = zoo.load(args.model, args.models_dir)
    adv = adversarial(model, x, y, args.method, args.eps)
    row = {
        "model": args.model,
        "method": args.method,
        "eps": args.eps,
        "n": len(x),
        "clean_accuracy": float((predictions(model, x) == y).mean()),
        "adversarial_accuracy": float((predictions(model, adv) == y).mean()),
    }
    if args.json:
        print(json.dumps(row, indent=2))
    else:
        print(
            f"{row['model']} {row['method']} eps {row['eps']:g} on {row['n']} test digits: "
            f"clean {row['clean_accuracy']:.2%}, under attack {row['adversarial_accuracy']:.2%}"
        )
    return 0


def _score_imported(args) -> int:
    """After an import: the new model's rows of the faithfulness leaderboard (every method that explains it, over
    the first IMPORTED_DIGITS test digits), so that it is ranked beside the built-in ones."""
    from mnistdash.data import load_split
    from mnistdash.explain import faithfulness as fa
    from mnistdash.zoo import load

    models_dir = getattr(args, "models_dir", None)
    try:  # RuntimeError covers StoreError: the import stands either way, only its leaderboard rows would be missing
        model = load(args.name, models_dir)
        seconds = fa.build_imported(args.name, model, load_split("test", args.data_dir), models_dir)
    except (RuntimeError, ValueError) as exc:
        print(f"mnistdash: {args.name} imported, but its maps could not be scored for the leaderboard: {exc}", file=sys.stderr)
        return 0
    print(
        f"scored its maps for the faithfulness leaderboard over {fa.IMPORTED_DIGITS[0]} test digits in {seconds:.1f} s "
        "(`mnistdash faithfulness`, and the Trust the maps page)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    from mnistdash.data import DataError
    from mnistdash.images.preprocess import ImageError
    from mnistdash.people import StoreUnavailable
    from mnistdash.store import StoreError
    from mnistdash.zoo.onnx import OnnxRefused

    try:
        args = _parser().parse_args(argv)
        if args.command == "trust":
            return _trust(args)
        handlers = {
            "train": _train,
            "evaluate": _evaluate,
            "predict": _predict,
            "mislabels": _mislabels,
            "lab": _lab,
            "faithfulness": _faithfulness,
            "shortcut": _shortcut,
            "influence": _influence,
            "unit": _unit,
        }
        if args.command == "reviews":
            from mnistdash.people.cli import run as reviews

            return reviews(args, UsageError)
        if args.command in ("import-model", "export-model", "remove-model"):
            from mnistdash.zoo.onnx.cli import run as onnx_models

            code = onnx_models(args)
            return _score_imported(args) if code == 0 and args.command == "import-model" else code
        handler = {**handlers, "attack": _attack}[args.command]
        return handler(args)
    except (UsageError, ImageError, DataError, StoreError, StoreUnavailable, OnnxRefused) as exc:
        print(f"mnistdash: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        sys.stdout = open(os.devnull, "w")
        return 0
    except KeyboardInterrupt:
        print("mnistdash: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
