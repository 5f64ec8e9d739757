"""Writes from the app run as a CLI command in a child process that was started ahead of need.

``run(path, *args)`` hands the command to a waiting ``cli.worker`` process (already past its imports), reads
its exit code, stdout and stderr, and starts the next spare at once, so the next write finds one ready.
Each worker runs one command and exits (as a fresh ``carbon-budget`` would); if none is ready, or a spare
died, the command runs in a fresh process the old way. ``warm()`` starts a spare early (when an analyst
checks a file, the load usually follows).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SPARE: dict[str, subprocess.Popen] = {}
_LOCK = threading.Lock()


def _start() -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "cli.worker"], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
    return proc


def warm() -> None:
    """Make sure a spare worker is starting or waiting."""
    with _LOCK:
        spare = _SPARE.get("cli")
        if spare is None or spare.poll() is not None:
            _SPARE["cli"] = _start()


def _take() -> subprocess.Popen | None:
    with _LOCK:
        spare = _SPARE.pop("cli", None)
        _SPARE["cli"] = _start()   # the next one warms while this one works
    if spare is None or spare.poll() is not None:
        return None
    ready = spare.stdout.readline()   # "ready" once its imports are done (waits if it is still starting)
    return spare if ready.strip() == "ready" else None


def run(path: str, *args: str, timeout: float = 600) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``carbon-budget --db PATH ARGS…`` in a child process."""
    env = {"CARBON_BUDGET_DB": str(Path(path).resolve())}
    argv = ["--db", str(path), *args]
    worker = _take()
    if worker is not None:  # the command is handed over: whatever happens, it is never run a second time
        try:
            out, _ = worker.communicate(json.dumps({"argv": argv, "env": env}) + "\n", timeout=timeout)
            reply = json.loads(out.strip().splitlines()[-1])
            return int(reply["code"]), reply["stdout"], reply["stderr"]
        except subprocess.TimeoutExpired:
            worker.kill()
            return 1, "", f"error: the writing process did not finish within {timeout:.0f} s"
        except (ValueError, IndexError, KeyError, OSError):
            return 1, "", f"error: the writing process ended without an answer (exit code {worker.poll()})"
    proc = subprocess.run([sys.executable, "-m", "cli.main", *argv], cwd=ROOT, env=dict(os.environ, **env),
                          capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr
