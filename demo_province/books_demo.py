"""The demo's books over a period: the targets handed down (with their documents), a mid-period revision of
the 2026–2030 plan approved after the 2025 close (the close's adjustments survive it), and the province's
rules that send plan, close, five-year, key-emitter-list and total-changing approvals to the provincial
government (approver)."""
from __future__ import annotations

import datetime as dt
import os

import pandas as pd

from monitor import plan as mplan
from monitor import rules as mrules
from monitor import targets as mtargets
from warehouse import db, queries
from reports.safe_text import to_csv_bytes

PLAN_ID = "SF-2026-2030"
#: Demo targets, clearly labelled as such: the 14th period's 18% national figure and a 13.5% decline for
#: 2026–2030 (illustrative), both for the province; the cities' shares follow the plan.
TARGETS = [("2021-2025", 0.18, "示范：“十四五”全国单位GDP二氧化碳排放降低18%（演示用） / demo: 14th FYP national −18% (illustrative)"),
           ("2026-2030", 0.135, "示范：省政府下达“十五五”强度目标（演示用，2026-03-01） / demo: 15th FYP target handed down (illustrative)")]
SIGNOFFS = ("plan_approve", "close_approve", "five_year_approve", "registry_approve", "budget_total_change")


def load_targets(db_path: str | os.PathLike, user: str = "system") -> dict:
    with db.connect(db_path) as con:
        regions = queries.regions(con)
    province = str(regions.loc[regions["level"] == "province", "code"].iloc[0])
    frame = pd.DataFrame([{"region": province, "period": p, "intensity_decline": d, "total_cap": "", "document": doc}
                          for p, d, doc in TARGETS])
    return mtargets.load(db_path, to_csv_bytes(frame), "demo_targets.csv", user)


def mid_period_revision(db_path: str | os.PathLike, user: str = "system") -> dict:
    """Version 2 of the current plan after the 2025 close: reserve 3% → 3.5% from 2027; only the difference is
    written, the close's 2026 adjustments stay."""
    mplan.revise(db_path, PLAN_ID, user=user, reserve_share=0.035,
                 note="中期评估：储备比例由 3% 调至 3.5%（演示） / mid-period review: reserve 3% → 3.5% (demo)")
    return mplan.approve(db_path, PLAN_ID, None, user)


def signoff_rules(db_path: str | os.PathLike, as_of: str, user: str = "system") -> int:
    start = dt.date(int(as_of[:4]), 1, 1)
    for action in SIGNOFFS:
        mrules.set_rule(db_path, f"signoff.{action}", "approver", start, "示范省：由省政府审定 / demo: the provincial government signs off", user)
    return len(SIGNOFFS)


def build_books(db_path: str | os.PathLike) -> dict:
    out = {"targets": load_targets(db_path)}
    out["revision"] = mid_period_revision(db_path)
    return out
