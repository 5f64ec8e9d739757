"""Shared fixtures: real DuckDB files in temporary folders, never mocks."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

# Property tests explore a fixed sequence of examples, so CI is repeatable; set
# HYPOTHESIS_PROFILE=explore to search afresh (what found the case pinned in test_budget_ledger.py).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REAL_DATA = ROOT.parent / "shared" / "data" / "china-provinces-monthly"


@pytest.fixture
def empty_db(tmp_path) -> Path:
    from warehouse import db

    path = tmp_path / "wh.duckdb"
    with db.connect(path, read_only=False):
        pass
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A demo warehouse with a nowcast run, built once per test session (as-of fixed for stable tests)."""
    from cli.main import main

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    assert main(["--db", str(path), "demo", "--as-of", "2026-10", "--no-users"]) == 0  # tests add the users they need
    return path


def small_regions() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["P", "A", "B"], "name_zh": ["测试省", "甲市", "乙市"], "name_en": ["Test Province", "Jia", "Yi"],
        "parent": ["", "P", "P"], "level": ["province", "city", "city"],
    })


def file_digest(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    for p in sorted([path, Path(str(path) + ".wal")]):
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def env_db(monkeypatch):
    def _set(path: Path):
        monkeypatch.setenv("CARBON_BUDGET_DB", str(path))
    return _set


os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
