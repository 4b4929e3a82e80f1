"""`mnistdash import-model`, `export-model` and `remove-model`: bring an ONNX classifier in, take a built-in one out."""

from __future__ import annotations

import argparse
from pathlib import Path

from mnistdash.zoo.onnx import check


def add_parsers(sub) -> None:
    here = {"type": Path, "default": argparse.SUPPRESS, "help": "the model store (default: models/)"}
    i = sub.add_parser("import-model", help="add an ONNX classifier (N x 1 x 28 x 28 or N x 784 in, 10 scores out)")
    i.add_argument("file", type=Path, metavar="FILE.onnx")
    i.add_argument("--name", required=True, help="its name on every page (lower-case letters, digits, - and _)")
    i.add_argument("--description", default="", help="one line on what it is")
    i.add_argument(
        "--scaling",
        choices=tuple(check.SCALINGS),
        default="unit",
        help="what the graph expects: 'unit', pixels in [0, 1] (default); 'mnist', (pixel - 0.1307) / 0.3081",
    )
    i.add_argument("--replace", action="store_true", help="replace an imported model of the same name")
    i.add_argument("--data-dir", type=Path, default=None, help="the dataset it is scored on (default: the app's)")
    i.add_argument("--models-dir", **here)
    e = sub.add_parser("export-model", help="write a built-in classifier as ONNX (10 logits out)")
    e.add_argument("name")
    e.add_argument("--onnx", type=Path, required=True, metavar="OUT", help="the .onnx file to write")
    e.add_argument("--flat", action="store_true", help="input N x 784 instead of N x 1 x 28 x 28")
    e.add_argument("--models-dir", **here)
    r = sub.add_parser("remove-model", help="remove an imported model (built-in ones stay)")
    r.add_argument("name")
    r.add_argument("--models-dir", **here)


def run(args: argparse.Namespace) -> int:
    from mnistdash.zoo.onnx import importer as store

    if args.command == "import-model":
        entry = store.import_model(
            args.file, args.name, args.description, args.scaling, args.replace, args.models_dir, args.data_dir
        )
        c = entry["config"]
        print(
            f"imported {args.name}: input {c['input']} (batch {c['batch']}), pixels read as {check.SCALINGS[c['scaling']]}, "
            f"output read as {c['output']} (detected); test accuracy {100 * entry['test_accuracy']:.2f}%, "
            f"{entry['params']:,} parameters, {entry['seconds']:.1f} s. "
            + (
                "If it expects MNIST mean/std normalised pixels, import again with --scaling mnist --replace."
                if c["scaling"] == "unit"
                else ""
            )
        )
    elif args.command == "export-model":
        out = store.export_model(args.name, args.onnx, args.flat, args.models_dir)
        print(
            f"wrote {out} ({out.stat().st_size / 1024:.0f} KB): input {'N x 784' if args.flat else 'N x 1 x 28 x 28'}, output 10 logits"
        )
    else:
        store.remove_model(args.name, args.models_dir)
        print(f"removed {args.name}")
    return 0
