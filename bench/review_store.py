"""Answers per second the review store sustains with 10 concurrent writer processes, on SQLite and on PostgreSQL.

    .venv/bin/python bench/review_store.py [--seconds 5] [--writers 10]

Each writer is its own process with its own connection (like app replicas or server threads), writing one
answer per transaction as the quiz does. PostgreSQL: a throwaway cluster from Debian's packages.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _writer(url: str, who: str, seconds: float, out) -> None:
    from mnistdash.people import ReviewStore

    store = ReviewStore.open(url)
    n, locked, lat = 0, 0, []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t = time.perf_counter()
        try:
            store.add_answer(who, "test", n % 10_000, str(n % 10), source="bench")
            n += 1
        except Exception as exc:  # noqa: BLE001 - counted, not hidden
            locked += "locked" in str(exc)
        lat.append(time.perf_counter() - t)
    out.put((n, locked, sorted(lat)[int(0.95 * (len(lat) - 1))] if lat else 0.0))


def run(url: str, writers: int, seconds: float) -> dict:
    from mnistdash.people import ReviewStore

    ReviewStore.open(url)  # migrated once, before the writers start
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(url, f"bench{k:03d}", seconds, out)) for k in range(writers)]
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    total = sum(r[0] for r in results)
    return {
        "answers": total,
        "per_second": total / seconds,
        "locked": sum(r[1] for r in results),
        "p95_ms": 1000 * max(r[2] for r in results),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--writers", type=int, default=10)
    args = ap.parse_args()
    from tests.pg import _bin, throwaway_cluster

    with tempfile.TemporaryDirectory() as tmp:
        r = run(f"sqlite:///{tmp}/bench.db", args.writers, args.seconds)
        print(
            f"sqlite      {args.writers} writers: {r['per_second']:8.0f} answers/s  (p95 write {r['p95_ms']:.1f} ms, 'database is locked': {r['locked']})"
        )
    if _bin("initdb"):
        with throwaway_cluster() as url:
            r = run(url, args.writers, args.seconds)
            print(
                f"postgresql  {args.writers} writers: {r['per_second']:8.0f} answers/s  (p95 write {r['p95_ms']:.1f} ms, 'database is locked': {r['locked']})"
            )
    else:
        print("postgresql: not installed (apt-get install postgresql), skipped")


if __name__ == "__main__":
    main()
