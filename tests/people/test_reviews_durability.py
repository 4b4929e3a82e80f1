"""Durability: 10 concurrent clients write answers, the server is killed with SIGKILL mid-way and restarted;
every acknowledged answer is there, and no write failed with "database is locked"."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from mnistdash.config import ROOT
from mnistdash.people import ReviewStore
from tests.browser.harness import free_port
from tests.pg import fresh_database

CLIENTS = 10


def _start(port: int, url: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "tests.review_server", str(port), url], cwd=ROOT, env=os.environ.copy())
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
        except urllib.error.HTTPError:
            return proc  # it answers (501 for GET): up
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("review server did not start")


def _client(port: int, who: str, acked: list, failures: list, stop: threading.Event) -> None:
    k = 0
    while not stop.is_set() and k < 2000:
        try:
            with urllib.request.urlopen(
                urllib.request.Request(f"http://127.0.0.1:{port}/answer?who={who}&index={k}&answer={k % 10}", method="POST"),
                timeout=10,
            ) as r:
                body = r.read()
            if not body:
                return  # killed between the headers and the acknowledgement: not acknowledged
            acked.append(int(body))
        except urllib.error.HTTPError as exc:
            failures.append(exc.read().decode())
        except OSError:
            return  # the server is gone
        k += 1


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_acknowledged_answers_survive_sigkill(backend, tmp_path, request):
    url = (
        f"sqlite:///{tmp_path / 'reviews.db'}"
        if backend == "sqlite"
        else fresh_database(request.getfixturevalue("postgres_url"), f"d{uuid.uuid4().hex[:10]}")
    )
    port = free_port()
    server = _start(port, url)
    acked, failures, stop = [], [], threading.Event()
    threads = [threading.Thread(target=_client, args=(port, f"c{n:07d}", acked, failures, stop)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    time.sleep(2.0)
    os.kill(server.pid, signal.SIGKILL)  # mid-way: clients are still writing
    server.wait(10)
    stop.set()
    for t in threads:
        t.join(20)
    assert len(acked) > 50, "the clients hardly wrote anything before the kill"
    assert not [f for f in failures if "locked" in f], failures[:3]
    assert not failures, failures[:3]

    server = _start(port, url)  # restarted on the same database
    try:
        stored = set(ReviewStore.open(url).answers()["id"])
        assert set(acked) <= stored, f"{len(set(acked) - stored)} acknowledged answers lost"
    finally:
        server.kill()
        server.wait(10)


def _big_export(path, rows: int) -> None:
    lines = ["kind,split,index,answer,verdict,who,when,source,round_id"]
    lines += [f"answer,test,{k % 10000},{k % 10},,p{k % 97:07d},2026-01-01T00:00:{k % 60:02d}Z,import," for k in range(rows)]
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_import_killed_half_way_leaves_all_rows_or_none(backend, tmp_path, request):
    url = (
        f"sqlite:///{tmp_path / 'reviews.db'}"
        if backend == "sqlite"
        else fresh_database(request.getfixturevalue("postgres_url"), f"d{uuid.uuid4().hex[:10]}")
    )
    rows, src = 60000, tmp_path / "colleague.csv"
    _big_export(src, rows)
    env = {**os.environ, "MNISTDASH_DB_URL": url}
    command = [sys.executable, "-m", "mnistdash.jobs.cli", "reviews", "import", str(src)]
    ReviewStore.open(url).close()  # the schema exists before the first kill
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    whole = time.perf_counter() - start
    assert len(ReviewStore.open(url).answers()) == rows
    counts = []
    for fraction in (0.5, 0.7, 0.85, 0.95):  # killed at several points of a run as long as the full one
        before = len(ReviewStore.open(url).answers())
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(whole * fraction)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        counts.append(len(ReviewStore.open(url).answers()) - before)
    assert set(counts) <= {0, rows}, f"a killed import left part of its rows: {counts}"
