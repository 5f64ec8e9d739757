"""Policy toolbox (政策工具箱) and the recommended mix per budget situation.

The toolbox lives in ``data/policy_toolbox.csv``: case (surplus | balance | overspend |
major_project), instrument_type (control | economic | information), name_zh, name_en,
description_zh, description_en, code (a stable ASCII instrument code, e.g. ``capacity_replacement``; an
instrument listed under two cases keeps one code) — the combinations of the source paper (DOMAIN.md, "Policy
adjustment"): surplus → incentive-led economic tools + information sharing; balance → control of
key sectors, green finance / pricing, periodic disclosure; overspend → strong control +
differential / punitive pricing + weather vane and naming; a major project straining the budget →
life-cycle assessment, reduction plan, application for separately-listed quota, else a phased
reduction plan for the region.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

TOOLBOX_CSV = Path(__file__).resolve().parent.parent / "data" / "policy_toolbox.csv"
TOOLBOX_COLUMNS = ["case", "instrument_type", "name_zh", "name_en", "description_zh", "description_en"]
INSTRUMENT_COLUMNS = ["code", "instrument_type", "name_zh", "name_en", "description_zh", "description_en"]
CASES = ("surplus", "balance", "overspend", "major_project")
INSTRUMENT_TYPES = ("control", "economic", "information")


@lru_cache(maxsize=4)
def _read(path: str) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def policy_toolbox(path: str | Path | None = None, with_code: bool = False) -> pd.DataFrame:
    """The toolbox table (columns ``TOOLBOX_COLUMNS``, plus ``code`` with ``with_code``)."""
    tb = _read(str(path or TOOLBOX_CSV))
    return tb[TOOLBOX_COLUMNS + (["code"] if with_code else [])].copy()


def instruments(path: str | Path | None = None) -> pd.DataFrame:
    """One row per instrument code (its first toolbox row): ``INSTRUMENT_COLUMNS``."""
    tb = policy_toolbox(path, with_code=True)
    return tb.drop_duplicates("code", keep="first")[INSTRUMENT_COLUMNS].reset_index(drop=True)


def policy_cases(status: str | None, major_project_strain: bool = False) -> list[str]:
    """Toolbox cases that apply: the status' case (if any), plus 'major_project' when a
    separately-listed major project strains the region's budget."""
    cases = [status] if status in ("surplus", "balance", "overspend") else []
    if major_project_strain:
        cases.append("major_project")
    return cases


def recommend_policies(status: str | None, major_project_strain: bool = False,
                       toolbox: pd.DataFrame | None = None) -> pd.DataFrame:
    """The recommended mix: toolbox rows of :func:`policy_cases`, ordered by case then
    instrument type (control, economic, information); an instrument listed under two cases appears
    once (under the first). Columns ``TOOLBOX_COLUMNS`` (+ ``code`` when the toolbox has it)."""
    tb = policy_toolbox(with_code=True) if toolbox is None else toolbox
    cases = policy_cases(status, major_project_strain)
    sel = tb[tb["case"].isin(cases)].copy()
    sel["_c"] = sel["case"].map({c: i for i, c in enumerate(cases)})
    sel["_t"] = sel["instrument_type"].map({t: i for i, t in enumerate(INSTRUMENT_TYPES)})
    sel = sel.sort_values(["_c", "_t"], kind="stable").drop_duplicates("name_en", keep="first")
    return sel[TOOLBOX_COLUMNS + (["code"] if "code" in sel.columns else [])].reset_index(drop=True)
