"""Rooms: the pure packages never import streamlit; only warehouse opens DuckDB; modules stay small."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["warehouse", "intake", "demo_province", "nowcast", "budget", "monitor", "reports",
                                     "publication", "engines"])
def test_core_packages_do_not_import_streamlit(package):
    offenders = [p.name for p in (ROOT / package).rglob("*.py") if "streamlit" in _imports(p)]
    assert offenders == []


@pytest.mark.parametrize("package", ["intake", "demo_province", "nowcast", "budget", "monitor", "reports", "publication",
                                     "app_pages", "services"])
def test_only_warehouse_opens_duckdb(package):
    offenders = [p.name for p in (ROOT / package).rglob("*.py") if "duckdb" in _imports(p)]
    assert offenders == []


def test_modules_stay_small():
    big = [str(p.relative_to(ROOT)) for pkg in ("warehouse", "intake", "demo_province", "nowcast", "budget", "monitor", "reports", "publication", "engines", "services",
                        "app_pages", "cli")
           for p in (ROOT / pkg).rglob("*.py") if len(p.read_text(encoding="utf-8").splitlines()) > 500]
    assert big == []
