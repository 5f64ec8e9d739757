"""Tests that need an outside tool ask for it here, at the test that needs it (never for a whole module).

On a developer's machine a missing tool skips just that test, with the reason. In CI (the environment
variable ``CI`` is set: ``.ci/run`` exports it, and the CI runner sets ``CI=true``) every tool is
installed by ``make test``'s ``system-deps`` and ``install`` steps, so a missing one is a broken setup:
the test FAILS instead of skipping quietly.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _missing(what: str) -> None:
    if in_ci():
        pytest.fail(f"{what} is missing in CI: `make test` installs it (system-deps / the test and spark extras)")
    pytest.skip(f"{what} missing")


def require_tool(name: str) -> str:
    """The path of the program ``name`` (a command on PATH or an absolute path); skip, or fail in CI, without it."""
    found = (name if Path(name).is_absolute() and os.access(name, os.X_OK) else None) if os.sep in name \
        else shutil.which(name)
    if not found:
        _missing(f"the program {name!r}")
    return found


def require_module(name: str):
    """Import and return the Python module ``name``; skip, or fail in CI, without it."""
    if importlib.util.find_spec(name) is None:
        _missing(f"the Python package {name!r}")
    return importlib.import_module(name)


def require_path(path: Path, what: str) -> Path:
    """``path`` (a data file or folder the test reads, e.g. the shared real data); skip, or fail in CI, without it."""
    if not Path(path).exists():
        _missing(f"{what} ({path})")
    return Path(path)
