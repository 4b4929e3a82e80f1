"""The flipped-label test of the training-data rankings on another seed than the committed artifact's (a fresh
5% of the labels flipped, a fresh mlp trained on them): the committed figures are not a lucky draw.

    .venv/bin/python bench/flipped_labels.py [--seed 1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mnistdash.data import load_split  # noqa: E402
from mnistdash.jobs.train import build_flipped  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        found = build_flipped(load_split("train"), load_split("test"), folder, seed=args.seed)
    print(f"seed {args.seed}: the share of the flipped labels in the top 5% / 10% of each ranking")
    for ranking, (top5, top10) in found.items():
        print(f"  {ranking:<12} {100 * top5:5.1f}% {100 * top10:5.1f}%")


if __name__ == "__main__":
    main()
