"""The admin page's reads and writes (users, regions; targets once the books carry them). Each write checks
the signed-in user's role here (server side) and runs the CLI in a child process, where it is checked again
in the writing transaction; the password travels on the child's stdin, never on a command line."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from services import auth
from services.actions import ActionResult

ROOT = Path(__file__).resolve().parent.parent
REGION_TEMPLATE = "code,name_zh,name_en,parent,level\nXX,某省,Some Province,,province\nXX01,某市,Some City,XX,city\n"


def _cli(path: str, args: list[str], stdin: str | None = None) -> ActionResult:
    env = dict(os.environ, CARBON_BUDGET_DB=str(Path(path).resolve()))
    proc = subprocess.run([sys.executable, "-m", "cli.main", "--db", str(path), *args], cwd=ROOT, env=env,
                          input=stdin, capture_output=True, text=True, timeout=120)
    if proc.returncode == 0:
        return ActionResult(True, {"out": proc.stdout.strip()})
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()] or [f"exit code {proc.returncode}"]
    msg = "; ".join(ln.removeprefix("error: ") for ln in lines[-5:])
    if "): " in msg and " / " in msg:  # "refused (code): english / 中文"
        en, _, zh = msg.split("): ", 1)[1].partition(" / ")
        return ActionResult(False, {}, zh, en)
    return ActionResult(False, {}, msg, msg)


def add_user(path: str, actor: str | None, name: str, role: str, region: str | None, password: str) -> ActionResult:
    actor = auth.require(path, "manage_users", actor)
    args = ["users", "add", name, "--role", role, "--user", actor] + (["--region", region] if region else [])
    return _cli(path, args, stdin=password + "\n")


def set_disabled(path: str, actor: str | None, name: str, disabled: bool) -> ActionResult:
    actor = auth.require(path, "manage_users", actor)
    return _cli(path, ["users", "disable", name, "--user", actor] + ([] if disabled else ["--enable"]))


def load_regions(path: str, actor: str | None, payload: bytes) -> ActionResult:
    actor = auth.require(path, "regions_load", actor)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "regions.csv"
        file.write_bytes(payload)
        return _cli(path, ["regions", "load", str(file), "--user", actor])


def regions_csv(regions: pd.DataFrame) -> bytes:
    from reports.safe_text import to_csv_bytes

    return to_csv_bytes(regions[["code", "name_zh", "name_en", "parent", "level"]].fillna(""))


def targets(path: str, version: str) -> pd.DataFrame:
    """The current version of every target handed down (``monitor.targets.listing``)."""
    from monitor import targets as mtargets

    cols = ["region", "period", "intensity_decline", "total_cap", "document", "version"]
    rows = mtargets.listing(path)
    return pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame(columns=cols)


def targets_template() -> bytes:
    from monitor import targets as mtargets

    return (mtargets.TEMPLATE + "SF,2026-2030,0.18,,国发〔2026〕X号 2026-03-01\n").encode("utf-8-sig")


def load_targets(path: str, actor: str | None, payload: bytes, filename: str) -> ActionResult:
    actor = auth.require(path, "targets_load", actor)
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / f"targets{suffix}"
        file.write_bytes(payload)
        return _cli(path, ["targets", "load", str(file), "--user", actor])
