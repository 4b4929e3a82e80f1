"""Running the `mnistdash` command line in tests: in this process (`run`: the same `main` the console script calls,
without a new interpreter importing torch for every call, ~2.5 s each) or as a real subprocess (`run_process`: for
what only a real process shows, such as the interpreter's own traceback or the module entry point)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import traceback
from pathlib import Path


def run_process(*args, cwd=None, env=None, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m mnistdash.jobs.cli ARGS` in a new process."""
    return subprocess.run(
        [sys.executable, "-m", "mnistdash.jobs.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


def run(*args, cwd: str | Path | None = None) -> subprocess.CompletedProcess:
    """`mnistdash ARGS` in this process, with what a subprocess would report: the exit code (argparse's exits
    included), stdout and stderr, and an uncaught exception as its traceback on stderr with exit code 1. The working
    folder and torch's thread count are restored afterwards (training sets its own)."""
    import torch

    from mnistdash.jobs.cli import main

    out, err = io.StringIO(), io.StringIO()
    here, threads = os.getcwd(), torch.get_num_threads()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except Exception:  # noqa: BLE001 - reported as the process would: a traceback and exit code 1
                traceback.print_exc()
                code = 1
    finally:
        os.chdir(here)
        torch.set_num_threads(threads)
    return subprocess.CompletedProcess(list(args), code or 0, out.getvalue(), err.getvalue())
