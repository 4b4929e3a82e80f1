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
from mnistdash.reviews import ReviewStore
from tests.browser.conftest import free_port
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
            with urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/answer?who={who}&index={k}&answer={k % 10}", method="POST"), timeout=10) as r:
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
