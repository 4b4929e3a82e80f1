"""A throwaway PostgreSQL cluster from Debian's packages, on a free loopback port, stopped by its PID."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url():
    if not _bin("initdb"):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed: .ci/run installs Debian's postgresql")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    with throwaway_cluster() as url:
        yield url


@contextlib.contextmanager
def throwaway_cluster():
    """initdb in a temporary folder, postgres on a free loopback port; yields its SQLAlchemy URL."""
    initdb, postgres = _bin("initdb"), _bin("postgres")
    root = tempfile.mkdtemp(prefix="mnistdash-pg-")
    data, port = os.path.join(root, "data"), _free_port()
    run_as: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root: run it as Debian's postgres user
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*run_as, initdb, "-D", data, "-U", "mnistdash", "-A", "trust", "--no-sync"], check=True, capture_output=True)
    proc = subprocess.Popen(
        [*run_as, postgres, "-D", data, "-p", str(port), "-c", "listen_addresses=127.0.0.1", "-k", root, "-c", "fsync=on"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"postgresql+psycopg://mnistdash@127.0.0.1:{port}/postgres"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    time.sleep(0.5)
    with open(os.path.join(data, "postmaster.pid")) as f:
        pid = int(f.readline())  # the server's own PID (proc may be runuser's)
    try:
        yield url
    finally:
        os.kill(pid, signal.SIGINT)  # PostgreSQL's fast shutdown
        deadline = time.time() + 20
        while time.time() < deadline and os.path.exists(os.path.join(data, "postmaster.pid")):
            time.sleep(0.1)
        proc.wait(10)
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(url: str, name: str) -> str:
    """A new empty database on the cluster of `url`; its URL."""
    import psycopg

    base = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + f"/{name}"
