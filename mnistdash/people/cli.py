"""`mnistdash reviews export|stats|import`: the review store from the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from mnistdash.people.db import ReviewStore


def add_parser(sub) -> None:
    r = sub.add_parser("reviews", help="people's judgements in the review store (MNISTDASH_DB_URL): export, stats, import")
    r.add_argument("action", choices=("export", "stats", "import"))
    r.add_argument("file", nargs="?", type=Path, help="import: a CSV or JSON made by `reviews export` (or a mislabel-table CSV)")
    fmt = r.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="export/stats as JSON")
    fmt.add_argument("--csv", action="store_true", help="export as CSV (the default)")
    r.add_argument("-o", "--output", type=Path, default=None, help="export: write to this file instead of standard output")
    r.add_argument("--db-url", default=None, help="SQLAlchemy URL (default: MNISTDASH_DB_URL, else var/reviews.db)")


def run(args: argparse.Namespace, usage_error) -> int:
    from mnistdash.people.transfer import ImportRefused, export_text, import_file

    store = ReviewStore.open(args.db_url)
    if args.action == "export":
        text = export_text(store, "json" if args.json else "csv")
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            print(text, end="")
        return 0
    if args.action == "import":
        if args.file is None:
            raise usage_error("reviews import needs a FILE (a CSV or JSON made by `mnistdash reviews export`)")
        if not args.file.is_file():
            raise usage_error(f"no such file: {args.file}")
        try:
            n_answers, n_verdicts = import_file(store, args.file)
        except ImportRefused as exc:
            raise usage_error(f"{args.file.name} refused, nothing imported: {exc}") from None
        print(f"imported {n_answers} answers and {n_verdicts} verdicts from {args.file.name} into {store.backend}")
        return 0
    stats = _stats(store, args.models_dir)
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        print(
            f"{stats['answers']} answers from {stats['people']} people on {stats['digits']} digits "
            f"({stats['backend']}); {stats['verdicts']} mislabel verdicts; "
            f"{stats['confirmed_label_errors']} confirmed label errors (test set, {stats['method']})"
        )
    return 0


def _stats(store: ReviewStore, models_dir) -> dict:
    from mnistdash.data import DataError, load_split
    from mnistdash.people import judged
    from mnistdash.people.crowd import METHOD

    answers = store.answers()
    confirmed = None
    try:
        labels = load_split("test").labels
        v = judged.verdicts_for(store, "test", labels, judged.gold_mask("test", labels, models_dir))
        confirmed = int(v["label_error"].sum()) if len(v) else 0
    except DataError:
        pass
    return {
        "backend": store.backend,
        "answers": len(answers),
        "people": int(answers["who"].nunique()) if len(answers) else 0,
        "digits": int(answers.groupby(["split", "index"]).ngroups) if len(answers) else 0,
        "verdicts": len(store.verdicts()),
        "confirmed_label_errors": confirmed,
        "method": METHOD,
    }
